// The shape of one operator command: its flags, a zod schema that validates them, and what it does.
// defineCommand() hides each command's flag type so main.ts can hold them all in one table.
import type { ParseArgsOptionsConfig } from 'node:util';
import type { z } from 'zod';
import { CliError } from './cli-error.ts';
import type { CliContext } from './context.ts';

export type RawFlags = Record<string, string | boolean | (string | boolean)[] | undefined>;
export type CliOutput = Record<string, unknown>;

export interface CliCommand {
  name: string;
  usage: string;
  flags: ParseArgsOptionsConfig;
  run(raw: RawFlags, context: CliContext): Promise<CliOutput>;
}

export interface CommandDefinition<S extends z.ZodType<object, RawFlags>> {
  name: string;
  usage: string;
  flags: ParseArgsOptionsConfig;
  schema: S;
  run(flags: z.output<S>, context: CliContext): Promise<CliOutput>;
}

export function defineCommand<S extends z.ZodType<object, RawFlags>>(definition: CommandDefinition<S>): CliCommand {
  return {
    name: definition.name,
    usage: definition.usage,
    flags: definition.flags,
    run: async (raw, context) => {
      const parsed = definition.schema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const flag = issue?.path.length ? `--${issue.path.join('.')} ` : '';
        throw new CliError(`${flag}${issue?.message ?? 'invalid input'} (usage: ${definition.usage})`);
      }
      return definition.run(parsed.data, context);
    },
  };
}
