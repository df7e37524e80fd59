// `number:add`: gives a tenant a Twilio number. A number belongs to one tenant only.
import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { defineCommand } from '../command.ts';
import { e164Flag, requiredText, tenantIdFlag } from '../flags.ts';

export const numberAddCommand = defineCommand({
  name: 'number:add',
  usage: 'number:add --tenant <tenantId> --phone <E.164> [--label <text>]',
  flags: { tenant: { type: 'string' }, phone: { type: 'string' }, label: { type: 'string' } },
  schema: z.object({
    tenant: tenantIdFlag,
    phone: e164Flag,
    label: requiredText().trim().min(1, 'must not be empty').optional(),
  }),
  run: async (flags, { database }) => {
    const db = database();
    if (!(await db.models.Tenant.findByPk(flags.tenant))) throw new CliError(`unknown tenant ${flags.tenant}`);
    const duplicate = () => new CliError(`phone number ${flags.phone} is already added (numbers belong to one tenant)`);
    if (await db.models.PhoneNumber.findOne({ where: { phone: flags.phone } })) throw duplicate();
    try {
      const number = await db.models.PhoneNumber.create({
        tenantId: flags.tenant,
        phone: flags.phone,
        label: flags.label ?? null,
      });
      return { phoneNumberId: number.id };
    } catch (err) {
      if (err instanceof UniqueConstraintError) throw duplicate();
      throw err;
    }
  },
});
