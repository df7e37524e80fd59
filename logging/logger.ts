// JSON-lines logger. Every line passes through the redactor, so a secret that slips into a
// message or a field (an error carrying a request body, say) is masked before it is written.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
type Fields = Record<string, unknown>;

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Field names whose values are never written, whatever they hold. */
const secretFieldNames = /^(authorization|password|passwordHash|clientSecret|client_secret|appKey|app_key|authToken|auth_token|st-app-key|x-twilio-signature|cookie|set-cookie|access_token|apiKey)$/i;

/** Values registered at run time (decrypted secrets) are masked wherever they appear. */
const knownSecrets = new Set<string>();
export function registerSecret(value: string | null | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

function redactString(s: string): string {
  let out = s;
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), ...(redact({ ...value }, depth + 1) as Fields) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Fields = {};
    for (const [k, v] of Object.entries(value)) out[k] = secretFieldNames.test(k) ? '[redacted]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

export type LogSink = (line: string) => void;
let sink: LogSink = (line) => process.stdout.write(line + '\n');
/** Tests capture every line to prove no secret is ever written. */
export function setLogSink(next: LogSink): void {
  sink = next;
}

export function createLogger(level: LogLevel = 'info', base: Fields = {}): Logger {
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Fields) => {
    if (order[lvl] < order[level]) return;
    const record = redact({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields });
    sink(JSON.stringify(record));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }),
  };
}
