import type { Client } from '@temporalio/client';
import { Op } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import type { Logger } from '../../logging/logger.ts';
import { conversationWorkflowId, inboundMessageSignal, type InboundMessage } from '../../workflows/definitions.ts';
import { signalConversation } from '../temporal/signal-conversation.ts';

export interface DispatcherOptions {
  temporal: Client;
  db: Database;
  taskQueue: string;
  logger: Logger;
  /** How long the webhook waits for Temporal before keeping the message in Postgres instead. */
  signalTimeoutMs?: number;
  relayIntervalMs?: number;
}

/**
 * Hands an accepted inbound message to its conversation's workflow (signalWithStart). When Temporal
 * cannot be reached the message is written to the Postgres outbox instead, and a relay delivers it
 * once Temporal is back — either way it is durable before the webhook answers 200.
 */
export class InboundDispatcher {
  readonly #o: Required<DispatcherOptions>;
  /** While the outbox holds messages, new ones queue behind them so a conversation keeps its order. */
  #backlog = true;
  #temporalDownUntil = 0;
  #timer: NodeJS.Timeout | null = null;
  #relaying: Promise<void> | null = null;
  #stopped = false;

  constructor(options: DispatcherOptions) {
    this.#o = { signalTimeoutMs: 3_000, relayIntervalMs: 1_000, ...options };
  }

  async dispatch(message: InboundMessage): Promise<'temporal' | 'outbox'> {
    if (!this.#backlog && Date.now() >= this.#temporalDownUntil) {
      try {
        await this.#signal(message);
        return 'temporal';
      } catch (err) {
        this.#temporalDownUntil = Date.now() + 2_000;
        this.#o.logger.warn('Temporal unreachable; keeping the message in the outbox', {
          messageSid: message.messageSid,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    await this.#o.db.sequelize.query(
      `INSERT INTO inbound_outbox (id, message_sid, workflow_id, payload, attempts, created_at)
       VALUES (gen_random_uuid(), :sid, :workflowId, CAST(:payload AS jsonb), 0, now())
       ON CONFLICT (message_sid) DO NOTHING`,
      {
        replacements: {
          sid: message.messageSid,
          workflowId: conversationWorkflowId(message.tenantId, message.to, message.from),
          payload: JSON.stringify(message),
        },
      },
    );
    this.#backlog = true;
    return 'outbox';
  }

  #signal(message: InboundMessage): Promise<unknown> {
    const { temporal, taskQueue, signalTimeoutMs } = this.#o;
    const address = { tenantId: message.tenantId, ourNumber: message.to, customerNumber: message.from };
    return signalConversation({ temporal, taskQueue, timeoutMs: signalTimeoutMs }, address, inboundMessageSignal, [message]);
  }


  /** Delivers the outbox in arrival order; stops at the first failure and tries again later. */
  async relayOnce(): Promise<number> {
    const { db, logger } = this.#o;
    const { InboundOutbox } = db.models;
    let delivered = 0;
    for (;;) {
      const batch = await InboundOutbox.findAll({
        where: { deliveredAt: { [Op.is]: null } },
        order: [['createdAt', 'ASC'], ['id', 'ASC']],
        limit: 100,
      });
      if (batch.length === 0) {
        this.#backlog = false;
        return delivered;
      }
      for (const row of batch) {
        try {
          await this.#signal(row.payload as unknown as InboundMessage);
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          await row.update({ attempts: row.attempts + 1, lastError: error.slice(0, 1000) });
          this.#temporalDownUntil = Date.now() + 2_000;
          if (delivered > 0) logger.info('outbox relay paused', { delivered, error });
          return delivered;
        }
        await row.update({ deliveredAt: new Date(), attempts: row.attempts + 1 });
        delivered++;
      }
    }
  }

  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      if (Date.now() >= this.#temporalDownUntil) {
        this.#relaying = this.relayOnce()
          .then((n) => {
            if (n > 0) this.#o.logger.info('outbox delivered to Temporal', { delivered: n });
          })
          .catch((err: unknown) => this.#o.logger.warn('outbox relay failed', { error: err }));
        await this.#relaying;
      }
      if (!this.#stopped) this.#timer = setTimeout(tick, this.#o.relayIntervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#relaying;
  }
}
