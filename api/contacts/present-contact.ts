// The contract's `Contact` JSON from a row.
import type { ContactConversationView, ContactView, ConsentEventView } from '../../contract/contacts.ts';
import type { ConsentEventRow, ContactConversationRow } from '../../db/repositories/contacts.ts';
import type { Contact } from '../../db/models/index.ts';

export function presentContact(c: Contact): ContactView {
  return {
    id: c.id,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    phone: c.phone,
    email: c.email ?? null,
    tags: c.tags ?? [],
    optedOut: c.optedOut,
    optedOutAt: c.optedOutAt ? c.optedOutAt.toISOString() : null,
    optedOutSource: c.optedOutSource ?? null,
    marketingConsent: {
      status: c.marketingConsent,
      source: c.marketingConsentSource ?? null,
      at: c.marketingConsentAt ? c.marketingConsentAt.toISOString() : null,
    },
    timeZone: c.timeZone ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentContactConversation(r: ContactConversationRow): ContactConversationView {
  return {
    id: r.id,
    category: r.category,
    needsAttention: r.needs_attention,
    lastMessageAt: r.last_message_at ? new Date(r.last_message_at).toISOString() : null,
    ourNumber: r.our_number,
  };
}

export function presentConsentEvent(r: ConsentEventRow): ConsentEventView {
  return {
    status: r.status,
    source: r.source,
    evidence: r.evidence,
    at: new Date(r.created_at).toISOString(),
    by: r.actor_id && r.actor_email ? { id: r.actor_id, email: r.actor_email } : null,
  };
}
