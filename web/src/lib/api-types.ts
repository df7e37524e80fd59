// The JSON shapes of the Inbox API (see contract.md, "Session and roles" and "Inbox API").
import type { AssistantDraft, AssistantServiceTitanJob, ConversationAssistant } from '../../../contract/conversation-assistant.ts';
import type { SearchMatch } from '../../../contract/conversations.ts';

export type { SearchMatch, SearchMatchField, TextRange } from '../../../contract/conversations.ts';
export type {
  AssistantDraft,
  AssistantServiceTitanJob,
  AssistantSessionState,
  AssistantTurnOutcome,
  ConversationAssistant,
  MessageTraceAnswer,
} from '../../../contract/conversation-assistant.ts';
export type { SandboxTraceEntry as AssistantTraceEntry } from '../../../contract/assistants.ts';

export type Role = 'admin' | 'csr';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  tenantId: string;
}

/** `GET /api/auth/me`. The tenant is optional: shown in the header when the API provides it. */
export interface MeResponse {
  user: SessionUser;
  tenant?: { id: string; name: string };
}

export type Category = 'engaged' | 'opt_out' | 'complaint';
export type Tab = 'engaged' | 'opt_outs' | 'complaints';
/** `retrying` is what the database calls a booking Temporal is still retrying; the API may pass it on. */
export type BookingStatus = 'none' | 'pending' | 'retrying' | 'created' | 'failed' | 'skipped';
export type Direction = 'inbound' | 'outbound';
export type ConversationStatus = 'open' | 'resolved';
/** The inbox list's status filter (`status=` in the URL and the API). */
export type StatusFilter = ConversationStatus | 'all';
export type MessageAuthor = 'customer' | 'person' | 'assistant' | 'system';

export interface Contact {
  id: string;
  firstName: string | null;
  lastName: string | null;
  phone: string;
  optedOut: boolean;
}

export interface Conversation {
  id: string;
  category: Category;
  needsAttention: boolean;
  lastMessageAt: string | null;
  createdAt: string;
  contact: Contact;
  /** `author` is an extension: the list tells the assistant's last word from a person's. */
  lastMessage: { direction: Direction; author?: MessageAuthor; body: string; createdAt: string } | null;
  bookingStatus: BookingStatus;
  serviceTitanBookingId: string | null;
  serviceTitanBookingCreatedAt: string | null;
  status: ConversationStatus;
  /** 1, 2, …: a text to a resolved conversation reopens it as the next episode. */
  episode: number;
  /** Extension: the job the assistant booked in this episode (job mode); absent or null when none. */
  serviceTitanJob?: AssistantServiceTitanJob | null;
  /** Extension, under a search: what matched (the name, the number, or a message). */
  match?: SearchMatch | null;
}

export type TabCounts = Record<Tab, number>;

export interface ConversationPage {
  items: Conversation[];
  counts: TabCounts;
  /** Needs-attention counts per tab, when the API provides them. */
  attention?: TabCounts;
  nextCursor: string | null;
}

export type ClassificationSource = 'keyword' | 'ai' | 'csr' | 'fallback';

export interface Classification {
  category: Category;
  confidence: number | null;
  reason: string | null;
  /** Null until the first classification (e.g. a conversation a person started). */
  source: ClassificationSource | null;
}

/** Extension of the detail response: how the ServiceTitan booking is going. */
export interface BookingProgress {
  status: BookingStatus;
  attempts: number;
  lastError: string | null;
}

/** `unknown`: the send may or may not have reached Twilio; only a person resends it. */
export type MessageStatus = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'unknown';

export interface Message {
  id: string;
  direction: Direction;
  body: string;
  status: MessageStatus | string;
  createdAt: string;
  /** Extension: Twilio's error code when an outbound message failed. */
  errorCode?: string | null;
  /** Extension: the `unknown` message a person resent as this one. */
  resendOf?: string | null;
  author: MessageAuthor;
  episode: number;
  /** Extension, on the assistant's messages: why it said it can be read (…/messages/:id/trace). */
  hasTrace?: boolean;
}

export interface ConversationDetail {
  conversation: Conversation & {
    classification: Classification;
    booking?: BookingProgress;
    /** Extension: work the workflow could not do, for a person to look at. */
    lastError?: string | null;
  };
  messages: Message[];
  /** Extension: who is speaking in the session; null when no assistant answers the number. */
  assistant?: ConversationAssistant | null;
  /** Draft mode: the assistant's suggestion waiting for a person to send it. */
  draft?: AssistantDraft | null;
}

export const statusFilters: readonly { id: StatusFilter; label: string }[] = [
  { id: 'open', label: 'Open' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
];

export function parseStatus(value: string | null): StatusFilter {
  return value === 'resolved' || value === 'all' ? value : 'open';
}

export const tabs: readonly { id: Tab; label: string }[] = [
  { id: 'engaged', label: 'Engaged' },
  { id: 'opt_outs', label: 'Opt outs' },
  { id: 'complaints', label: 'Complaints' },
];

/** The category each tab lists. */
export const tabCategories: Record<Tab, Category> = { engaged: 'engaged', opt_outs: 'opt_out', complaints: 'complaint' };

export function parseTab(value: string | null): Tab {
  return value === 'opt_outs' || value === 'complaints' ? value : 'engaged';
}

export const categoryLabels: Record<Category, string> = {
  engaged: 'Engaged',
  opt_out: 'Opt out',
  complaint: 'Complaint',
};

/** One page of the list; the API caps `limit`, so more come through `nextCursor`. */
export const conversationPageSize = 30;

/** The API refuses longer searches. */
export const maxSearchLength = 200;
