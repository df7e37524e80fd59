import type { Database } from '../../db/connection.ts';
import type { ConversationAnnouncer } from '../../db/conversation-announcer.ts';
import { storeInboundMessage } from '../../db/repositories/inbound-messages.ts';
import type { InboundRelay } from './inbound-relay.ts';
import type { InboundMessage } from './parse-inbound-webhook.ts';

export type DispatchResult = 'accepted' | 'duplicate';

/**
 * Inbound hand-off, the message row as the outbox: the webhook answers as soon as contact, conversation
 * and message are committed (so the inbox shows the message at once, whatever Temporal is doing); the
 * relay signals the conversation's workflow with the message's id right behind the answer, and the
 * announcer tells the open inboxes, out of the stored statement's commit. While
 * Postgres is unreachable the store throws and the webhook answers 503: Twilio retries it.
 */
export class InboundDispatcher {
  readonly #db: Database;
  readonly #relay: InboundRelay;
  readonly #announcer: ConversationAnnouncer;

  constructor({ db, relay, announcer }: { db: Database; relay: InboundRelay; announcer: ConversationAnnouncer }) {
    this.#db = db;
    this.#relay = relay;
    this.#announcer = announcer;
  }

  /** Durable once this resolves, so the caller may acknowledge the webhook. */
  async dispatch(message: InboundMessage): Promise<DispatchResult> {
    const stored = await storeInboundMessage(this.#db, message);
    if (!stored) return 'duplicate';
    this.#relay.deliver(stored);
    this.#announcer.announce({ tenantId: stored.tenantId, id: stored.conversationId });
    return 'accepted';
  }
}
