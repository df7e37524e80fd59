import { describe, expect, it } from 'vitest';
import { checkRecipient, defaultCheckOptions, type RecipientFacts } from './recipient-check.ts';

// 2026-01-15 17:00 US/Eastern.
const now = new Date('2026-01-15T22:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const eastern = { timeZone: 'America/New_York', state: 'NY', source: 'area_code' } as const;
const florida = { timeZone: 'America/New_York', state: 'FL', source: 'area_code' } as const;
const base: RecipientFacts = { optedOut: false, consent: 'granted', needsAttention: false, marketingSentAt: [], location: eastern };

describe('checkRecipient', () => {
  it.each([
    ['consented, inside the window', {}, { action: 'send' }],
    ['opted out (wins over everything)', { optedOut: true, consent: 'granted' }, { action: 'skip', reason: 'opted_out' }],
    ['consent unknown', { consent: 'unknown' }, { action: 'skip', reason: 'no_consent' }],
    ['consent revoked', { consent: 'revoked' }, { action: 'skip', reason: 'no_consent' }],
    ['open conversation needing a person', { needsAttention: true }, { action: 'skip', reason: 'needs_attention' }],
    ['marketing text 4 days ago', { marketingSentAt: [hoursAgo(96)] }, { action: 'skip', reason: 'recent_marketing' }],
    ['marketing text 6 days ago', { marketingSentAt: [hoursAgo(144)] }, { action: 'send' }],
  ] as const)('%s', (_n, patch, expected) => {
    expect(checkRecipient({ ...base, ...patch }, now)).toEqual(expected);
  });

  it('after 21:00 local waits for 08:00 next day', () => {
    const late = new Date('2026-01-16T02:30:00Z'); // 21:30 EST
    expect(checkRecipient(base, late)).toEqual({ action: 'wait', until: new Date('2026-01-16T13:00:00Z'), because: 'quiet_hours' });
  });

  it('Florida at 20:30 local waits; New York sends', () => {
    const t = new Date('2026-01-16T01:30:00Z'); // 20:30 EST
    expect(checkRecipient({ ...base, location: florida }, t)).toEqual({ action: 'wait', until: new Date('2026-01-16T13:00:00Z'), because: 'quiet_hours' });
    expect(checkRecipient(base, t)).toEqual({ action: 'send' });
  });

  it('Florida: a fourth marketing text in 24 h waits until the oldest is a day old, inside the window', () => {
    const options = { ...defaultCheckOptions, recentMarketingDays: 0 };
    const sent = [hoursAgo(20), hoursAgo(10), hoursAgo(2)];
    // Oldest at 02:00Z on the 15th → allowed from 02:00Z on the 16th (21:00 EST, outside) → 08:00 EST.
    expect(checkRecipient({ ...base, location: florida, marketingSentAt: sent }, now, options)).toEqual({
      action: 'wait',
      until: new Date('2026-01-16T13:00:00Z'),
      because: 'state_daily_cap',
    });
    expect(checkRecipient({ ...base, marketingSentAt: sent }, now, options)).toEqual({ action: 'send' });
  });

  it('the needs-attention rule can be turned off', () => {
    expect(checkRecipient({ ...base, needsAttention: true }, now, { ...defaultCheckOptions, skipNeedsAttention: false })).toEqual({ action: 'send' });
  });
});
