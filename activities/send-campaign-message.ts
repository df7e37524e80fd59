// A campaign's recipients at send time: the checks (opt-out, consent, a conversation needing a person,
// the N-day cap, quiet hours and state caps in their local time), the from-number's pace, then at most one
// send. Idempotent on (campaign, contact): a recipient already settled returns its outcome; one found
// `sending` goes through sendOutboundMessage again, which never resends a message whose outcome is unknown.
// Two activities over the same per-recipient send: `one` for a paced lane (it never waits for the pace
// itself: the lane calls it at the number's turn, a workflow timer, and a send whose number's slot has
// still not come, shared with other campaigns and workers, returns `paced` and is tried again after another
// timer, holding no worker slot meanwhile), and `batch` for a lane without a pace, whose recipients go back
// to back in one activity.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { areaCodeFacts } from '../clients/phone-location/phone-location.ts';
import { campaignById, campaignSendingAccount, sendSlotWaitMs, takeSendSlot, type CampaignRow, type SendingAccount } from '../db/repositories/campaigns.ts';
import {
  claimRecipient,
  deferRecipient,
  findRecipient,
  findRecipients,
  recipientFacts,
  recordCampaignTextAccepted,
  settleRecipient,
  skipRecipient,
  type RecipientRow,
} from '../db/repositories/campaign-recipients.ts';
import { recordConsent } from '../db/repositories/contacts.ts';
import { recordGaveUp, releaseClaim } from '../db/repositories/outbound-messages.ts';
import { renderCampaignMessage } from '../domain/campaigns/campaign-message.ts';
import { checkRecipient } from '../domain/campaigns/recipient-check.ts';
import { recipientLocation } from '../domain/campaigns/recipient-location.ts';
import { deliverClaimedMessage, sendOutboundMessage, type ClaimedSend } from './send-outbound-message.ts';
import type { ActivityDeps } from './types.ts';

/**
 * - `held`: the campaign was paused or canceled; the recipient stays queued.
 * - `wait`: outside their window (quiet hours, a state's daily cap); queued with its `not_before`.
 * - `paced`: the number's next slot has not come (another campaign or worker took it); nothing was
 *   written: try again after `laneWaitMs`, when it comes (0 for every other outcome).
 */
export interface CampaignSendOutcome {
  outcome: 'sent' | 'failed' | 'unknown' | 'skipped' | 'held' | 'wait' | 'paced';
  laneWaitMs: number;
}

/** What a batch left for the lane: recipients to send alone, and those a pause or cancel held back. */
export interface CampaignBatchOutcome {
  held: string[];
  retry: string[];
  /** Recipients whose send is settled (sent, failed, unknown, skipped, or waiting for their window). */
  settled: number;
}

/** Twilio: the recipient replied STOP to the carrier; texting them again is refused. */
const unsubscribedRecipient = 21610;
const dayMs = 24 * 60 * 60 * 1000;
/**
 * A send heartbeats all along, not only when it waits: an activity that does not heartbeat is timed out
 * by the server while it still runs (waiting on the database or a busy event loop), and Temporal starts
 * another try beside it. Well inside the workflow's heartbeat timeout.
 */
const heartbeatEveryMs = 5_000;

function twilioCode(err: ApplicationFailure): string | null {
  const [detail] = err.details ?? [];
  const code = typeof detail === 'object' && detail !== null && 'code' in detail ? (detail as { code: unknown }).code : null;
  return code === null || code === undefined ? null : String(code);
}

const outcome = (o: CampaignSendOutcome['outcome'], laneWaitMs = 0): CampaignSendOutcome => ({ outcome: o, laneWaitMs });

