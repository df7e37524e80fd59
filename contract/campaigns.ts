// The campaigns API's JSON (contract.md, "Campaigns"), shared by the API and the web app.
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'canceled';

/** Recipient states: `queued + sent + failed + unknown + skipped` is every recipient; `delivered` ⊆ `sent`. */
export interface CampaignCounts {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  unknown: number;
  skipped: number;
  /** Recipients who texted the business after their campaign message. */
  replied: number;
  /** Recipients who opted out after their campaign message (any way: STOP, a person, the carrier). */
  optedOut: number;
  /** Queued recipients waiting for their local sending window or a state's 24-hour cap. */
  waiting: number;
}

export interface CampaignView {
  id: string;
  name: string;
  status: CampaignStatus;
  body: string;
  fromNumberIds: string[];
  audience: { tags: string[] };
  sendAt: string | null;
  messagesPerSecond: number;
  skipNeedsAttention: boolean;
  recentMarketingDays: number;
  audienceCount: number;
  counts: CampaignCounts;
  skippedReasons: Record<string, number>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface CampaignPreview {
  audienceCount: number;
  /** The body as a sample contact of the audience gets it (their first marketing message: with the STOP line). */
  sample: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  characters: number;
}
