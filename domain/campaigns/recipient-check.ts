// Whether one campaign recipient gets their text now, later, or never — decided when the text is about to
// be sent (never only when the audience was picked: a contact may opt out or reply meanwhile).
import { nextSendingTime, nextTimeUnderCap, sendingRuleFor } from './quiet-hours.ts';
import type { RecipientLocation } from './recipient-location.ts';

export type SkipReason = 'opted_out' | 'no_consent' | 'needs_attention' | 'recent_marketing';

export type RecipientDecision =
  | { action: 'send' }
  | { action: 'skip'; reason: SkipReason }
  | { action: 'wait'; until: Date; because: 'quiet_hours' | 'state_daily_cap' };

export interface RecipientFacts {
  optedOut: boolean;
  consent: 'granted' | 'unknown' | 'revoked';
  /** An open conversation of theirs that needs a person. */
  needsAttention: boolean;
  /** When earlier marketing texts (any campaign of the tenant) reached them. */
  marketingSentAt: readonly Date[];
  location: RecipientLocation;
}

export interface CampaignCheckOptions {
  /** Skip contacts inside an open conversation that needs a person (default on). */
  skipNeedsAttention: boolean;
  /** Skip contacts who got a marketing text in the last N days (default 5; 0 turns it off). */
  recentMarketingDays: number;
}

export const defaultCheckOptions: CampaignCheckOptions = { skipNeedsAttention: true, recentMarketingDays: 5 };

export function checkRecipient(facts: RecipientFacts, now: Date, options: CampaignCheckOptions = defaultCheckOptions): RecipientDecision {
  if (facts.optedOut) return { action: 'skip', reason: 'opted_out' };
  if (facts.consent !== 'granted') return { action: 'skip', reason: 'no_consent' };
  if (options.skipNeedsAttention && facts.needsAttention) return { action: 'skip', reason: 'needs_attention' };
  const recentSince = now.getTime() - options.recentMarketingDays * 24 * 60 * 60 * 1000;
  if (options.recentMarketingDays > 0 && facts.marketingSentAt.some((d) => d.getTime() > recentSince)) {
    return { action: 'skip', reason: 'recent_marketing' };
  }
  const rule = sendingRuleFor(facts.location.state);
  const capAllows = nextTimeUnderCap(now, facts.marketingSentAt, rule);
  if (capAllows > now) return { action: 'wait', until: nextSendingTime(capAllows, facts.location.timeZone, rule), because: 'state_daily_cap' };
  const windowOpens = nextSendingTime(now, facts.location.timeZone, rule);
  if (windowOpens > now) return { action: 'wait', until: windowOpens, because: 'quiet_hours' };
  return { action: 'send' };
}
