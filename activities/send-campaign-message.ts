// One recipient of a campaign, at send time: the checks (opt-out, consent, a conversation needing a person,
// the N-day cap, quiet hours and state caps in their local time), the per-number pace, then at most one
// send. Idempotent on (campaign, contact): a recipient already settled returns its outcome; one found
// `sending` goes through sendOutboundMessage again, which never resends a message whose outcome is unknown.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { areaCodeFacts } from '../clients/phone-location/phone-location.ts';
import { campaignById, reserveSendSlot, type CampaignRow } from '../db/repositories/campaigns.ts';
import { claimRecipient, deferRecipient, findRecipient, recipientFacts, settleRecipient, skipRecipient } from '../db/repositories/campaign-recipients.ts';
import { recordConsent } from '../db/repositories/contacts.ts';
import { recordGaveUp } from '../db/repositories/outbound-messages.ts';
import { renderCampaignMessage } from '../domain/campaigns/campaign-message.ts';
import { checkRecipient, type RecipientDecision } from '../domain/campaigns/recipient-check.ts';
import { recipientLocation } from '../domain/campaigns/recipient-location.ts';
import { sendOutboundMessage } from './send-outbound-message.ts';
import type { ActivityDeps } from './types.ts';

/** `held`: the campaign was paused or canceled while this send waited for its number's pace; still queued. */
export type CampaignSendOutcome =
  | { outcome: 'sent' | 'failed' | 'unknown' | 'skipped' | 'held' }
  | { outcome: 'wait'; waitMs: number };

/** Twilio: the recipient replied STOP to the carrier; texting them again is refused. */
const unsubscribedRecipient = 21610;
const dayMs = 24 * 60 * 60 * 1000;

/** Which of the campaign's numbers texts this contact: the one they already talk to, else one picked by id. */
function fromNumberFor(campaign: CampaignRow, contactId: string, knownNumberId: string | null): string {
  if (knownNumberId) return knownNumberId;
  const ids = campaign.from_number_ids;
  let h = 0;
  for (const ch of contactId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return ids[h % ids.length] ?? ids[0] ?? '';
}

function twilioCode(err: ApplicationFailure): string | null {
  const [detail] = err.details ?? [];
  const code = typeof detail === 'object' && detail !== null && 'code' in detail ? (detail as { code: unknown }).code : null;
  return code === null || code === undefined ? null : String(code);
}

export function sendCampaignMessage(deps: ActivityDeps) {
  const { db, logger } = deps;
  const send = sendOutboundMessage(deps);
  const now = () => deps.clock?.() ?? new Date();

  async function decide(campaign: CampaignRow, contactId: string) {
    const at = now();
    const since = new Date(at.getTime() - Math.max(campaign.recent_marketing_days * dayMs, dayMs));
    const facts = await recipientFacts(db, contactId, campaign.from_number_ids, since);
    if (!facts) return { at, facts, decision: { action: 'skip', reason: 'opted_out' } as RecipientDecision };
    const area = await areaCodeFacts(facts.phone);
    const location = recipientLocation({ contactTimeZone: facts.time_zone, ...area, tenantTimeZone: facts.tenant_time_zone });
    const decision = checkRecipient(
      { optedOut: facts.opted_out, consent: facts.marketing_consent, needsAttention: facts.needs_attention, marketingSentAt: facts.marketing_sent_at, location },
      at,
      { skipNeedsAttention: campaign.skip_needs_attention, recentMarketingDays: campaign.recent_marketing_days },
    );
    return { at, facts, decision };
  }

  const stillSending = async (campaignId: string) => (await campaignById(db, campaignId))?.status === 'sending';

  /**
   * Waits for the reserved slot of the number, heartbeating, so the pace holds across every worker. False
   * when the campaign was paused or canceled meanwhile (looked at every few seconds, and once more at the
   * end): then nothing is sent, and the person's word takes effect within seconds even at a slow pace.
   */
  async function pace(campaign: CampaignRow, phoneNumberId: string): Promise<boolean> {
    if (campaign.messages_per_second > 0) {
      const slot = await reserveSendSlot(db, phoneNumberId, 1000 / campaign.messages_per_second);
      for (let left = slot.getTime() - Date.now(); left > 0; left = slot.getTime() - Date.now()) {
        Context.current().heartbeat();
        await Context.current().sleep(Math.min(left, 3_000));
        if (slot.getTime() - Date.now() > 0 && !(await stillSending(campaign.id))) return false;
      }
    }
    return stillSending(campaign.id);
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

  async function deliver(campaignId: string, contactId: string, messageId: string): Promise<CampaignSendOutcome> {
    try {
      const result = await send({ messageId });
      const state = result.status === 'unknown' ? 'unknown' : result.sid ? 'sent' : result.status === 'failed' ? 'failed' : 'sent';
      await settleRecipient(db, campaignId, contactId, state, null);
      return { outcome: state };
    } catch (err) {
      if (!(err instanceof ApplicationFailure) || err.type !== 'TwilioRejectedError') throw err; // certainly not sent: Temporal retries
      const code = twilioCode(err);
      await recordGaveUp(db, messageId, code ?? err.message);
      await settleRecipient(db, campaignId, contactId, 'failed', code);
      if (code === String(unsubscribedRecipient)) await optOutByCarrier(contactId, `Twilio ${code}: ${err.message}`);
      logger.warn('campaign message refused by Twilio', { campaignId, contactId, code });
      return { outcome: 'failed' };
    }
  }

  return async ({ campaignId, contactId }: { campaignId: string; contactId: string }): Promise<CampaignSendOutcome> => {
    const [campaign, recipient] = await Promise.all([campaignById(db, campaignId), findRecipient(db, campaignId, contactId)]);
    if (!campaign || !recipient) return { outcome: 'skipped' };
    if (recipient.state === 'queued' && campaign.status !== 'sending') return { outcome: 'held' };
    if (recipient.state === 'sending' && recipient.message_id) return deliver(campaignId, contactId, recipient.message_id);
    if (recipient.state !== 'queued') return { outcome: recipient.state === 'sending' ? 'unknown' : recipient.state };

    let { at, facts, decision } = await decide(campaign, contactId);
    if (decision.action === 'send' && facts) {
      const phoneNumberId = fromNumberFor(campaign, contactId, facts.known_number_id);
      // A pause or cancel while we waited stops this send too (the person's word is in Postgres first).
      if (!(await pace(campaign, phoneNumberId))) return { outcome: 'held' };
      // The pace may have held us for seconds: a STOP meanwhile still wins.
      ({ at, facts, decision } = await decide(campaign, contactId));
      if (decision.action === 'send' && facts) {
        const body = renderCampaignMessage(campaign.body, { firstName: facts.first_name, business: facts.business }, { firstMarketingMessage: !facts.had_marketing });
        const messageId = await claimRecipient(db, { campaignId, contactId, tenantId: campaign.tenant_id, phoneNumberId, body, sentAt: at });
        // Another try claimed it first: that try decides; report what it recorded.
        if (!messageId) return { outcome: (await findRecipient(db, campaignId, contactId))?.state === 'skipped' ? 'skipped' : 'unknown' };
        return deliver(campaignId, contactId, messageId);
      }
    }
    if (decision.action === 'skip') {
      await skipRecipient(db, campaignId, contactId, decision.reason);
      return { outcome: 'skipped' };
    }
    if (decision.action === 'wait') {
      await deferRecipient(db, campaignId, contactId, decision.until, decision.because);
      return { outcome: 'wait', waitMs: Math.max(0, decision.until.getTime() - at.getTime()) };
    }
    return { outcome: 'skipped' };
  };
}
