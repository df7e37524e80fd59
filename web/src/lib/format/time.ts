const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * One relative format for a whole list: "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago",
 * "3 wk ago", "5 mo ago", "2 yr ago". The exact date and time is the element's title.
 */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const then = new Date(iso).getTime();
  const elapsed = Math.max(0, now - then);
  if (elapsed < minute) return 'just now';
  if (elapsed < hour) return `${Math.floor(elapsed / minute)} min ago`;
  if (elapsed < day) return `${Math.floor(elapsed / hour)} h ago`;
  if (elapsed < 2 * day) return 'yesterday';
  if (elapsed < 7 * day) return `${Math.floor(elapsed / day)} days ago`;
  if (elapsed < 30 * day) return `${Math.floor(elapsed / (7 * day))} wk ago`;
  if (elapsed < 365 * day) return `${Math.max(1, Math.floor(elapsed / (30.44 * day)))} mo ago`;
  return `${Math.floor(elapsed / (365.25 * day))} yr ago`;
}

/** The full date and time; local once the browser is in charge (`local`), UTC before. */
export function absoluteTime(iso: string, local: boolean): string {
  return new Date(iso).toLocaleString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    ...(local ? {} : { timeZone: 'UTC', timeZoneName: 'short' }),
  });
}

/**
 * A window of time, such as an appointment's arrival window: "Tue, May 5, 8:00 AM – 12:00 PM" (the end's
 * date too when it is another day); local once the browser is in charge (`local`), UTC before.
 */
export function timeWindow(startIso: string, endIso: string, local: boolean): string {
  const timeZone = local ? undefined : 'UTC';
  const day = (d: Date) => d.toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone });
  const time = (d: Date) => d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone });
  const start = new Date(startIso);
  const end = new Date(endIso);
  const endText = day(end) === day(start) ? time(end) : `${day(end)}, ${time(end)}`;
  return `${day(start)}, ${time(start)} – ${endText}${local ? '' : ' UTC'}`;
}

/** Time of day for a message bubble; with the date when it is not today. */
export function messageTime(iso: string, local: boolean, now: number = Date.now()): string {
  const timeZone = local ? undefined : 'UTC';
  const date = new Date(iso);
  const dayOf = (d: Date) => d.toLocaleDateString('en-US', { timeZone });
  const time = date.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone });
  if (dayOf(date) === dayOf(new Date(now))) return local ? time : `${time} UTC`;
  return `${date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone })}, ${time}${local ? '' : ' UTC'}`;
}
