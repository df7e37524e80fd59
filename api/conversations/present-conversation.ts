// The contract's `Conversation` shape, from one row of conversationSelect (conversation-row.ts).
import type { AssistantServiceTitanJob } from '../../contract/conversation-assistant.ts';
import type { SearchMatch } from '../../contract/conversations.ts';
import type { PastEpisode } from '../../db/models/conversation.ts';
import type {
  BookingStatus,
  ClassificationSource,
  ConversationCategory,
  ConversationStatus,
  MessageAuthor,
  MessageDirection,
  MessageStatus,
} from '../../db/models/index.ts';

/** What conversationSelect returns per conversation. */
export interface ConversationRow {
  id: string;
  category: ConversationCategory;
  needs_attention: boolean;
  last_message_at: Date | null;
  created_at: Date;
  booking_status: BookingStatus;
  service_titan_booking_id: string | null;
  service_titan_booking_created_at: Date | null;
  booking_attempts: number;
  booking_last_error: string | null;
  classification_confidence: number | null;
  classification_reason: string | null;
  classification_source: ClassificationSource | null;
  status: ConversationStatus;
  episode: number;
  last_error: string | null;
  past_episodes: PastEpisode[];
  service_titan_job: AssistantServiceTitanJob | null;
  contact_id: string;
  contact_first_name: string | null;
  contact_last_name: string | null;
  contact_phone: string;
  contact_opted_out: boolean;
  last_direction: MessageDirection | null;
  last_author: MessageAuthor | null;
  last_body: string | null;
  last_created_at: Date | null;
}

export interface ConversationView {
  id: string;
  category: ConversationCategory;
  needsAttention: boolean;
  lastMessageAt: string | null;
  createdAt: string;
  contact: { id: string; firstName: string | null; lastName: string | null; phone: string; optedOut: boolean };
  /** Null only for a conversation without any message yet. */
  /** `author` is an extension: the list tells the assistant's last word from a person's. */
  lastMessage: { direction: MessageDirection; author: MessageAuthor; body: string; createdAt: string } | null;
  /** The contract's values plus `retrying` (Temporal is retrying the booking activity). */
  bookingStatus: BookingStatus;
  serviceTitanBookingId: string | null;
  serviceTitanBookingCreatedAt: string | null;
  status: ConversationStatus;
  /** 1, 2, …: the booking fields are this episode's. */
  episode: number;
  /** Extension: the job the assistant booked in this episode (job mode), or null. */
  serviceTitanJob: AssistantServiceTitanJob | null;
  /** Extension, in the list under a search only: what matched (contract/conversations.ts). */
  match?: SearchMatch | null;
}

export interface ConversationDetailView extends ConversationView {
  classification: {
    category: ConversationCategory;
    confidence: number | null;
    reason: string | null;
    /** Null until the first classification (e.g. a conversation a person started). */
    source: ClassificationSource | null;
  };
  /** Extension for the booking panel. */
  booking: { status: BookingStatus; attempts: number; lastError: string | null };
  /** Extension: work the workflow could not do (a non-retryable failure), for the conversation view. */
  lastError: string | null;
  /** Extension: the bookings (and the assistant's jobs) of ended episodes. */
  pastEpisodes: PastEpisodeView[];
}

export interface PastEpisodeView extends PastEpisode {
  serviceTitanJob: AssistantServiceTitanJob | null;
}

export interface MessageRow {
  id: string;
  direction: MessageDirection;
  body: string;
  status: MessageStatus;
  error_code: string | null;
  author_user_id: string | null;
  resend_of: string | null;
  author: MessageAuthor;
  episode: number;
  created_at: Date;
  /** The assistant's turn behind one of its replies (its trace); absent where not selected. */
  assistant_turn_id?: string | null;
}

export interface MessageView {
  id: string;
  direction: MessageDirection;
  body: string;
  status: MessageStatus;
  createdAt: string;
  /** Extensions: Twilio's error code for failed/undelivered, and the CSR who wrote an outbound reply. */
  errorCode: string | null;
  authorUserId: string | null;
  /** Extension: the `unknown` message a person resent as this one. */
  resendOf: string | null;
  author: MessageAuthor;
  episode: number;
  /** Extension, on the assistant's messages only: its trace can be read (…/messages/:id/trace). */
  hasTrace?: boolean;
}

const iso = (value: Date | string): string => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null): string | null => (value === null ? null : iso(value));

/** The stored job with its times as ISO 8601 UTC, whatever offset they were written with. */
function presentJob(job: AssistantServiceTitanJob | null | undefined): AssistantServiceTitanJob | null {
  if (!job) return null;
  return {
    jobId: job.jobId,
    jobNumber: job.jobNumber,
    arrivalWindowStart: iso(job.arrivalWindowStart),
    arrivalWindowEnd: iso(job.arrivalWindowEnd),
    bookedAt: iso(job.bookedAt),
  };
}

export function presentConversation(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    category: row.category,
    needsAttention: row.needs_attention,
    lastMessageAt: isoOrNull(row.last_message_at),
    createdAt: iso(row.created_at),
    contact: {
      id: row.contact_id,
      firstName: row.contact_first_name,
      lastName: row.contact_last_name,
      phone: row.contact_phone,
      optedOut: row.contact_opted_out,
    },
    lastMessage:
      row.last_direction && row.last_author && row.last_created_at
        ? { direction: row.last_direction, author: row.last_author, body: row.last_body ?? '', createdAt: iso(row.last_created_at) }
        : null,
    bookingStatus: row.booking_status,
    serviceTitanBookingId: row.service_titan_booking_id,
    serviceTitanBookingCreatedAt: isoOrNull(row.service_titan_booking_created_at),
    status: row.status,
    episode: row.episode,
    serviceTitanJob: presentJob(row.service_titan_job),
  };
}

export function presentConversationDetail(row: ConversationRow): ConversationDetailView {
  return {
    ...presentConversation(row),
    classification: {
      category: row.category,
      confidence: row.classification_confidence,
      reason: row.classification_reason,
      source: row.classification_source,
    },
    booking: { status: row.booking_status, attempts: row.booking_attempts, lastError: row.booking_last_error },
    lastError: row.last_error,
    // Episodes that ended before migration 0016 have no `serviceTitanJob`: none was recorded.
    pastEpisodes: row.past_episodes.map((e) => ({ ...e, serviceTitanJob: presentJob(e.serviceTitanJob) })),
  };
}

export function presentMessage(row: MessageRow): MessageView {
  return {
    id: row.id,
    direction: row.direction,
    body: row.body,
    status: row.status,
    createdAt: iso(row.created_at),
    errorCode: row.error_code,
    authorUserId: row.author_user_id,
    resendOf: row.resend_of,
    author: row.author,
    episode: row.episode,
    ...(row.author === 'assistant' ? { hasTrace: Boolean(row.assistant_turn_id) } : {}),
  };
}
