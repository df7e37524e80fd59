// The assistant's guardrails as pure functions, table by table.
import { describe, expect, it } from 'vitest';
import { closingOf } from './closing-words.ts';
import { renderFirstSms, unknownPlaceholders } from './first-sms.ts';
import { clockTimes, ungroundedFacts } from './grounding.ts';
import { toPlainText } from './plain-text.ts';
import { maxReplyChars, splitReply } from './split-reply.ts';

describe('splitReply: at most 320 characters a text, split at sentence ends, never mid-word', () => {
  const sentence = (n: number, words = 12) => `Sentence ${n} ${'word '.repeat(words).trim()}.`;
  const long = Array.from({ length: 8 }, (_, i) => sentence(i)).join(' ');
  const cases: Array<[string, string]> = [
    ['short text stays one', 'We have Thursday 8:00 AM–12:00 PM open. Does that work?'],
    ['long text of sentences', long],
    ['one endless sentence', `${'lorem ipsum dolor '.repeat(40).trim()}.`],
    ['exactly 320', 'a'.repeat(318) + '.!'],
  ];
  it.each(cases)('%s', (_name, text) => {
    const parts = splitReply(text);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(maxReplyChars);
    // Nothing lost, nothing cut inside a word: the words are the same words in the same order.
    expect(parts.join(' ').split(/\s+/)).toEqual(text.trim().split(/\s+/));
  });

  it('keeps sentences whole where they fit', () => {
    const parts = splitReply(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part).toMatch(/\.$/);
  });

  it('only a single word longer than the limit is ever cut', () => {
    const url = `https://example.com/${'x'.repeat(400)}`;
    const parts = splitReply(`Track here: ${url}`);
    expect(parts.every((p) => p.length <= 320)).toBe(true);
    expect(parts.join('')).toContain('x'.repeat(300));
  });

  it('empty text is no text', () => {
    expect(splitReply('   ')).toEqual([]);
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
