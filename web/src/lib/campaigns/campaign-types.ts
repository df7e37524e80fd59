// The campaigns API's JSON, shared with the API (contract/campaigns.ts), and how the web app names it.
export type { CampaignCounts, CampaignPreview, CampaignStatus, CampaignView } from '../../../../contract/campaigns.ts';
import type { CampaignStatus } from '../../../../contract/campaigns.ts';

export interface FromNumber {
  id: string;
  phone: string;
  label: string | null;
}

export const campaignStatusLabels: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  done: 'Done',
  canceled: 'Canceled',
};

export const skipReasonLabels: Record<string, string> = {
  opted_out: 'Opted out',
  no_consent: 'No marketing consent',
  needs_attention: 'In a conversation that needs a person',
  recent_marketing: 'Texted by a campaign in the last days',
};
