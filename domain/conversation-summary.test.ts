import { describe, expect, it } from 'vitest';
import {
  bookingExternalId,
  campaignQuoteMaxChars,
  episodeOfBookingKey,
  formatBookingSummary,
  formatCampaignReplyLine,
  formatTranscript,
  quoteCampaignText,
  transcriptHeader,
  type BookingSummaryInput,
} from './conversation-summary.ts';

const msg = (direction: 'inbound' | 'outbound', body: string) => ({ direction, body });

describe('formatTranscript', () => {
  it('labels customer and agent lines under the header, oldest first', () => {
    const text = formatTranscript([msg('outbound', 'Your tune-up is due.'), msg('inbound', 'Can you come Tuesday?')]);
    expect(text).toBe(`${transcriptHeader}\nAgent: Your tune-up is due.\nCustomer: Can you come Tuesday?`);
  });

  it('keeps only the newest maxMessages', () => {
    const messages = Array.from({ length: 8 }, (_, i) => msg('inbound', `message ${i + 1}`));
    const text = formatTranscript(messages, 5, 800);
    expect(text).not.toContain('message 3');
    expect(text).toContain('message 4');
    expect(text).toContain('message 8');
  });

  it('cuts the oldest lines first and marks the cut with ...', () => {
    const messages = [msg('inbound', 'a'.repeat(300)), msg('outbound', 'b'.repeat(300)), msg('inbound', 'the newest line')];
    const text = formatTranscript(messages, 5, 400);
    expect(text.length).toBeLessThanOrEqual(400);
    expect(text).not.toContain('aaa');
    expect(text).toContain('Customer: the newest line');
    expect(text.endsWith('...')).toBe(true);
  });

  /** Two messages whose transcript (header + two lines, no marker) is exactly `length` characters. */
  function twoLinesOf(length: number) {
    const fixed = `${transcriptHeader}\nCustomer: \nAgent: the newest line`.length;
    return [msg('inbound', 'o'.repeat(length - fixed)), msg('outbound', 'the newest line')];
  }

  it('keeps every line of a transcript of exactly 800 characters, without a marker', () => {
    const text = formatTranscript(twoLinesOf(800), 5, 800);
    expect(text.length).toBe(800);
    expect(text).toContain('Customer: ooo');
    expect(text.endsWith('Agent: the newest line')).toBe(true);
    expect(text).not.toContain('...');
  });

  it('at 801 characters drops the oldest line and marks the cut, within 800 characters', () => {
    const text = formatTranscript(twoLinesOf(801), 5, 800);
    expect(text.length).toBeLessThanOrEqual(800);
    expect(text).not.toContain('ooo');
    expect(text).toBe(`${transcriptHeader}\nAgent: the newest line\n...`);
  });

  it('truncates a single over-long message to the limit', () => {
    const text = formatTranscript([msg('inbound', 'x'.repeat(2000))], 5, 800);
    expect(text.length).toBe(800);
    expect(text.startsWith(`${transcriptHeader}\nCustomer: xxx`)).toBe(true);
    expect(text.endsWith('...')).toBe(true);
  });

  it('folds newlines inside a message so each message stays one line', () => {
    expect(formatTranscript([msg('inbound', 'line one\n\nline two')])).toContain('Customer: line one line two');
  });
});

