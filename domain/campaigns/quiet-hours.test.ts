import { describe, expect, it } from 'vitest';
import { federalRule, nextSendingTime, nextTimeUnderCap, sendingRuleFor } from './quiet-hours.ts';

const at = (iso: string) => new Date(iso);

describe('sendingRuleFor', () => {
  it.each([
    ['FL', 8, 20, 3],
    ['OK', 8, 20, 3],
    ['MD', 8, 20, 3],
    ['CA', 8, 21, null],
    ['NY', 8, 21, null],
    [null, 8, 21, null],
  ] as const)('%s: %i:00–%i:00, cap %s', (state, start, end, cap) => {
    expect(sendingRuleFor(state)).toEqual({ startHour: start, endHour: end, maxPer24h: cap });
  });
});

describe('nextSendingTime', () => {
  it.each([
    // 20:30 US/Eastern on a winter day is 01:30Z the next day.
    ['Pacific contact at 17:30 local: now', '2026-01-15T01:30:00Z', 'America/Los_Angeles', null, '2026-01-15T01:30:00Z'],
    ['Florida contact at 20:30 local: next day 08:00 local', '2026-01-15T01:30:00Z', 'America/New_York', 'FL', '2026-01-15T13:00:00Z'],
    ['New York contact at 20:30 local: now', '2026-01-15T01:30:00Z', 'America/New_York', 'NY', '2026-01-15T01:30:00Z'],
    ['21:00 sharp is outside', '2026-01-15T02:00:00Z', 'America/New_York', null, '2026-01-15T13:00:00Z'],
    ['07:59 waits a minute', '2026-01-15T12:59:00Z', 'America/New_York', null, '2026-01-15T13:00:00Z'],
    ['08:00 sharp is inside', '2026-01-15T13:00:00Z', 'America/New_York', null, '2026-01-15T13:00:00Z'],
    ['Hawaii at 06:00 local', '2026-01-15T16:00:00Z', 'Pacific/Honolulu', null, '2026-01-15T18:00:00Z'],
    // DST starts 2026-03-08 02:00 in the US: 08:00 EDT is 12:00Z, not 13:00Z.
    ['Florida, 20:30 EST the night before DST starts', '2026-03-08T01:30:00Z', 'America/New_York', 'FL', '2026-03-08T12:00:00Z'],
    // DST ends 2026-11-01: 08:00 EST is 13:00Z.
    ['Florida, 20:30 EDT the night before DST ends', '2026-11-01T00:30:00Z', 'America/New_York', 'FL', '2026-11-01T13:00:00Z'],
  ] as const)('%s', (_name, now, zone, state, expected) => {
    expect(nextSendingTime(at(now), zone, sendingRuleFor(state)).toISOString()).toBe(at(expected).toISOString());
  });

  it('refuses an unknown zone instead of guessing', () => {
    expect(() => nextSendingTime(new Date(), 'Mars/Olympus', federalRule)).toThrow(RangeError);
  });
});

describe('nextTimeUnderCap (Florida, Oklahoma, Maryland: 3 per 24 h)', () => {
  const strict = sendingRuleFor('FL');
  const now = at('2026-01-15T18:00:00Z');
  it.each([
    ['none sent', [], now],
    ['two in the last day', ['2026-01-15T10:00:00Z', '2026-01-15T12:00:00Z'], now],
    ['three in the last day: when the oldest is 24 h old', ['2026-01-15T12:00:00Z', '2026-01-15T10:00:00Z', '2026-01-15T14:00:00Z'], at('2026-01-16T10:00:00Z')],
    ['three, one older than a day', ['2026-01-14T17:00:00Z', '2026-01-15T10:00:00Z', '2026-01-15T12:00:00Z'], now],
    ['four in the last day: the second oldest decides', ['2026-01-15T09:00:00Z', '2026-01-15T10:00:00Z', '2026-01-15T12:00:00Z', '2026-01-15T13:00:00Z'], at('2026-01-16T10:00:00Z')],
  ] as const)('%s', (_name, sent, expected) => {
    expect(nextTimeUnderCap(now, sent.map(at), strict).toISOString()).toBe(expected.toISOString());
  });

  it('the federal rule has no cap', () => {
    const many = Array.from({ length: 10 }, (_, i) => new Date(now.getTime() - i * 60_000));
    expect(nextTimeUnderCap(now, many, federalRule)).toBe(now);
  });
});
