// A reply is at most two SMS segments (and 320 characters): GSM-7 where only typography stood in the way
// (gsm-text.ts), its segments counted as Twilio counts them (sms-segments-calculator, as the campaigns'
// preview does). A longer answer is sent as several texts, split where a sentence ends; a sentence longer
// than the limit is split between words. Never mid-word: only a single "word" longer than the limit (a
// long link) is ever cut.
import { SegmentedMessage } from 'sms-segments-calculator';
import { toGsmText } from './gsm-text.ts';

export const maxReplyChars = 320;
export const maxReplySegments = 2;

/** A text fits in one reply: ≤ 2 segments (306 GSM-7 characters, 134 UCS-2) and ≤ 320 characters. */
export function fitsOneReply(text: string): boolean {
  return text.length <= maxReplyChars && new SegmentedMessage(text).segmentsCount <= maxReplySegments;
}

function sentences(text: string): string[] {
  // A sentence ends at . ! ? (with closing quotes/brackets) followed by whitespace, or at a line break.
  const parts = text.match(/[^.!?\n]+(?:[.!?]+["')\]]*|$)|[.!?]+|\n/g) ?? [text];
  const out: string[] = [];
  let pending = '';
  for (const part of parts) {
    pending += part;
    // "8 a.m." or "No. 5" would end a sentence here too; a split there is still between words.
    if (/[.!?]["')\]]*$|\n$/.test(pending) || part === parts.at(-1)) {
      if (pending.trim()) out.push(pending.trim());
      pending = '';
    }
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

/** A word no text can hold (a long link), in pieces that each fit (whole characters, never half an emoji). */
function cutWord(word: string, fits: (text: string) => boolean): string[] {
  const out: string[] = [];
  let piece = '';
  for (const ch of Array.from(word)) {
    if (piece && !fits(piece + ch)) {
      out.push(piece);
      piece = ch;
    } else {
      piece += ch;
    }
  }
  if (piece) out.push(piece);
  return out;
}

function splitWords(sentence: string, fits: (text: string) => boolean): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of sentence.split(/\s+/).filter(Boolean)) {
    if (!fits(word)) {
      if (line) out.push(line);
      out.push(...cutWord(word, fits));
      line = '';
      continue;
    }
    const next = line ? `${line} ${word}` : word;
    if (!fits(next)) {
      out.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) out.push(line);
  return out;
}

/** The texts to send for `text`: GSM-7 where possible, each at most two segments, sentences kept whole where they fit. */
export function splitReply(text: string, fits: (text: string) => boolean = fitsOneReply): string[] {
  const clean = toGsmText(text).trim();
  if (!clean) return [];
  if (fits(clean)) return [clean];
  const pieces = sentences(clean).flatMap((s) => (fits(s) ? [s] : splitWords(s, fits)));
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const next = current ? `${current} ${piece}` : piece;
    if (current && !fits(next)) {
      out.push(current);
      current = piece;
    } else {
      current = next;
    }
  }
  if (current) out.push(current);
  return out;
}
