// Text with the parts a search matched marked, from the API's ranges (contract/conversations.ts).
import type { TextRange } from '#lib/api-types.ts';

export interface Segment {
  text: string;
  hit: boolean;
}

/** The text cut into plain and matched pieces; ranges outside the text are ignored. */
export function segments(text: string, ranges: readonly TextRange[]): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const [rawStart, rawEnd] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(at, Math.min(rawStart, text.length));
    const end = Math.min(Math.max(rawEnd, start), text.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start), hit: false });
    out.push({ text: text.slice(start, end), hit: true });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at), hit: false });
  return out;
}

const digitPositions = (text: string) => [...text].flatMap((c, i) => (c >= '0' && c <= '9' ? [i] : []));

/**
 * Ranges over the stored number (`+15555550142`) moved onto the number as shown (`(555) 555-0142`):
 * digit by digit from the end (the shown form may leave the country code out), joined across the
 * punctuation between two matched digits so "55 5" reads as one mark.
 */
export function shownPhoneRanges(stored: string, shown: string, ranges: readonly TextRange[]): TextRange[] {
  const from = digitPositions(stored);
  const to = digitPositions(shown);
  const offset = from.length - to.length;
  const hitDigits = new Set<number>();
  from.forEach((position, k) => {
    if (k >= offset && ranges.some(([s, e]) => position >= s && position < e)) hitDigits.add(k - offset);
  });
  const out: TextRange[] = [];
  to.forEach((position, k) => {
    if (!hitDigits.has(k)) return;
    const last = out[out.length - 1];
    if (last && hitDigits.has(k - 1)) last[1] = position + 1;
    else out.push([position, position + 1]);
  });
  return out;
}
