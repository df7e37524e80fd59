import { ConnectionError } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import type { Logger } from '../../logging/logger.ts';
import type { InboundMessage } from '../../workflows/definitions.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { insertIntoOutbox, type OutboxEntry } from './inbound-outbox.ts';
import type { InboundRelay } from './inbound-relay.ts';

export type DispatchResult = 'accepted' | 'duplicate';

/**
 * Inbound hand-off, outbox first: the webhook answers as soon as its message is committed to Postgres,
 * so Twilio never waits on Temporal. The relay signals the conversation's workflow right behind the
 * answer. While Postgres is unreachable the message goes straight to Temporal instead.
 */
export class InboundDispatcher {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #relay: InboundRelay;

  constructor({ db, logger, relay }: { db: Database; logger: Logger; relay: InboundRelay }) {
    this.#db = db;
    this.#logger = logger;
    this.#relay = relay;
  }

  /**
   * Durable once this resolves — in the outbox, or, while Postgres is unreachable, in Temporal itself —
   * so the caller may acknowledge the webhook. Throws ServiceUnavailableError when neither takes it.
   */
  async dispatch(message: InboundMessage): Promise<DispatchResult> {
    let entry: OutboxEntry | null;
    try {
      entry = await insertIntoOutbox(this.#db, message);
    } catch (dbError) {
      // Only an unreachable database is worked around; any other failure is a bug and is not hidden.
      if (!(dbError instanceof ConnectionError)) throw dbError;
      return this.#dispatchWithoutPostgres(message, dbError);
    }
    if (!entry) return 'duplicate';
    this.#relay.deliver(entry);
    return 'accepted';
  }

  async #dispatchWithoutPostgres(message: InboundMessage, dbError: unknown): Promise<DispatchResult> {
    try {
      await this.#relay.signal(message);
    } catch (temporalError) {
      this.#logger.error('inbound message refused: neither Postgres nor Temporal can take it', {
        messageSid: message.messageSid,
        postgres: errorMessage(dbError),
        temporal: errorMessage(temporalError),
      });
      // Not acknowledged: Twilio retries the webhook (and keeps the message in its own logs).
      throw new ServiceUnavailableError('IntelliSend cannot store messages right now; please retry.');
    }
    this.#logger.warn('Postgres unreachable; inbound message signalled straight to Temporal', {
      messageSid: message.messageSid,
      error: errorMessage(dbError),
    });
    return 'accepted';
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
