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

/** The campaign text an episode answers: the campaign's name and the text as this contact got it. */
export interface CampaignReply {
  name: string;
  text: string;
}

/**
 * How much of the campaign text the summary quotes. ServiceTitan documents no maximum for `summary`, so we
 * keep ours bounded ourselves: a campaign body may be 1,500 characters (more once merge fields are filled),
 * and the office needs only enough of it to know which offer the customer answers — about two SMS segments.
 */
export const campaignQuoteMaxChars = 300;

/** One line however the text was written (newlines folded), at most `maxChars`, cut at a word when one is near. */
export function quoteCampaignText(text: string, maxChars = campaignQuoteMaxChars): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  if (folded.length <= maxChars) return folded;
  const cut = folded.slice(0, Math.max(0, maxChars - 3));
  // A word boundary in the last fifth of what fits reads better than half a word; a text without one is cut hard.
  const space = cut.lastIndexOf(' ');
  return (space >= cut.length * 0.8 ? cut.slice(0, space) : cut).trimEnd() + '...';
}

/** `Reply to campaign "<name>": "<the text as sent>"`, the quote bounded by `campaignQuoteMaxChars`. */
export function formatCampaignReplyLine(campaign: CampaignReply): string {
  return `Reply to campaign "${campaign.name.replace(/\s+/g, ' ').trim()}": "${quoteCampaignText(campaign.text)}"`;
}

export interface BookingSummaryInput {
  tenantName: string;
  twilioNumber: string;
  lastInboundMessage: string;
  transcript: string;
  category: 'engaged' | 'complaint';
  conversationUrl: string;
  /** Set when the episode answers a campaign text: the office then knows which offer the customer replied to. */
  campaign?: CampaignReply | null;
}

export function formatBookingSummary(s: BookingSummaryInput): string {
  return [
    `IntelliSend SMS for ${s.tenantName} — a customer needs a person to follow up.`,
    `Category: ${s.category === 'complaint' ? 'COMPLAINT' : 'ENGAGED'}`,
    `Texted our number: ${s.twilioNumber}`,
    ...(s.campaign ? [formatCampaignReplyLine(s.campaign)] : []),
    `Last customer message: ${s.lastInboundMessage}`,
    '',
    s.transcript,
    '',
    `Open the conversation: ${s.conversationUrl}`,
  ].join('\n');
}

const bookingKeyPrefix = (conversationId: string) => `intellisend-conversation-${conversationId}-episode-`;

/** Stable per conversation and episode: each episode that needs a person gets a booking of its own. */
export function bookingExternalId(conversationId: string, episode: number): string {
  return `${bookingKeyPrefix(conversationId)}${episode}`;
}

/**
 * The episode a booking key names (bookingExternalId read back), so what was booked under it is kept
 * with that episode; null for a key that is not one of this conversation's.
 */
export function episodeOfBookingKey(conversationId: string, key: string): number | null {
  const prefix = bookingKeyPrefix(conversationId);
  if (!key.startsWith(prefix)) return null;
  const digits = key.slice(prefix.length);
  const episode = /^[1-9]\d{0,8}$/.test(digits) ? Number(digits) : NaN;
  return Number.isInteger(episode) ? episode : null;
}
