// The text a ServiceTitan CSR reads on the booking. Built from stored messages, never by AI.
export interface TranscriptMessage {
  direction: 'inbound' | 'outbound';
  body: string;
}

export const transcriptHeader = 'Recent SMS conversation:';

/**
 * The newest `maxMessages` messages as `Customer: …` / `Agent: …` lines under a header. When the text is
 * longer than `maxChars`, the oldest lines go first and `...` marks the cut (the result, marker included,
 * is at most `maxChars`); a single line that is still too long is truncated with `...`.
 */
export function formatTranscript(messages: TranscriptMessage[], maxMessages = 5, maxChars = 800): string {
  const lines = messages
    .slice(-maxMessages)
    .map((m) => `${m.direction === 'inbound' ? 'Customer' : 'Agent'}: ${m.body.replace(/\s+/g, ' ').trim()}`);
  const render = (ls: string[], cut: boolean) => [transcriptHeader, ...ls].join('\n') + (cut ? '\n...' : '');
  // The marker counts only once something is cut: a transcript that fits exactly keeps every line.
  let cut = false;
  while (lines.length > 1 && render(lines, cut).length > maxChars) {
    lines.shift();
    cut = true;
  }
  let text = render(lines, cut);
  if (text.length > maxChars) text = text.slice(0, Math.max(0, maxChars - 3)) + '...';
  return text;
}

export interface BookingSummaryInput {
  tenantName: string;
  twilioNumber: string;
  lastInboundMessage: string;
  transcript: string;
  category: 'engaged' | 'complaint';
  conversationUrl: string;
}

export function formatBookingSummary(s: BookingSummaryInput): string {
  return [
    `IntelliSend SMS for ${s.tenantName} — a customer needs a person to follow up.`,
    `Category: ${s.category === 'complaint' ? 'COMPLAINT' : 'ENGAGED'}`,
    `Texted our number: ${s.twilioNumber}`,
    `Last customer message: ${s.lastInboundMessage}`,
    '',
    s.transcript,
    '',
    `Open the conversation: ${s.conversationUrl}`,
  ].join('\n');
}

export function bookingExternalId(conversationId: string): string {
  return `intellisend-conversation-${conversationId}`;
}
