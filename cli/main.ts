// The operator CLI: `node cli/main.ts <command> --flags` (or `npm run cli -- …`). Every command prints
// exactly one JSON object on stdout and exits 0; a problem prints {"error": "…"} on stderr and exits 1.
import { parseArgs } from 'node:util';
import { loadEnv, type Env } from '../config/env.ts';
import { setLogSink } from '../logging/logger.ts';
import { CliError } from './cli-error.ts';
import type { CliCommand, RawFlags } from './command.ts';
import { createCliContext } from './context.ts';

// Loaded on demand: only simulate:inbound needs the (large) twilio package.
const commands: Record<string, () => Promise<CliCommand>> = {
  'tenant:create': async () => (await import('./commands/tenant-create.ts')).tenantCreateCommand,
  'number:add': async () => (await import('./commands/number-add.ts')).numberAddCommand,
  'user:add': async () => (await import('./commands/user-add.ts')).userAddCommand,
  'simulate:inbound': async () => (await import('./commands/simulate-inbound.ts')).simulateInboundCommand,
  migrate: async () => (await import('./commands/migrate.ts')).migrateCommand,
};

function fail(message: string): never {
  process.stderr.write(JSON.stringify({ error: message }) + '\n');
  process.exit(1);
}

function describeError(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof Error) {
    // Sequelize wraps connection failures; the original says what actually went wrong.
    const parent = (err as Error & { parent?: unknown }).parent;
    const detail = parent instanceof Error && parent.message !== err.message ? `: ${parent.message}` : '';
    return `${err.name}: ${err.message || 'failed'}${detail}`;
  }
  return String(err);
}

async function main(argv: string[]): Promise<void> {
  // Stdout carries the one JSON result; anything a library logs goes to stderr.
  setLogSink((line) => process.stderr.write(line + '\n'));
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : commands[name];
  if (!load) {
    fail(`${name ? `unknown command "${name}"` : 'no command given'}; commands: ${Object.keys(commands).join(', ')}`);
  }
  const command = await load();

  let raw: RawFlags;
  try {
    raw = parseArgs({ args: rest, options: command.flags, strict: true, allowPositionals: false }).values;
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)} (usage: ${command.usage})`);
  }

  let env: Env;
  try {
    env = loadEnv();
  } catch (err) {
    fail(describeError(err));
  }
  const { context, close } = createCliContext(env);
  let output: Record<string, unknown> | undefined;
  let error: string | undefined;
  try {
    output = await command.run(raw, context);
  } catch (err) {
    error = describeError(err);
  } finally {
    await close().catch(() => {});
  }
  if (error !== undefined) fail(error);
  process.stdout.write(JSON.stringify(output) + '\n');
  process.exit(0);
}

await main(process.argv.slice(2));
