// When a marketing text may reach a recipient, in the recipient's own local time.
// TCPA: 08:00–21:00 local. Florida, Oklahoma and Maryland (their "mini-TCPA" laws): 08:00–20:00 local and
// at most 3 marketing messages per recipient per 24 hours. Times are computed with the IANA zone of the
// recipient, so a DST change between "now" and the next window moves the window with the clock.
import { DateTime } from 'luxon';

export interface SendingRule {
  /** First local hour a text may be sent (inclusive). */
  startHour: number;
  /** Local hour from which no text may be sent (exclusive). */
  endHour: number;
  /** Marketing texts allowed per rolling 24 hours, or null for no state cap. */
  maxPer24h: number | null;
}

export const federalRule: SendingRule = { startHour: 8, endHour: 21, maxPer24h: null };
const strictStateRule: SendingRule = { startHour: 8, endHour: 20, maxPer24h: 3 };

/** US states (two-letter codes) whose law is stricter than the TCPA's quiet hours. */
export const strictStates: ReadonlySet<string> = new Set(['FL', 'OK', 'MD']);

export function sendingRuleFor(state: string | null): SendingRule {
  return state && strictStates.has(state) ? strictStateRule : federalRule;
}

/** `now` if it is inside the recipient's window, else the start of their next window. */
export function nextSendingTime(now: Date, timeZone: string, rule: SendingRule): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Unknown time zone ${timeZone}`);
  if (local.hour >= rule.startHour && local.hour < rule.endHour) return now;
  const day = local.hour < rule.startHour ? local : local.plus({ days: 1 });
  return day.set({ hour: rule.startHour, minute: 0, second: 0, millisecond: 0 }).toJSDate();
}

/**
 * Under a state cap: the earliest time a new marketing text keeps at most `maxPer24h` of them in any 24 hours,
 * given the times earlier ones were sent (any order). `now` when the cap allows it already.
 */
export function nextTimeUnderCap(now: Date, sentAt: readonly Date[], rule: SendingRule): Date {
  if (rule.maxPer24h === null) return now;
  const dayMs = 24 * 60 * 60 * 1000;
  const recent = sentAt
    .map((d) => d.getTime())
    .filter((t) => t > now.getTime() - dayMs)
    .sort((a, b) => a - b);
  if (recent.length < rule.maxPer24h) return now;
  // The oldest text that must fall out of the window before one more fits.
  const mustExpire = recent[recent.length - rule.maxPer24h] ?? now.getTime();
  return new Date(mustExpire + dayMs);
}
