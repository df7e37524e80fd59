// The one logger: pino, JSON lines on stdout. Two kinds of redaction, both applied to every line:
//   - by path: fields that hold credentials or request bodies are replaced, whatever they contain;
//   - by value: the secret strings this process knows (its configuration, decrypted tenant secrets) are
//     masked wherever they appear in the finished line, so a secret that slips into a message or an
//     error's text (a remote body echoing a key, say) is never written.
// Errors keep their stack (pino's err serializer, under `err` or `error`).
import { pino, stdSerializers, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
type Fields = Record<string, unknown>;

/** Field names whose values are never written, at the top level or nested up to three levels deep. */
const secretFieldNames = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'password',
  'passwordHash',
  'clientSecret',
  'client_secret',
  'appKey',
  'app_key',
  'authToken',
  'auth_token',
  'st-app-key',
  'x-twilio-signature',
  'access_token',
  'apiKey',
  'body',
];
const redactPaths = secretFieldNames.flatMap((name) => {
  const key = `["${name}"]`;
  return [key, `*${key}`, `*.*${key}`, `*.*.*${key}`];
});

/**
 * Secret values registered at run time. Bounded: the set of secrets one process holds is small (its
 * configuration plus the tenants it serves); past the bound the oldest registration is dropped.
 */
const maxKnownSecrets = 5_000;
const knownSecrets = new Set<string>();
export function registerSecret(value: string | null | undefined): void {
  if (!value || value.length < 6) return;
  if (knownSecrets.has(value)) return;
  knownSecrets.add(value);
  // JSON escapes some characters: the serialized line holds the escaped form.
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) knownSecrets.add(escaped);
  while (knownSecrets.size > maxKnownSecrets) {
    const oldest = knownSecrets.values().next().value;
    if (oldest === undefined) break;
    knownSecrets.delete(oldest);
  }
}

/** One `includes` per known secret per line: cheap next to the write itself. */
function maskKnownSecrets(line: string): string {
  let out = line;
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

export type LogSink = (line: string) => void;
let sink: LogSink = (line) => process.stdout.write(line + '\n');
/** Tests capture every line the production logger writes, to prove no secret is ever written. */
export function setLogSink(next: LogSink): void {
  sink = next;
}
/** Synchronous, so a line is out before a crash; the sink is looked up per line so setLogSink applies to existing loggers. */
const destination: DestinationStream = { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) };

/** Our call shape, `log.info('message', { fields })`, over pino's `log.info({ fields }, 'message')`. */
export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
  /** The pino logger underneath, for pino-http and the Temporal runtime adapter. */
  readonly pino: PinoLogger;
}

function wrap(log: PinoLogger): Logger {
  return {
    debug: (msg, fields) => log.debug(fields ?? {}, msg),
    info: (msg, fields) => log.info(fields ?? {}, msg),
    warn: (msg, fields) => log.warn(fields ?? {}, msg),
    error: (msg, fields) => log.error(fields ?? {}, msg),
    child: (fields) => wrap(log.child(fields)),
    pino: log,
  };
}

export function createLogger(level: LogLevel = 'info', base: Fields = {}): Logger {
  const log = pino(
    {
      level,
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      redact: { paths: redactPaths, censor: '[redacted]' },
      hooks: { streamWrite: maskKnownSecrets },
    },
    destination,
  );
  return wrap(log);
}
