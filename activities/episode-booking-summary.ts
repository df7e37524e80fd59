// The `summary` of the episode's ServiceTitan booking, for the create and for the assistant's update of a
// booking request: the window the customer chose with the assistant (request mode), then who texted, the
// last customer message and the episode's transcript, and a link to the conversation.
import type { BookingRequest } from '../db/repositories/assistant-sessions.ts';
import type { Database } from '../db/connection.ts';
import { formatBookingSummary, formatTranscript } from '../domain/conversation-summary.ts';
import { loadBookingContext, type BookingContext } from './load-booking-context.ts';

export interface EpisodeBookingSummary {
  context: BookingContext;
  category: 'engaged' | 'complaint';
  summary: string;
}

/** Null when the conversation is gone. */
export async function episodeBookingSummary(
  db: Database,
  publicBaseUrl: string,
  conversationId: string,
  request: BookingRequest | null,
): Promise<EpisodeBookingSummary | null> {
  const context = await loadBookingContext(db, conversationId, 5);
  if (!context) return null;
  const category = context.category === 'complaint' ? 'complaint' : 'engaged';
  const chosen = request ? `Booked by text with the assistant: ${request.label} (${request.summary})\n` : '';
  const summary =
    chosen +
    formatBookingSummary({
      tenantName: context.tenantName,
      twilioNumber: context.ourNumber,
      lastInboundMessage: context.lastInboundMessage,
      transcript: formatTranscript(context.recentMessages, 5, 800),
      category,
      conversationUrl: `${publicBaseUrl}/conversations/${conversationId}`,
      campaign: context.campaign,
    });
  return { context, category, summary };
}
