// The conversation rules in one place. Pure: from what a conversation is now and one thing that happened,
// the next category, `needsAttention` and what should happen to the episode's booking. Every statement
// that files, replies, corrects or books applies `decide`; none decides on its own.
//
//   - START / UNSTOP / YES opt back in only a contact who is opted out; from anyone else they are
//     ordinary messages, filed by the classifier.
//   - Only a person clears `needsAttention` (a reply, or "mark handled"); automated texts never do. Any
//     inbound message that needs a person raises it, unless a person already answered that message.
//   - A category a person set is kept until a person changes it; the customer's own opt-out always wins.
//   - After an opt-out nothing more is booked: a pending or retrying booking stops.
//   - A booking's outcome never changes `needsAttention` or the category.
//   - An assistant answering in auto mode takes an engaged message instead of a person: it raises no
//     `needsAttention` and books nothing yet; it hands over (flag raised, booked as without it) when the
//     customer asks for a person, complains, or it cannot help — or, when its turn runs, it no longer
//     answers (switched off, or no assistant on the number any more) — and a booking request it takes
//     books the episode. In draft mode a person sends every reply, so the message is filed as without an
//     assistant.
import type { BookingStatus, Category } from '../workflows/definitions.ts';
import type { ClassificationResult } from './classification.ts';
import { matchKeyword } from './sms-keywords.ts';

export interface ConversationFacts {
  category: Category;
  /** The category was set by a person (classification source `csr`). */
  categorySetByPerson: boolean;
  needsAttention: boolean;
  contactOptedOut: boolean;
  /** The current episode's booking. */
  bookingStatus: BookingStatus;
  /**
   * The number's assistant, when it answers this conversation's session now (enabled, mode auto or
   * draft, the session neither handed over nor taken over by a person). Absent: none.
   */
  assistantMode?: AssistantMode | null;
}

export type AssistantMode = 'auto' | 'draft';

/**
 * What a filed inbound message asks of the assistant: `reply` (auto mode), `draft` (a reply for a person
 * to send), `handoff` (a complaint: straight to a person, the handoff message in auto mode); null: nothing.
 */
export type AssistantAsk = 'reply' | 'draft' | 'handoff' | null;

export type ConversationEvent =
  /** An inbound message the classifier (or the fallback) filed. `answeredByPerson`: a person replied or marked it handled after it arrived. */
  | { kind: 'inboundFiled'; filing: ClassificationResult; answeredByPerson: boolean }
  /** The customer opted out: the keyword, or a message the classifier filed as an opt-out. */
  | { kind: 'optOut' }
  /** An opted-out customer texted START / UNSTOP / YES. */
  | { kind: 'optIn' }
  | { kind: 'personReplied' }
  /** HELP replies and the assistant's replies. */
  | { kind: 'automatedReply' }
  /**
   * The assistant handed the session over to a person (asked for, complaint, tool failure, model down, cap,
   * after hours, or it no longer answers: switched off or gone). `answeredByPerson`: a person replied or
   * marked it handled after the last message the turn was answering arrived.
   */
  | { kind: 'assistantHandedOff'; answeredByPerson: boolean }
  /** The assistant took a booking request (request mode): the episode's booking carries the chosen window. */
  | { kind: 'assistantBookingRequested' }
  | { kind: 'personCorrected'; category: Category }
  | { kind: 'personMarked'; needsAttention: boolean }
  | { kind: 'bookingOutcome'; status: BookingStatus };

/** `start`: this episode should get its booking now; `stop`: any attempt must end; `keep`: leave it. */
export type BookingIntent = 'start' | 'stop' | 'keep';

export interface Decision {
  category: Category;
  categorySetByPerson: boolean;
  needsAttention: boolean;
  contactOptedOut: boolean;
  booking: BookingIntent;
  /** Whether the classification fields (confidence, reason, source) take the event's filing. */
  fileClassification: boolean;
  /** What the assistant is to do about this event (inbound filings only; null otherwise). */
  assistant: AssistantAsk;
}

/** Why a pending or retrying booking stopped: shown in the booking panel. */
export const optedOutReason = 'customer opted out';

/** What the workflow does with an inbound message before any filing. */
export type InboundRoute = 'optOut' | 'optIn' | 'help' | 'classify';

export function routeInbound(body: string, contactOptedOut: boolean): InboundRoute {
  const keyword = matchKeyword(body);
  if (keyword === 'opt_out') return 'optOut';
  if (keyword === 'opt_in') return contactOptedOut ? 'optIn' : 'classify';
  if (keyword === 'help') return 'help';
  return 'classify';
}

