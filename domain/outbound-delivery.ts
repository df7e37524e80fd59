// How Twilio's status callbacks move an outbound message's status. Pure, so the rule is in one place
// and tested row by row.
import type { MessageStatus } from '../db/models/message.ts';

/** The statuses Twilio reports in a status callback (`MessageStatus`). */
export const callbackStatuses = ['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled'] as const;
export type CallbackStatus = (typeof callbackStatuses)[number];

/** Later in a message's life ranks higher; callbacks can arrive out of order. */
const rank: Partial<Record<MessageStatus, number>> = {
  queued: 1, accepted: 1, scheduled: 1, sending: 2, sent: 3, undelivered: 4, failed: 4, canceled: 4, delivered: 5, read: 6,
};

export interface OutboundState {
  status: MessageStatus;
  /** Null until we know which Twilio message it became. */
  twilioSid: string | null;
}

/**
 * The status a callback leaves the message in, or null for "leave it as it is".
 *
 * - A message whose Twilio SID we already hold moves forward only: a late `sent` never undoes
 *   `delivered`.
 * - A message without a SID yet (its send's answer was lost or is still on its way: `sending`,
 *   `unknown`, or a `failed` we could only guess at) takes whatever the callback says. The callback is
 *   Twilio telling us the message exists and what became of it; it outranks anything we assumed. This
 *   is how an `unknown` message is resolved: `unknown` ranks below every real status, and it is never
 *   written over a status Twilio reported (the send activity marks only a row still `sending` without
 *   a SID as `unknown`).
 */
export function statusAfterCallback(current: OutboundState, reported: CallbackStatus): MessageStatus | null {
  if (current.twilioSid === null) return reported;
  return (rank[reported] ?? 0) >= (rank[current.status] ?? 0) ? reported : null;
}