export function campaignSends(deps: ActivityDeps) {
  const { db, box, logger } = deps;
  const send = sendOutboundMessage(deps);
  const deliverClaimed = deliverClaimedMessage(deps);
  const now = () => deps.clock?.() ?? new Date();

  async function decide(campaign: CampaignRow, contactId: string) {
    const at = now();
    const since = new Date(at.getTime() - Math.max(campaign.recent_marketing_days * dayMs, dayMs));
    const facts = await recipientFacts(db, contactId, since);
    if (!facts) return { at, facts, decision: { action: 'skip', reason: 'opted_out' } as const };
    const area = await areaCodeFacts(facts.phone);
    const location = recipientLocation({ contactTimeZone: facts.time_zone, ...area, tenantTimeZone: facts.tenant_time_zone });
    const decision = checkRecipient(
      { optedOut: facts.opted_out, consent: facts.marketing_consent, needsAttention: facts.needs_attention, marketingSentAt: facts.marketing_sent_at, location },
      at,
      { skipNeedsAttention: campaign.skip_needs_attention, recentMarketingDays: campaign.recent_marketing_days },
    );
    return { at, facts, decision };
  }

  async function optOutByCarrier(contactId: string, evidence: string): Promise<void> {
    await db.sequelize.transaction(async (transaction) => {
      const contact = await db.models.Contact.findByPk(contactId, { transaction, lock: transaction.LOCK.UPDATE });
      if (!contact) return;
      const at = new Date();
      if (!contact.optedOut) await contact.update({ optedOut: true, optedOutAt: at, optedOutSource: 'carrier' }, { transaction });
      await recordConsent(db, contact, { status: 'revoked', source: 'carrier', evidence, actorUserId: null, at }, transaction);
    });
  }

  /** `claimed`: the message this try just claimed, sent directly; without it the ordinary send decides. */
  async function deliver(campaignId: string, contactId: string, messageId: string, claimed?: ClaimedSend): Promise<'sent' | 'failed' | 'unknown'> {
    try {
      // A claimed text's acceptance settles the recipient in the same statement.
      let settled = false;
      const result = claimed
        ? await deliverClaimed(claimed, async (sid, status) => {
            await recordCampaignTextAccepted(db, { campaignId, contactId, messageId, sid, status });
            settled = true;
          })
        : await send({ messageId });
      const state = result.status === 'unknown' ? 'unknown' : result.sid ? 'sent' : result.status === 'failed' ? 'failed' : 'sent';
      if (!settled) await settleRecipient(db, campaignId, contactId, state, null);
      return state;
    } catch (err) {
      // Certainly not sent, or another try holds the send: Temporal retries.
      if (!(err instanceof ApplicationFailure) || err.type !== 'TwilioRejectedError') throw err;
      const code = twilioCode(err);
      await recordGaveUp(db, messageId, code ?? err.message);
      await settleRecipient(db, campaignId, contactId, 'failed', code);
      if (code === String(unsubscribedRecipient)) await optOutByCarrier(contactId, `Twilio ${code}: ${err.message}`);
      logger.warn('campaign message refused by Twilio', { campaignId, contactId, code });
      return 'failed';
    }
  }

  /** One recipient, with its campaign as read when the send began (the claim re-reads its status). */
  /** The tenant's Twilio account and the campaign's numbers, read once per activity (a batch's recipients share them). */
  function sendingAccountOf(campaign: CampaignRow): () => Promise<SendingAccount | null> {
    let account: Promise<SendingAccount | null> | undefined;
    return () => (account ??= campaignSendingAccount(db, campaign).then((a) => a && { ...a, authToken: box.open(a.authToken) }));
  }

  async function sendOne(campaign: CampaignRow, contactId: string, recipient: RecipientRow | undefined, account: () => Promise<SendingAccount | null>): Promise<CampaignSendOutcome> {
    const campaignId = campaign.id;
    if (!recipient) return outcome('skipped');
    // A pause or cancel stops every send not yet claimed (the person's word is in Postgres first).
    if (recipient.state === 'queued' && campaign.status !== 'sending') return outcome('held');
    if (recipient.state === 'sending' && recipient.message_id) return outcome(await deliver(campaignId, contactId, recipient.message_id));
    if (recipient.state !== 'queued') return outcome(recipient.state === 'sending' ? 'unknown' : recipient.state);
    const phoneNumberId = recipient.phone_number_id ?? campaign.from_number_ids[0];
    if (!phoneNumberId) return outcome('skipped');

    const interval = campaign.messages_per_second > 0 ? 1000 / campaign.messages_per_second : 0;
    if (interval > 0) {
      const wait = await sendSlotWaitMs(db, phoneNumberId);
      if (wait > 0) return outcome('paced', wait);
    }

    const { at, facts, decision } = await decide(campaign, contactId);
    if (decision.action === 'skip' || !facts) {
      await skipRecipient(db, campaignId, contactId, decision.action === 'skip' ? decision.reason : 'opted_out');
      return outcome('skipped');
    }
    if (decision.action === 'wait') {
      await deferRecipient(db, campaignId, contactId, decision.until, decision.because);
      return outcome('wait');
    }
    if (interval > 0) {
      const slot = await takeSendSlot(db, phoneNumberId, interval);
      if (!slot.taken) return outcome('paced', slot.waitMs);
    }
    const body = renderCampaignMessage(campaign.body, { firstName: facts.first_name, business: facts.business }, { firstMarketingMessage: !facts.had_marketing });
    const claim = await claimRecipient(db, { campaignId, contactId, tenantId: campaign.tenant_id, phoneNumberId, body, sentAt: at });
    if (claim.outcome === 'held') return outcome('held');
    // Another try claimed it first: that try decides; report what it recorded.
    if (claim.outcome === 'taken') return outcome((await findRecipient(db, campaignId, contactId))?.state === 'skipped' ? 'skipped' : 'unknown');
    const sending = await account();
    const from = sending?.phones[phoneNumberId];
    if (!sending || !from) {
      // Twilio is not set up (or the number is gone): the ordinary send records why it cannot go.
      await releaseClaim(db, claim.messageId);
      return outcome(await deliver(campaignId, contactId, claim.messageId));
    }
    const { accountSid, authToken } = sending;
    return outcome(await deliver(campaignId, contactId, claim.messageId, { messageId: claim.messageId, accountSid, authToken, from, to: facts.phone, body }));
  }

  return {
    /** One recipient (a paced send, or one a batch could not settle), retried by Temporal until it settles. */
    one: ({ campaignId, contactId }: { campaignId: string; contactId: string }): Promise<CampaignSendOutcome> =>
      heartbeating(async () => {
        const [campaign, recipient] = await Promise.all([campaignById(db, campaignId), findRecipient(db, campaignId, contactId)]);
        return campaign ? sendOne(campaign, contactId, recipient ?? undefined, sendingAccountOf(campaign)) : outcome('skipped');
      }),
    /**
     * A lane's due recipients back to back, for a campaign without a pace: one activity instead of one per
     * recipient. Each recipient is settled exactly as `one` settles it (and a retry of the batch finds what
     * the last try recorded). A recipient whose send threw (or was paced after all) is handed back in
     * `retry` rather than failing the batch, so one bad recipient never holds up the others: the lane sends
     * it alone, with Temporal's retries. After a pause or cancel the rest is handed back in `held` untouched.
     */
    batch: ({ campaignId, contactIds }: { campaignId: string; contactIds: string[] }): Promise<CampaignBatchOutcome> =>
      heartbeating(async () => {
        const result: CampaignBatchOutcome = { held: [], retry: [], settled: 0 };
        const [campaign, recipients] = await Promise.all([campaignById(db, campaignId), findRecipients(db, campaignId, contactIds)]);
        if (!campaign) return { ...result, settled: contactIds.length };
        const account = sendingAccountOf(campaign);
        for (const [i, contactId] of contactIds.entries()) {
          let sent: CampaignSendOutcome['outcome'];
          try {
            sent = (await sendOne(campaign, contactId, recipients.get(contactId), account)).outcome;
          } catch (err) {
            logger.warn('campaign recipient not settled in its batch; sent alone next', { campaignId, contactId, error: err });
            sent = 'paced';
          }
          if (sent === 'held') {
            result.held.push(...contactIds.slice(i));
            break;
          }
          if (sent === 'paced') result.retry.push(contactId);
          else result.settled++;
        }
        return result;
      }),
  };

  async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(), heartbeatEveryMs);
    try {
      return await work();
    } finally {
      clearInterval(beat);
    }
  }
}
