// One contact with its conversations and the history of its marketing consent.
import type { ContactDetailView } from '../../contract/contacts.ts';
import type { Database } from '../../db/connection.ts';
import { consentHistory, conversationsOfContact, findContact } from '../../db/repositories/contacts.ts';
import { NotFoundError } from '../errors.ts';
import { presentConsentEvent, presentContact, presentContactConversation } from './present-contact.ts';

export function contactNotFound(): NotFoundError {
  return new NotFoundError('No such contact.');
}

export async function getContact(db: Database, tenantId: string, id: string): Promise<ContactDetailView> {
  const contact = await findContact(db, tenantId, id);
  if (!contact) throw contactNotFound();
  const [conversations, history] = await Promise.all([conversationsOfContact(db, tenantId, id), consentHistory(db, tenantId, id)]);
  return {
    contact: presentContact(contact),
    conversations: conversations.map(presentContactConversation),
    consentHistory: history.map(presentConsentEvent),
  };
}
