import { describe, expect, it } from 'vitest';
import type { ClassificationResult } from './classification.ts';
import { decide, eventForFiling, mayReplyAutomatically, routeInbound, type ConversationEvent, type ConversationFacts, type Decision } from './conversation-rules.ts';

const ai = (category: ClassificationResult['category']): ClassificationResult => ({ category, confidence: 0.9, reason: 'test', source: 'ai' });
const base: ConversationFacts = { category: 'engaged', categorySetByPerson: false, needsAttention: false, contactOptedOut: false, bookingStatus: 'none' };

interface Row {
  rule: string;
  facts: Partial<ConversationFacts>;
  event: ConversationEvent;
  expected: Partial<Decision>;
}

const rows: Row[] = [
  // Filing
  { rule: 'an engaged message needs a person and gets the episode its booking', facts: {}, event: eventForFiling(ai('engaged'), false), expected: { category: 'engaged', needsAttention: true, booking: 'start', fileClassification: true } },
  { rule: 'a complaint needs a person', facts: {}, event: eventForFiling(ai('complaint'), false), expected: { category: 'complaint', needsAttention: true, booking: 'start' } },
  { rule: 'an inbound message that needs a person raises the flag also after a booking exists', facts: { bookingStatus: 'created' }, event: eventForFiling(ai('engaged'), false), expected: { needsAttention: true, booking: 'keep' } },
  { rule: 'a later message of the same episode never books again while one is under way', facts: { bookingStatus: 'retrying' }, event: eventForFiling(ai('engaged'), false), expected: { booking: 'keep' } },
  { rule: 'the filing of a message a person already answered does not raise the flag again', facts: { needsAttention: false }, event: eventForFiling(ai('engaged'), true), expected: { needsAttention: false } },
  { rule: 'a filing never clears the flag', facts: { needsAttention: true }, event: eventForFiling(ai('engaged'), true), expected: { needsAttention: true } },
  { rule: "a person's category is kept when the classifier files the next message differently", facts: { category: 'engaged', categorySetByPerson: true }, event: eventForFiling(ai('complaint'), false), expected: { category: 'engaged', categorySetByPerson: true, needsAttention: true, fileClassification: false } },
  { rule: 'an ordinary message from an opted-out contact raises the flag but books nothing', facts: { contactOptedOut: true, category: 'opt_out' }, event: eventForFiling(ai('engaged'), false), expected: { needsAttention: true, booking: 'stop', contactOptedOut: true } },
  // Opt-out and opt-in
  { rule: "the customer's own opt-out (keyword) overrides a person's category and stops the booking", facts: { category: 'complaint', categorySetByPerson: true, bookingStatus: 'retrying' }, event: { kind: 'optOut' }, expected: { category: 'opt_out', categorySetByPerson: false, contactOptedOut: true, booking: 'stop' } },
  { rule: 'a free-text opt-out the classifier filed is an opt-out', facts: { categorySetByPerson: true }, event: eventForFiling(ai('opt_out'), false), expected: { category: 'opt_out', contactOptedOut: true, booking: 'stop' } },
  { rule: 'an opt-out does not clear needsAttention (only a person does)', facts: { needsAttention: true }, event: { kind: 'optOut' }, expected: { needsAttention: true } },
  { rule: 'an opt-in opts the contact back in, files engaged, and asks nothing of a person', facts: { category: 'opt_out', contactOptedOut: true }, event: { kind: 'optIn' }, expected: { category: 'engaged', contactOptedOut: false, needsAttention: false, booking: 'keep' } },
  // People
  { rule: "a person's reply clears the flag", facts: { needsAttention: true }, event: { kind: 'personReplied' }, expected: { needsAttention: false, booking: 'keep' } },
  { rule: 'an automated reply (HELP) never clears the flag', facts: { needsAttention: true }, event: { kind: 'automatedReply' }, expected: { needsAttention: true } },
  { rule: 'a person marking it handled clears the flag', facts: { needsAttention: true }, event: { kind: 'personMarked', needsAttention: false }, expected: { needsAttention: false } },
  { rule: 'a person may raise the flag again', facts: {}, event: { kind: 'personMarked', needsAttention: true }, expected: { needsAttention: true } },
  { rule: "a person's correction sets the category as theirs and books an episode that needs a person", facts: { category: 'complaint' }, event: { kind: 'personCorrected', category: 'engaged' }, expected: { category: 'engaged', categorySetByPerson: true, needsAttention: false, booking: 'start' } },
  { rule: 'a correction to opt-out opts the contact out, stops the booking, and counts as handled', facts: { bookingStatus: 'pending', needsAttention: true }, event: { kind: 'personCorrected', category: 'opt_out' }, expected: { contactOptedOut: true, booking: 'stop', needsAttention: false } },
  { rule: 'a correction away from opt-out does not opt the contact back in, and books nothing', facts: { category: 'opt_out', contactOptedOut: true }, event: { kind: 'personCorrected', category: 'complaint' }, expected: { category: 'complaint', contactOptedOut: true, booking: 'stop' } },
  // The assistant
  { rule: 'an engaged message the assistant answers (auto) asks nothing of a person and books nothing yet', facts: { assistantMode: 'auto' }, event: eventForFiling(ai('engaged'), false), expected: { needsAttention: false, booking: 'keep', assistant: 'reply' } },
  { rule: 'a complaint goes to a person even with the assistant on (it only sends the handoff message)', facts: { assistantMode: 'auto' }, event: eventForFiling(ai('complaint'), false), expected: { needsAttention: true, booking: 'start', assistant: 'handoff' } },
  { rule: 'in draft mode a person sends every reply: the message is filed as without an assistant', facts: { assistantMode: 'draft' }, event: eventForFiling(ai('engaged'), false), expected: { needsAttention: true, booking: 'start', assistant: 'draft' } },
  { rule: 'nothing automated for an opted-out contact, assistant or not', facts: { assistantMode: 'auto', contactOptedOut: true, category: 'opt_out' }, event: eventForFiling(ai('engaged'), false), expected: { assistant: null, booking: 'stop' } },
  { rule: 'without an assistant a filing asks nothing of one', facts: {}, event: eventForFiling(ai('engaged'), false), expected: { assistant: null } },
  { rule: 'a handoff asks for a person and books the episode as without the assistant', facts: {}, event: { kind: 'assistantHandedOff', answeredByPerson: false }, expected: { needsAttention: true, booking: 'start', assistant: null } },
  { rule: 'a handoff of a message a person already answered leaves the flag alone, and books as without the assistant', facts: {}, event: { kind: 'assistantHandedOff', answeredByPerson: true }, expected: { needsAttention: false, booking: 'start', assistant: null } },
  { rule: 'a handoff after a booking exists books nothing more', facts: { bookingStatus: 'created' }, event: { kind: 'assistantHandedOff', answeredByPerson: false }, expected: { needsAttention: true, booking: 'keep' } },
  { rule: 'a booking request the assistant took books the episode and asks nothing of a person', facts: {}, event: { kind: 'assistantBookingRequested' }, expected: { needsAttention: false, booking: 'start' } },
  // Bookings
  { rule: 'a booking outcome never changes needsAttention (handled stays handled)', facts: { needsAttention: false }, event: { kind: 'bookingOutcome', status: 'created' }, expected: { needsAttention: false, category: 'engaged' } },
  { rule: 'a booking outcome never changes needsAttention (waiting stays waiting)', facts: { needsAttention: true }, event: { kind: 'bookingOutcome', status: 'failed' }, expected: { needsAttention: true } },
];

describe('decide: one row per conversation rule', () => {
  it.each(rows)('$rule', ({ facts, event, expected }) => {
    expect(decide({ ...base, ...facts }, event)).toMatchObject(expected);
  });
});

describe('routeInbound', () => {
  it.each([
    ['YES', false, 'classify'],
    ['Yes', true, 'optIn'],
    ['START', false, 'classify'],
    ['unstop', true, 'optIn'],
    ['STOP', false, 'optOut'],
    ['stop', true, 'optOut'],
    ['HELP', false, 'help'],
    ['Can you come Tuesday?', true, 'classify'],
  ] as const)('%j from a contact opted out=%s → %s', (body, optedOut, route) => {
    expect(routeInbound(body, optedOut)).toBe(route);
  });

  it('nothing automated reaches an opted-out contact', () => {
    expect(mayReplyAutomatically({ contactOptedOut: true })).toBe(false);
    expect(mayReplyAutomatically({ contactOptedOut: false })).toBe(true);
  });
});
