// The assistant's guardrails as pure functions, table by table.
import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import { closingOf } from './closing-words.ts';
import { renderFirstSms, unknownPlaceholders } from './first-sms.ts';
import { clockTimes, ungroundedFacts } from './grounding.ts';
import { toPlainText } from './plain-text.ts';
import { toGsmText } from './gsm-text.ts';
import { fitsOneReply, maxReplyChars, maxReplySegments, splitReply } from './split-reply.ts';

const segments = (text: string) => new SegmentedMessage(text);

describe('splitReply: at most two SMS segments a text, GSM-7 where possible, split at sentence ends, never mid-word', () => {
  const sentence = (n: number, words = 12) => `Sentence ${n} ${'word '.repeat(words).trim()}.`;
  const long = Array.from({ length: 8 }, (_, i) => sentence(i)).join(' ');
  // The reply: 230 characters that the en dashes made UCS-2, 4 segments.
  const windows =
    'I have these openings: 1) Thu Dec 10, 8:00 AM–12:00 PM 2) Thu Dec 10, 12:00 PM–4:00 PM 3) Fri Dec 11, 8:00 AM–12:00 PM 4) Fri Dec 11, 12:00 PM–4:00 PM. Which one works for you? Reply with its number and I’ll book it…';
  const cases: Array<[string, string, { texts: number; encoding: 'GSM-7' | 'UCS-2' }]> = [
    ['short text stays one, its en dash made ASCII', 'We have Thursday 8:00 AM–12:00 PM open. Does that work?', { texts: 1, encoding: 'GSM-7' }],
    ['the issue\'s 230-character window list: one GSM-7 text of 2 segments, not 4 in UCS-2', windows, { texts: 1, encoding: 'GSM-7' }],
    ['curly quotes, em dash, ellipsis, no-break spaces', '“Great” — we’ll be there at 8:00\u202fAM…', { texts: 1, encoding: 'GSM-7' }],
    ['exactly two GSM-7 segments (306) stays one', `${'a'.repeat(150)} ${'b'.repeat(153)}.!`, { texts: 1, encoding: 'GSM-7' }],
    ['307 GSM-7 characters (3 segments, under 320) splits between words', `${'word '.repeat(61)}ab.`, { texts: 2, encoding: 'GSM-7' }],
    ['long text of sentences', long, { texts: 2, encoding: 'GSM-7' }],
    ['one endless sentence', `${'lorem ipsum dolor '.repeat(40).trim()}.`, { texts: 3, encoding: 'GSM-7' }],
    ['an emoji keeps UCS-2: two segments are 134 characters', `Thanks 🙂 ${'see you soon. '.repeat(12).trim()}`, { texts: 2, encoding: 'UCS-2' }],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    const parts = splitReply(text);
    expect(parts).toHaveLength(expected.texts);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(maxReplyChars);
      expect(segments(part).segmentsCount).toBeLessThanOrEqual(maxReplySegments);
      // UCS-2 only where a character GSM-7 lacks is still there (the emoji), never for typography.
      expect(segments(part).encodingName).toBe(/🙂/.test(part) ? 'UCS-2' : 'GSM-7');
      expect(fitsOneReply(part)).toBe(true);
    }
    expect(segments(parts[0]!).encodingName).toBe(expected.encoding);
    // Nothing lost, nothing cut inside a word: the same words in the same order (typography made ASCII).
    expect(parts.join(' ').split(/\s+/)).toEqual(toGsmText(text).trim().split(/\s+/));
  });

  it('keeps sentences whole where they fit', () => {
    const parts = splitReply(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part).toMatch(/\.$/);
  });

  it('only a single word longer than the limit is ever cut, in whole characters', () => {
    const url = `https://example.com/${'x'.repeat(400)}`;
    const parts = splitReply(`Track here: ${url}`);
    expect(parts.every((p) => fitsOneReply(p))).toBe(true);
    expect(parts.join('')).toContain('x'.repeat(300));
    const emojis = splitReply('🙂'.repeat(100));
    expect(emojis.join('')).toBe('🙂'.repeat(100));
    expect(emojis.every((p) => fitsOneReply(p) && !p.includes('\uFFFD') && Array.from(p).every((c) => c === '🙂'))).toBe(true);
  });

  it('empty text is no text', () => {
    expect(splitReply('   ')).toEqual([]);
  });
});

