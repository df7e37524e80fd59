// `tenant:create`: a tenant and its first admin, in one transaction. Migrates first so it works on a
// brand-new database.
import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { migrate } from '../../db/migrate.ts';
import { hashPassword } from '../../secrets/password.ts';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { emailFlag, passwordFlag, requiredText } from '../flags.ts';

const schema = z
  .object({
    name: requiredText().trim().min(1, 'must not be empty'),
    'admin-email': emailFlag,
    'admin-password': passwordFlag,
    'twilio-account-sid': requiredText()
      .trim()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID: AC followed by 32 hex digits')
      .optional(),
    'twilio-auth-token': requiredText()
      .trim()
      .regex(/^\S+$/, 'must not be empty or contain spaces')
      .optional(),
  })
  .refine((f) => (f['twilio-account-sid'] === undefined) === (f['twilio-auth-token'] === undefined), {
    message: 'give both --twilio-account-sid and --twilio-auth-token, or neither',
  });

export const tenantCreateCommand = defineCommand({
  name: 'tenant:create',
  usage:
    'tenant:create --name <name> --admin-email <email> --admin-password <pw> [--twilio-account-sid <AC…> --twilio-auth-token <token>]',
  flags: {
    name: { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-password': { type: 'string' },
    'twilio-account-sid': { type: 'string' },
    'twilio-auth-token': { type: 'string' },
  },
  schema,
  run: async (flags, { database, secretBox }) => {
    const db = database();
    await migrate(db.sequelize);
    const email = flags['admin-email'];
    if (await db.models.User.findOne({ where: { email } })) throw new CliError(`a user with email ${email} already exists`);
    const passwordHash = await hashPassword(flags['admin-password']);
    const token = flags['twilio-auth-token'];
    try {
      return await db.sequelize.transaction(async (transaction) => {
        const tenant = await db.models.Tenant.create(
          {
            name: flags.name,
            twilioAccountSid: flags['twilio-account-sid'] ?? null,
            twilioAuthToken: token === undefined ? null : secretBox().seal(token),
          },
          { transaction },
        );
        const admin = await db.models.User.create(
          { tenantId: tenant.id, email, passwordHash, role: 'admin' },
          { transaction },
        );
        return { tenantId: tenant.id, adminUserId: admin.id };
      });
    } catch (err) {
      // Someone else took the email between the check and the insert.
      if (err instanceof UniqueConstraintError) throw new CliError(`a user with email ${email} already exists`);
      throw err;
    }
  },
});
