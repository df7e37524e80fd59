import { describe, expect, it } from 'vitest';
import { bookingExternalId, formatBookingSummary, formatTranscript, transcriptHeader } from './conversation-summary.ts';

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
  it('uses a stable external id per conversation', () => {
    expect(bookingExternalId('c1')).toBe(bookingExternalId('c1'));
    expect(bookingExternalId('c1')).not.toBe(bookingExternalId('c2'));
  });
});
