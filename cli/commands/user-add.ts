// `user:add`: an admin or CSR for an existing tenant.
import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { hashPassword } from '../../secrets/password.ts';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { emailFlag, passwordFlag, roleFlag, tenantIdFlag } from '../flags.ts';

export const userAddCommand = defineCommand({
  name: 'user:add',
  usage: 'user:add --tenant <tenantId> --email <email> --password <pw> --role admin|csr',
  flags: { tenant: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' } },
  schema: z.object({ tenant: tenantIdFlag, email: emailFlag, password: passwordFlag, role: roleFlag }),
  run: async (flags, { database }) => {
    const db = database();
    if (!(await db.models.Tenant.findByPk(flags.tenant))) throw new CliError(`unknown tenant ${flags.tenant}`);
    const duplicate = () => new CliError(`a user with email ${flags.email} already exists`);
    if (await db.models.User.findOne({ where: { email: flags.email } })) throw duplicate();
    try {
      const user = await db.models.User.create({
        tenantId: flags.tenant,
        email: flags.email,
        passwordHash: await hashPassword(flags.password),
        role: flags.role,
      });
      return { userId: user.id };
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw duplicate();
      throw err;
    }
  },
});
