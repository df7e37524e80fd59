// The campaign workflow's bookkeeping activities: the audience frozen page by page, the next recipients
// whose time has come, and the campaign's status at its start and end. All idempotent (Temporal retries them).
import { addRecipientPage, campaignById, dueRecipients, freezeAudienceCount, moveCampaign, nextWaitingTime } from '../db/repositories/campaigns.ts';
import type { ActivityDeps } from './types.ts';

export interface DueCampaignRecipients {
  contactIds: string[];
  /** Nobody is left queued: the campaign is done. */
  done: boolean;
  /** When nobody is due yet: how long until the first waiting recipient's window opens. */
  nextWaitMs: number | null;
  /** Sends to keep in flight: five per from-number (each waits for its number's pace), at most 50. */
  inFlight: number;
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

export function dueCampaignRecipients(deps: ActivityDeps) {
  const { db } = deps;
  return async ({ campaignId, limit }: { campaignId: string; limit: number }): Promise<DueCampaignRecipients> => {
    const now = deps.clock?.() ?? new Date();
    const campaign = await campaignById(db, campaignId);
    const inFlight = Math.min(50, 5 * Math.max(1, campaign?.from_number_ids.length ?? 1));
    const contactIds = await dueRecipients(db, campaignId, now, limit);
    if (contactIds.length > 0) return { contactIds, done: false, nextWaitMs: null, inFlight };
    const next = await nextWaitingTime(db, campaignId);
    return { contactIds, done: next === null, nextWaitMs: next === null ? null : Math.max(1_000, next.getTime() - now.getTime()), inFlight };
  };
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