describe('formatBookingSummary', () => {
  it('carries everything the office needs', () => {
    const s = formatBookingSummary({
      tenantName: 'Comfort Air',
      twilioNumber: '+15550100200',
      lastInboundMessage: 'No heat upstairs',
      transcript: `${transcriptHeader}\nCustomer: No heat upstairs`,
      category: 'complaint',
      conversationUrl: 'https://app.example.com/conversations/abc',
    });
    for (const part of ['Comfort Air', '+15550100200', 'No heat upstairs', 'Customer: No heat upstairs', 'COMPLAINT', 'https://app.example.com/conversations/abc']) {
      expect(s).toContain(part);
    }
  });

  const base: BookingSummaryInput = {
    tenantName: 'Comfort Air',
    twilioNumber: '+15550100200',
    lastInboundMessage: 'Yes please, Tuesday works',
    transcript: `${transcriptHeader}\nCustomer: Yes please, Tuesday works`,
    category: 'engaged',
    conversationUrl: 'https://app.example.com/conversations/abc',
  };
  const tuneUp = 'Hi Ana, Comfort Air here: 20% off AC tune-ups this week. Reply STOP to opt out.';

  it.each([
    { when: 'the episode answers no campaign', campaign: undefined, line: null },
    { when: 'campaign is null', campaign: null, line: null },
    { when: 'it answers a campaign text', campaign: { name: 'Spring tune-up', text: tuneUp }, line: `Reply to campaign "Spring tune-up": "${tuneUp}"` },
    { when: 'the text has newlines', campaign: { name: 'Spring\ntune-up', text: 'Hi Ana,\n\n20% off  this week.' }, line: 'Reply to campaign "Spring tune-up": "Hi Ana, 20% off this week."' },
  ])('names the campaign and quotes its text when $when', ({ campaign, line }) => {
    const lines = formatBookingSummary({ ...base, campaign }).split('\n');
    const found = lines.find((l) => l.startsWith('Reply to campaign'));
    expect(found ?? null).toBe(line);
    // Between the number the customer texted and their last message: what they answered, then the answer.
    if (line) expect(lines.indexOf(line)).toBe(lines.findIndex((l) => l.startsWith('Last customer message:')) - 1);
  });

  it.each([
    { when: 'fits exactly', text: 'a'.repeat(campaignQuoteMaxChars), expected: 'a'.repeat(campaignQuoteMaxChars) },
    { when: 'is one character too long, cut at the last word', text: `${'word '.repeat(60)}x`, expected: `${Array(59).fill('word').join(' ')}...` },
    { when: 'has no space near the cut, cut hard', text: 'x'.repeat(1500), expected: `${'x'.repeat(campaignQuoteMaxChars - 3)}...` },
  ])('quotes a campaign text that $when within the limit', ({ text, expected }) => {
    const quote = quoteCampaignText(text);
    expect(quote.length).toBeLessThanOrEqual(campaignQuoteMaxChars);
    expect(quote).toBe(expected);
  });

  it('bounds the campaign line whatever the campaign text (1,500 characters and merge fields)', () => {
    const line = formatCampaignReplyLine({ name: 'n'.repeat(120), text: 'Big sale! '.repeat(200) });
    expect(line.length).toBeLessThanOrEqual('Reply to campaign "": ""'.length + 120 + campaignQuoteMaxChars);
    expect(line).toMatch(/^Reply to campaign "n+": "Big sale! Big sale! .* Big\.\.\."$/);
  });

  it('uses a stable external id per conversation', () => {
    expect(bookingExternalId('c1', 1)).toBe(bookingExternalId('c1', 1));
    expect(bookingExternalId('c1', 1)).not.toBe(bookingExternalId('c2', 1));
    expect(bookingExternalId('c1', 2)).not.toBe(bookingExternalId('c1', 1));
  });

  it('reads the episode back from a key of the same conversation only', () => {
    expect(episodeOfBookingKey('c1', bookingExternalId('c1', 1))).toBe(1);
    expect(episodeOfBookingKey('c1', bookingExternalId('c1', 12))).toBe(12);
    expect(episodeOfBookingKey('c1', bookingExternalId('c2', 1))).toBeNull();
    expect(episodeOfBookingKey('c1', bookingExternalId('c11', 1))).toBeNull();
    for (const key of ['sandbox-a1', 'intellisend-conversation-c1-episode-', 'intellisend-conversation-c1-episode-0', 'intellisend-conversation-c1-episode-2x']) {
      expect(episodeOfBookingKey('c1', key)).toBeNull();
    }
  });
});
