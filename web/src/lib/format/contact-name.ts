import type { Contact } from '#lib/api-types.ts';
import { formatPhone } from './phone.ts';

/** What a CSR calls the customer: their name when we know it, otherwise their number. */
export function contactName(contact: Contact): string {
  const name = [contact.firstName, contact.lastName].filter((part) => part && part.trim()).join(' ');
  return name || formatPhone(contact.phone);
}
