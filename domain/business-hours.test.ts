import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../contract/assistants.ts';
import { isBusinessHours } from './business-hours.ts';

const nine5 = { open: '08:00', close: '17:00' };
/** Mon–Fri 08:00–17:00, Saturday 09:00–12:00, Sunday closed. */
const week: BusinessHours = { mon: nine5, tue: nine5, wed: nine5, thu: nine5, fri: nine5, sat: { open: '09:00', close: '12:00' }, sun: null };
/** An answering service: 22:00–06:00 every night but Saturday's (so Sunday morning is closed). */
const night = { open: '22:00', close: '06:00' };
const overnight: BusinessHours = { mon: night, tue: night, wed: night, thu: night, fri: night, sat: null, sun: night };
const closedAllWeek: BusinessHours = { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
const chicago = 'America/Chicago';

describe('isBusinessHours', () => {
  it.each([
    // 2026-12-07 is a Monday; Chicago is UTC-6 in December.
    ['always open (no hours): any time', null, chicago, '2026-12-06T08:00:00Z', true],
    ['closed every day: never', closedAllWeek, chicago, '2026-12-07T18:00:00Z', false],
    ['Monday 08:00 local: opens (inclusive)', week, chicago, '2026-12-07T14:00:00Z', true],
    ['Monday 07:59 local: not yet', week, chicago, '2026-12-07T13:59:00Z', false],
    ['Monday 16:59 local: still open', week, chicago, '2026-12-07T22:59:00Z', true],
    ['Monday 17:00 local: closed (exclusive)', week, chicago, '2026-12-07T23:00:00Z', false],
    ['Sunday noon local: closed day', week, chicago, '2026-12-06T18:00:00Z', false],
    ['Saturday 11:30 local: short day, open', week, chicago, '2026-12-05T17:30:00Z', true],
    ['Saturday 12:30 local: short day, closed', week, chicago, '2026-12-05T18:30:00Z', false],
    // The same instant in another zone: Monday 15:00 UTC is 10:00 in Chicago but 02:00 Tuesday in Auckland.
    ['the zone decides: Monday 10:00 in Chicago', week, chicago, '2026-12-07T15:00:00Z', true],
    ['the zone decides: Tuesday 04:00 in Auckland', week, 'Pacific/Auckland', '2026-12-07T15:00:00Z', false],
    ['the zone decides the weekday: Sunday 23:30 UTC is Monday 08:30 in Tokyo', week, 'Asia/Tokyo', '2026-12-06T23:30:00Z', true],
    // DST (US: 2026-03-08 spring forward, 2026-11-01 fall back): the local hours hold on both sides.
    ['before spring forward: Friday 08:30 CST = 14:30 UTC', week, chicago, '2026-03-06T14:30:00Z', true],
    ['after spring forward: Monday 08:30 CDT = 13:30 UTC', week, chicago, '2026-03-09T13:30:00Z', true],
    ['after spring forward: Monday 07:30 CDT (13:30 UTC the week before was 07:30 CST too)', week, chicago, '2026-03-09T12:30:00Z', false],
    ['after fall back: Monday 07:30 CST = 13:30 UTC, not yet open', week, chicago, '2026-11-02T13:30:00Z', false],
    ['before fall back: Friday 08:30 CDT = 13:30 UTC, open', week, chicago, '2026-10-30T13:30:00Z', true],
    ['after fall back: Monday 16:30 CST = 22:30 UTC, open', week, chicago, '2026-11-02T22:30:00Z', true],
    // Overnight ranges.
    ['overnight: Monday 23:00 local, open from Monday 22:00', overnight, chicago, '2026-12-08T05:00:00Z', true],
    ['overnight: Tuesday 05:59 local, still Monday night', overnight, chicago, '2026-12-08T11:59:00Z', true],
    ['overnight: Tuesday 06:00 local, closed', overnight, chicago, '2026-12-08T12:00:00Z', false],
    ['overnight: Tuesday noon local, closed', overnight, chicago, '2026-12-08T18:00:00Z', false],
    ['overnight: Saturday 03:00 local, Friday night runs into Saturday', overnight, chicago, '2026-12-05T09:00:00Z', true],
    ['overnight: Saturday 23:00 local, Saturday closed', overnight, chicago, '2026-12-06T05:00:00Z', false],
    ['overnight: Sunday 03:00 local, no Saturday night', overnight, chicago, '2026-12-06T09:00:00Z', false],
    ['overnight: Monday 03:00 local, Sunday night runs into Monday', overnight, chicago, '2026-12-07T09:00:00Z', true],
    ['overnight across a DST change: Sunday 2026-03-08 01:30 CST (Saturday night closed)', overnight, chicago, '2026-03-08T07:30:00Z', false],
    ['overnight across a DST change: Monday 2026-03-09 05:30 CDT, Sunday night still open', overnight, chicago, '2026-03-09T10:30:00Z', true],
  ] as const)('%s', (_case, hours, zone, iso, expected) => {
    expect(isBusinessHours(hours as BusinessHours | null, zone, new Date(iso))).toBe(expected);
  });

  it('refuses an unknown zone rather than guessing one', () => {
    expect(() => isBusinessHours(week, 'Mars/Olympus', new Date())).toThrow(/time zone/);
  });
});
