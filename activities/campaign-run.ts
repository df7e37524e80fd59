// The campaign workflow's bookkeeping activities: the audience frozen page by page, which from-numbers have
// recipients due and who they are, and the campaign's status at its start and end. All idempotent
// (Temporal retries them).
import { addRecipientPage, campaignById, dueRecipientsOf, freezeAudienceCount, moveCampaign, nextWaitingTime, numbersWithDueRecipients } from '../db/repositories/campaigns.ts';
import type { ActivityDeps } from './types.ts';

/** Sends of one campaign in flight at most without a pace, over all its numbers. */
const campaignInFlight = 50;
/**
 * With a pace, enough sends per number that each turn finds one ready when a send takes up to this long
 * (as it does on a busy machine); those not at their turn wait in a workflow timer, holding nothing.
 */
const sendRoundSeconds = 4;
/** Sends of one number in flight at most, whatever its pace. */
const laneInFlightMax = 25;

export interface CampaignSendPlan {
  /** One lane per from-number with recipients due now: sends in flight, and its turns (0: no pace). */
  lanes: { phoneNumberId: string; inFlight: number; intervalMs: number }[];
  /** Nobody is left queued: the campaign is done. */
  done: boolean;
  /** When nobody is due yet: how long until the first waiting recipient's window opens. */
  nextWaitMs: number | null;
}

/** Sends in flight per number: without a pace the campaign's share spread over its numbers; with one, enough for its turns. */
export function laneInFlight(messagesPerSecond: number, numbers: number): number {
  if (messagesPerSecond > 0) return Math.min(laneInFlightMax, Math.max(1, Math.ceil(messagesPerSecond * sendRoundSeconds)));
  return Math.max(1, Math.floor(campaignInFlight / Math.max(1, numbers)));
}

export function addCampaignRecipientPage({ db }: ActivityDeps) {
  return async ({ campaignId, afterContactId, pageSize }: { campaignId: string; afterContactId: string | null; pageSize: number }): Promise<string | null> => {
    const campaign = await campaignById(db, campaignId);
    if (!campaign) return null;
    const last = await addRecipientPage(db, campaign, afterContactId, pageSize);
    if (last === null) await freezeAudienceCount(db, campaign);
    return last;
  };
}

export function campaignSendPlan(deps: ActivityDeps) {
  const { db } = deps;
  return async ({ campaignId }: { campaignId: string }): Promise<CampaignSendPlan> => {
    const now = deps.clock?.() ?? new Date();
    const campaign = await campaignById(db, campaignId);
    if (!campaign) return { lanes: [], done: true, nextWaitMs: null };
    const inFlight = laneInFlight(campaign.messages_per_second, campaign.from_number_ids.length);
    const intervalMs = campaign.messages_per_second > 0 ? 1000 / campaign.messages_per_second : 0;
    const numbers = await numbersWithDueRecipients(db, campaign, now);
    if (numbers.length > 0) return { lanes: numbers.map((phoneNumberId) => ({ phoneNumberId, inFlight, intervalMs })), done: false, nextWaitMs: null };
    const next = await nextWaitingTime(db, campaignId);
    return { lanes: [], done: next === null, nextWaitMs: next === null ? null : Math.max(1_000, next.getTime() - now.getTime()) };
  };
}

export function dueCampaignRecipients(deps: ActivityDeps) {
  const { db } = deps;
  return async (input: { campaignId: string; phoneNumberId: string; afterContactId: string | null; limit: number }): Promise<string[]> =>
    dueRecipientsOf(db, { ...input, now: deps.clock?.() ?? new Date() });
}

/** How long the campaign waits before its first send (its `sendAt`), and it becomes `sending`. */
export function beginCampaign(deps: ActivityDeps) {
  const { db } = deps;
  return async ({ campaignId }: { campaignId: string }): Promise<{ delayMs: number }> => {
    const campaign = await campaignById(db, campaignId);
    const now = deps.clock?.() ?? new Date();
    return { delayMs: campaign?.send_at ? Math.max(0, new Date(campaign.send_at).getTime() - now.getTime()) : 0 };
  };
}

export function markCampaignSending({ db }: ActivityDeps) {
  return async ({ campaignId }: { campaignId: string }): Promise<void> => {
    await moveCampaign(db, campaignId, ['scheduled'], 'sending', { started: true });
  };
}

export function finishCampaign({ db }: ActivityDeps) {
  return async ({ campaignId, status }: { campaignId: string; status: 'done' | 'canceled' }): Promise<void> => {
    await moveCampaign(db, campaignId, status === 'done' ? ['sending', 'paused', 'scheduled'] : ['sending', 'paused', 'scheduled', 'draft'], status, { finished: true });
    // A cancel the API already recorded still gets its finish time.
    await moveCampaign(db, campaignId, ['canceled'], 'canceled', { finished: true });
  };
}