/** Nothing automated reaches an opted-out contact. */
export function mayReplyAutomatically(facts: Pick<ConversationFacts, 'contactOptedOut'>): boolean {
  return !facts.contactOptedOut;
}

/** The classifier's opt-out is the customer's own opt-out. */
export function eventForFiling(filing: ClassificationResult, answeredByPerson: boolean): ConversationEvent {
  return filing.category === 'opt_out' ? { kind: 'optOut' } : { kind: 'inboundFiled', filing, answeredByPerson };
}

const inFlightOrDone: ReadonlySet<BookingStatus> = new Set(['pending', 'retrying', 'created']);

function needsPerson(category: Category): boolean {
  return category === 'engaged' || category === 'complaint';
}

function bookingIntent(next: Omit<Decision, 'booking' | 'fileClassification' | 'assistant'>, bookingStatus: BookingStatus): BookingIntent {
  if (next.contactOptedOut || next.category === 'opt_out') return 'stop';
  return needsPerson(next.category) && !inFlightOrDone.has(bookingStatus) ? 'start' : 'keep';
}

/** What the assistant does with an inbound message filed as `category` (see AssistantAsk). */
function assistantAsk(facts: ConversationFacts, category: Category): AssistantAsk {
  const mode = facts.assistantMode ?? null;
  if (mode === null || facts.contactOptedOut || category === 'opt_out') return null;
  if (category === 'complaint') return 'handoff';
  return mode === 'auto' ? 'reply' : 'draft';
}

export function decide(facts: ConversationFacts, event: ConversationEvent): Decision {
  const same = {
    category: facts.category,
    categorySetByPerson: facts.categorySetByPerson,
    needsAttention: facts.needsAttention,
    contactOptedOut: facts.contactOptedOut,
  };
  const fromRules = (decision: Omit<Decision, 'assistant'>): Decision => ({ ...decision, assistant: null });
  switch (event.kind) {
    case 'inboundFiled': {
      const category = facts.categorySetByPerson ? facts.category : event.filing.category;
      const assistant = assistantAsk(facts, category);
      // The assistant answers it: no person is asked for, nothing is booked until it books or hands over.
      if (assistant === 'reply') return { ...same, category, booking: 'keep', fileClassification: !facts.categorySetByPerson, assistant };
      const next = {
        ...same,
        category,
        needsAttention: facts.needsAttention || (needsPerson(category) && !event.answeredByPerson),
      };
      return { ...next, booking: bookingIntent(next, facts.bookingStatus), fileClassification: !facts.categorySetByPerson, assistant };
    }
    case 'assistantHandedOff': {
      // As if the assistant had never taken the message: a person is asked for (unless one already
      // answered it), and it is booked.
      const raise = !same.contactOptedOut && needsPerson(same.category) && !event.answeredByPerson;
      const next = { ...same, needsAttention: raise || same.needsAttention };
      return fromRules({ ...next, booking: bookingIntent(next, facts.bookingStatus), fileClassification: false });
    }
    case 'assistantBookingRequested':
      return fromRules({ ...same, booking: bookingIntent(same, facts.bookingStatus), fileClassification: false });
    case 'optOut':
      // The customer's own word overrides a person's category; it asks nothing of a person either way.
      return fromRules({ ...same, category: 'opt_out', categorySetByPerson: false, contactOptedOut: true, booking: 'stop', fileClassification: true });
    case 'optIn': {
      const next = { ...same, contactOptedOut: false, category: facts.categorySetByPerson ? facts.category : 'engaged' };
      // Opting back in asks nothing of a person and books nothing by itself.
      return fromRules({ ...next, booking: 'keep', fileClassification: !facts.categorySetByPerson });
    }
    case 'personReplied':
      return fromRules({ ...same, needsAttention: false, booking: 'keep', fileClassification: false });
    case 'automatedReply':
    case 'bookingOutcome':
      return fromRules({ ...same, booking: 'keep', fileClassification: false });
    case 'personCorrected': {
      const next = {
        ...same,
        category: event.category,
        categorySetByPerson: true,
        // A person moving it to opt-out opts the contact out (and has handled it); moving it away does
        // not opt them back in.
        contactOptedOut: facts.contactOptedOut || event.category === 'opt_out',
        needsAttention: event.category === 'opt_out' ? false : facts.needsAttention,
      };
      return fromRules({ ...next, booking: bookingIntent(next, facts.bookingStatus), fileClassification: true });
    }
    case 'personMarked':
      return fromRules({ ...same, needsAttention: event.needsAttention, booking: 'keep', fileClassification: false });
  }
}
