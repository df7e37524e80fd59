// `migrate`: applies pending migrations (the app also does this at start).
import { z } from 'zod';
import { migrate } from '../../db/migrate.ts';
import { defineCommand } from '../command.ts';

export const migrateCommand = defineCommand({
  name: 'migrate',
  usage: 'migrate',
  flags: {},
  schema: z.object({}),
  run: async (_flags, { database }) => ({ applied: await migrate(database().sequelize) }),
});
