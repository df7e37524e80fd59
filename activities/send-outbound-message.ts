import { ApplicationFailure } from '@temporalio/activity';
import { defaultTwilioTimeoutMs, TwilioSendError } from '../clients/twilio/sender.ts';
import { notifyConversationUpdated } from '../db/conversation-events.ts';
import type { MessageStatus } from '../db/models/message.ts';
import { claimForSending, markAbandonedClaimUnknown, markUnknown, outboundSendFacts, outboundState, recordAccepted, releaseClaim, type OutboundMessageRef } from '../db/repositories/outbound-messages.ts';
import type { ActivityDeps } from './types.ts';

/** `sid` is null when the outcome is `unknown` (or the message was already settled without one). */
export interface OutboundSendResult {
  sid: string | null;
  status: MessageStatus;
}

/**
 * How long a try's claim on a message protects it from being called `unknown` by a later try: twice the
 * Twilio request's timeout, so a try still alive has had its answer (or given up on it) and recorded it
 * long before. Only a claim older than this belongs to a try that died mid-send.
 */
export const sendClaimLeaseMs = 2 * defaultTwilioTimeoutMs;

/** Thrown while another try holds the message's claim: Temporal retries, and the retry finds its outcome. */
export const sendInFlightError = 'SendInFlightError';

/** Where Twilio reports this message's progress. Our id in the URL (signed with it) lets a callback find a
 * message whose creation answer was lost, so an `unknown` outcome resolves itself when Twilio has it. */
export function statusCallbackUrl(publicBaseUrl: string, messageId: string): string {
  return `${publicBaseUrl}/api/twilio/status?messageId=${encodeURIComponent(messageId)}`;
}

/**
 * Sends one queued outbound message through Twilio, at most once. Idempotent on our message id: a message
 * that has a Twilio SID, or whose send was already tried with an unknown outcome, is never sent again.
 *
 * - Twilio refused it: non-retryable failure (the workflow marks it failed).
 * - Certainly not sent (Twilio unreachable, 429, 503…): the claim is released and the error thrown, so
 *   Temporal's retry sends it later.
 * - Outcome unknown (the answer was lost or late after the request was written): marked `unknown` and the
 *   activity returns normally, so no retry can text the customer twice. A person may resend it.
 * - A try that finds the message still `sending` comes after one that died or timed out mid-send. Within
 *   the claim's lease the other try may still be alive (Temporal times out a slow activity without
 *   stopping it): this try throws a retryable error and a later one finds what that try recorded — sent,
 *   released (certainly not sent: then it is sent now) or unknown. After the lease that other try is gone
 *   (the worker crashed, the write after Twilio's answer failed): the outcome is unknown.
 */
function inFlight(messageId: string): ApplicationFailure {
  return ApplicationFailure.retryable(`Another try is sending message ${messageId}; its outcome decides`, sendInFlightError);
}

/** A message this try holds the claim on (`sending`), with everything its Twilio request needs. */
export interface ClaimedSend {
  messageId: string;
  accountSid: string;
  /** Decrypted. */
  authToken: string;
  from: string;
  to: string;
  body: string;
}

type Announce = (m: OutboundMessageRef | null) => Promise<void> | undefined;
const announcer =
  (db: ActivityDeps['db']): Announce =>
  (m) =>
    m ? notifyConversationUpdated(db.sequelize, { tenantId: m.tenantId, id: m.conversationId }) : undefined;

/**
 * The Twilio request of a claimed message and its outcome, recorded: accepted (SID and status), unknown
 * (never sent again), or certainly not sent (the claim released and the error thrown: a refusal is not
 * retryable, anything else is). A campaign claims its recipient's message as it writes it and comes here
 * directly; every other send claims a queued message first (sendOutboundMessage).
 */
export function deliverClaimedMessage({ db, twilio, env, logger }: ActivityDeps) {
  const announce = announcer(db);
  /** `accepted`: records Twilio's acceptance (a campaign settles its recipient in the same statement). */
  return async (
    { messageId, ...sms }: ClaimedSend,
    accepted: (sid: string, status: MessageStatus) => Promise<void> = (sid, status) => recordAccepted(db, messageId, sid, status),
  ): Promise<OutboundSendResult> => {
    try {
      const sent = await twilio.send({ ...sms, statusCallback: statusCallbackUrl(env.PUBLIC_BASE_URL, messageId) });
      const status: MessageStatus = sent.status === 'accepted' ? 'queued' : sent.status;
      await accepted(sent.sid, status);
      return { sid: sent.sid, status };
    } catch (err) {
      if (!(err instanceof TwilioSendError)) throw err;
      if (err.failure === 'unknown') {
        await announce(await markUnknown(db, messageId));
        logger.warn('outbound message outcome unknown; not resent', { messageId, code: err.code, status: err.status, error: err.message });
        return { sid: null, status: 'unknown' };
      }
      await releaseClaim(db, messageId);
      // Twilio's error code travels in the details: a campaign tells 21610 (the carrier's STOP) from 21211.
      if (err.failure === 'rejected') throw ApplicationFailure.create({ message: err.message, type: 'TwilioRejectedError', nonRetryable: true, details: [{ code: err.code ?? null }] });
      throw err;
    }
  };
}

export function sendOutboundMessage(deps: ActivityDeps) {
  const { db, box, logger } = deps;
  const announce = announcer(db);
  const deliver = deliverClaimedMessage(deps);

  return async ({ messageId }: { messageId: string }): Promise<OutboundSendResult> => {
    const message = await outboundSendFacts(db, messageId);
    if (!message) throw ApplicationFailure.nonRetryable(`Message ${messageId} not found`, 'TwilioRejectedError');
    if (message.twilioSid) return { sid: message.twilioSid, status: message.status };
    if (message.status === 'sending') {
      const abandoned = await markAbandonedClaimUnknown(db, messageId, sendClaimLeaseMs);
      if (!abandoned) throw inFlight(messageId);
      await announce(abandoned);
      logger.warn('outbound message found mid-send after its claim ran out; outcome unknown, not resent', { messageId });
      return { sid: null, status: 'unknown' };
    }
    if (message.status !== 'queued') return { sid: null, status: message.status };

    if (message.contactOptedOut) {
      throw ApplicationFailure.nonRetryable('The customer has opted out of SMS; the reply was not sent.', 'TwilioRejectedError');
    }
    if (!message.twilioAccountSid || !message.twilioAuthToken) {
      throw ApplicationFailure.nonRetryable('Twilio is not set up for this account (account SID and auth token).', 'TwilioRejectedError');
    }
    const authToken = box.open(message.twilioAuthToken);
    // From here until Twilio's answer is recorded the row says `sending`; another try holding it (or one
    // that just settled it) decides instead of us.
    if (!(await claimForSending(db, messageId))) {
      const now = await outboundState(db, messageId);
      if (now?.status === 'sending' && !now.twilioSid) throw inFlight(messageId);
      return { sid: now?.twilioSid ?? null, status: now?.status ?? message.status };
    }

    return deliver({ messageId, accountSid: message.twilioAccountSid, authToken, from: message.from, to: message.to, body: message.body });
  };
}
