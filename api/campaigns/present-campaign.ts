// Campaign rows with their counts as the API's JSON (contract/campaigns.ts).
import type { CampaignView } from '../../contract/campaigns.ts';
import type { Database } from '../../db/connection.ts';
import { campaignCounts, emptyCounts, skippedReasons, type CampaignRow } from '../../db/repositories/campaigns.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export async function presentCampaigns(db: Database, rows: CampaignRow[]): Promise<CampaignView[]> {
  const ids = rows.map((r) => r.id);
  const [counts, reasons] = await Promise.all([campaignCounts(db, ids), skippedReasons(db, ids)]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    body: r.body,
    fromNumberIds: r.from_number_ids,
    audience: { tags: r.audience_tags },
    sendAt: iso(r.send_at),
    messagesPerSecond: r.messages_per_second,
    skipNeedsAttention: r.skip_needs_attention,
    recentMarketingDays: r.recent_marketing_days,
    audienceCount: r.audience_count,
    counts: counts.get(r.id) ?? { ...emptyCounts },
    skippedReasons: reasons.get(r.id) ?? {},
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  }));
}

export async function presentCampaign(db: Database, row: CampaignRow): Promise<CampaignView> {
  const [view] = await presentCampaigns(db, [row]);
  if (!view) throw new Error('unreachable: one row in, one view out');
  return view;
}
