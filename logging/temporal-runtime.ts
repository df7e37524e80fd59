// The Temporal SDK's logs (its own, the Rust core's, and workflow / activity context logs) written by our
// pino logger, so they carry the same redaction as every other line. Install once per process, before
// the first worker or native connection is created.
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { TelemetryOptions } from '@temporalio/worker';
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';
import type { LogLevel, Logger } from './logger.ts';

const pinoLevelOf = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Temporal's Logger interface over pino: `log(level, message, meta)` → `pino[level](meta, message)`. */
export class PinoTemporalLogger implements TemporalLogger {
  readonly #log: PinoLogger;
  constructor(log: PinoLogger) {
    this.#log = log;
  }
  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    // Symbol keys (the SDK's timestamp marker) are not JSON; pino drops them.
    this.#log[pinoLevelOf[level]](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** The Rust core is chatty below WARN; our own level still applies on top (pino drops what is below it). */
const coreLevelOf: Record<LogLevel, TemporalLogLevel> = { debug: 'INFO', info: 'WARN', warn: 'WARN', error: 'ERROR', silent: 'ERROR' };

/** Routes every SDK log line of this process through `logger` (`sdk: 'temporal'` marks them). */
/** `telemetry`: the rest of the runtime's telemetry (the worker's Prometheus metrics), installed with it. */
export function installTemporalRuntimeLogging(logger: Logger, level: LogLevel, telemetry: Omit<TelemetryOptions, 'logging'> = {}): void {
  Runtime.install({
    logger: new PinoTemporalLogger(logger.pino.child({ sdk: 'temporal' })),
    telemetryOptions: {
      ...telemetry,
      logging: {
        // Core (Rust) logs are forwarded to the logger above instead of being printed by core itself.
        filter: makeTelemetryFilterString({ core: coreLevelOf[level], other: coreLevelOf[level] }),
        forward: {},
      },
    },
  });
}