describe('toGsmText', () => {
  it.each([
    ['8:00 AM–12:00 PM', '8:00 AM-12:00 PM'],
    ['Cool Air’s ‘best’', "Cool Air's 'best'"],
    ['“Yes” — or no', '"Yes" - or no'],
    ['Wait…', 'Wait...'],
    ['8:00\u202fAM\u00a0sharp', '8:00 AM sharp'],
    ['zero\u200bwidth\ufeff', 'zerowidth'],
    ['• item', '- item'],
    ['café 🙂', 'café 🙂'],
  ])('%s → %s', (input, expected) => {
    expect(toGsmText(input)).toBe(expected);
    expect(segments(toGsmText(input)).encodingName).toBe(/🙂/.test(input) ? 'UCS-2' : 'GSM-7');
  });
});

describe('toPlainText', () => {
  it.each([
    ['**Thursday** works', 'Thursday works'],
    ['# Options\n- 8 AM\n- 12 PM', 'Options\n8 AM\n12 PM'],
    ['Track [here](https://t.example/1)', 'Track here (https://t.example/1)'],
    ['Use `code` and _this_', 'Use code and this'],
    ['1. first\n2. second', 'first\nsecond'],
    ['plain text, 5 * 3 = 15', 'plain text, 5 * 3 = 15'],
  ])('%j → %j', (input, output) => {
    expect(toPlainText(input)).toBe(output);
  });
});

describe('ungroundedFacts: no time or price a tool did not return', () => {
  const tool = ['{"windows":[{"label":"Thu Dec 3, 8:00 AM–12:00 PM"},{"label":"Fri Dec 4, 12:00 PM–4:00 PM"}]}'];
  it.each([
    ['Thursday 8:00 AM–12:00 PM is open.', []],
    ['I can do 8 am or noon.', []],
    ['How about 8-12pm? ', []],
    ['I have 9:30 AM.', [{ kind: 'time', value: '09:30' }]],
    ['That will be $89.', [{ kind: 'price', value: '$89.00' }]],
    ['Sure, 50% off!', [{ kind: 'price', value: '50%' }]],
    ['Your tech arrives at 3 PM', [{ kind: 'time', value: '15:00' }]],
  ] as const)('%j', (reply, problems) => {
    expect(ungroundedFacts(reply, tool)).toEqual(problems);
  });

  it('reads 12- and 24-hour spellings as the same time', () => {
    expect([...clockTimes('08:00, 8 AM, 8:00am, 8 a.m.')]).toEqual([480]);
  });
});

describe('closingOf: opt-out keywords first, always; end words close the session', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['quit', 'opt_out'],
    ['Cancel', 'opt_out'],
    ['END', 'opt_out'],
    ['bye', 'end'],
    ['Goodbye!', 'end'],
    ['exit', 'end'],
    ["that's all", 'end'],
    ['That’s all, thanks', null],
    ['thanks bye', 'end'],
    ['cancel my appointment', null],
    ['I want to book', null],
  ] as const)('%j → %s', (text, closing) => {
    expect(closingOf(text)).toBe(closing);
  });
});

describe('renderFirstSms', () => {
  it.each([
    ['Hi {firstName}! This is {business}’s automated assistant.', 'Ana', "Hi Ana! This is Cool Air’s automated assistant."],
    ['Hi {firstName}! This is {business}’s automated assistant.', null, 'Hi! This is Cool Air’s automated assistant.'],
    ['Hello, {firstName}, thanks for texting {business}!', null, "Hello, thanks for texting Cool Air! You're texting an automated assistant."],
    ['', 'Ana', "You're texting an automated assistant."],
  ])('%j with %s', (template, firstName, text) => {
    expect(renderFirstSms(template, { business: 'Cool Air', firstName })).toBe(text);
  });

  it('names placeholders it does not know', () => {
    expect(unknownPlaceholders('Hi {firstName} from {company}')).toEqual(['company']);
  });
});
