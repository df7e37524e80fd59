// Whether an assistant's business is open at a moment (pure). The hours are local wall-clock times in
// the assistant's time zone (Settings → Assistants), so a DST change moves the instants, never the hours:
// 08:00–17:00 is 08:00–17:00 local on both sides of it. Per weekday `{open, close}` or null (closed that
// day); the hours as a whole null = always open. A range is open from `open` (included) to `close`
// (excluded); one that closes at or before it opens runs overnight into the next day (22:00–06:00 on
// Friday is open Saturday until 06:00, whatever Saturday's own hours are). The settings API accepts only
// same-day ranges today; overnight ones are read this way so a later API can allow them.
import { DateTime } from 'luxon';
import type { BusinessHours, Weekday } from '../contract/assistants.ts';

/** Luxon's weekday (1 = Monday … 7 = Sunday) as our key. */
const weekdayKeys: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const minutesOf = (hhmm: string): number => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

export function isBusinessHours(hours: BusinessHours | null, timeZone: string, now: Date): boolean {
  if (hours === null) return true;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!local.isValid) throw new Error(`not a time zone: ${timeZone}`);
  const minute = local.hour * 60 + local.minute;
  const today = hours[weekdayKeys[local.weekday - 1] as Weekday];
  const yesterday = hours[weekdayKeys[(local.weekday + 5) % 7] as Weekday];
  if (today) {
    const open = minutesOf(today.open);
    const close = minutesOf(today.close);
    if (close > open ? minute >= open && minute < close : minute >= open) return true;
  }
  // Yesterday's overnight range, until it closes this morning.
  if (yesterday) {
    const open = minutesOf(yesterday.open);
    const close = minutesOf(yesterday.close);
    if (close <= open && minute < close) return true;
  }
  return false;
}
