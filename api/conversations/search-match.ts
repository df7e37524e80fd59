// Why a conversation is in a search's results, for a person: the matched parts of the contact's name,
// of their number, or of a message, as ranges into the text the list shows. The SQL decides *whether*
// something matched (search.ts); this only points at *where*, with the same rules: a name contains every
// word of the search, a number contains its digits, a message has a word starting with each word.
import type { SearchMatch, TextRange } from '../../contract/conversations.ts';
import type { SearchTerms } from './search.ts';

/** How much of a long message the list shows around its first match. */
const snippetBefore = 40;
const snippetLength = 140;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Sorted, with overlapping or touching ranges joined. */
function merged(ranges: TextRange[]): TextRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: TextRange[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** Every occurrence of every search word in the name, any case. */
export function nameRanges(name: string, terms: SearchTerms): TextRange[] {
  const ranges: TextRange[] = [];
  for (const word of terms.nameWords) {
    for (const m of name.matchAll(new RegExp(escapeRegExp(word), 'giu'))) ranges.push([m.index, m.index + m[0].length]);
  }
  return merged(ranges);
}

/** The searched digits inside the number as stored (E.164, `+` then digits). */
export function phoneRanges(phone: string, terms: SearchTerms): TextRange[] {
  if (!terms.phoneDigits) return [];
  const ranges: TextRange[] = [];
  for (let at = phone.indexOf(terms.phoneDigits); at >= 0; at = phone.indexOf(terms.phoneDigits, at + 1)) {
    ranges.push([at, at + terms.phoneDigits.length]);
  }
  return merged(ranges);
}

/** The start of each word of the text that a search word begins (a one-letter search word: the whole word). */
export function messageRanges(body: string, terms: SearchTerms): TextRange[] {
  const ranges: TextRange[] = [];
  for (const m of body.matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = m[0].toLowerCase();
    for (const word of terms.messageWords) {
      const hit = word.length > 1 ? token.startsWith(word) : token === word;
      if (hit) ranges.push([m.index, m.index + Math.min(word.length, m[0].length)]);
    }
  }
  return merged(ranges);
}

/** A window of the message around its first match, cut at spaces, with `…` where text was left out. */
export function messageSnippet(body: string, terms: SearchTerms): { text: string; ranges: TextRange[] } {
  const flat = body.replace(/\s+/g, ' ').trim();
  const ranges = messageRanges(flat, terms);
  if (flat.length <= snippetLength) return { text: flat, ranges };
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - snippetBefore);
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + snippetLength);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    const lastHitEnd = ranges.find((r) => r[0] >= first)?.[1] ?? first;
    end = space > lastHitEnd ? space : end;
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < flat.length ? '…' : '';
  const shift = prefix.length - start;
  const inside = ranges
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): TextRange => [s + shift, e + shift]);
  return { text: `${prefix}${flat.slice(start, end)}${suffix}`, ranges: inside };
}

export interface MatchFacts {
  nameMatched: boolean;
  phoneMatched: boolean;
  firstName: string | null;
  lastName: string | null;
  phone: string;
  /** The newest matching message, when neither name nor number matched. */
  message: { id: string; direction: 'inbound' | 'outbound'; body: string; createdAt: string; latest: boolean } | null;
}

/** Null when nothing of the row can be pointed at (it matched, but not in anything the list shows). */
export function describeMatch(terms: SearchTerms, facts: MatchFacts): SearchMatch | null {
  if (facts.nameMatched) {
    const name = [facts.firstName, facts.lastName].filter(Boolean).join(' ');
    return { field: 'name', text: name, ranges: nameRanges(name, terms) };
  }
  if (facts.phoneMatched) return { field: 'phone', text: facts.phone, ranges: phoneRanges(facts.phone, terms) };
  if (facts.message) {
    const { id, direction, createdAt, latest, body } = facts.message;
    return { field: 'message', ...messageSnippet(body, terms), message: { id, direction, createdAt, latest } };
  }
  return null;
}
