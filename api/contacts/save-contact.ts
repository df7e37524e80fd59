// Creating and changing contacts. The rules a person cannot get around here:
// - an opt-out is undone only by the customer (texting START): no edit clears it;
// - a person may record an opt-out the customer gave another way (FCC: revocation by any reasonable means),
//   which also revokes marketing consent;
// - every consent change is kept with its source, time, evidence and who made it;
// - a CSR changes names only; everything else is an admin's.
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { ContactDetailView } from '../../contract/contacts.ts';
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import type { Contact } from '../../db/models/index.ts';
import { conversationsOfContact, findContact, recordConsent } from '../../db/repositories/contacts.ts';
import { countryCode, parsePhone } from '../../domain/phone.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../errors.ts';
import { contactNotFound, getContact } from './get-contact.ts';
import type { ContactUpdate, createContactSchema } from './validate.ts';
import type { z } from 'zod';

export type NewContact = z.output<typeof createContactSchema>;

const csrEditable = new Set(['firstName', 'lastName']);

export const optOutIsTheCustomers = 'Only the customer can opt back in, by texting START to your number.';

export async function createContact(db: Database, user: SessionUser, input: NewContact): Promise<ContactDetailView> {
  if (user.role !== 'admin') throw new ForbiddenError('Only an admin can add contacts.');
  const tenant = await db.models.Tenant.findByPk(user.tenantId);
  const phone = parsePhone(input.phone, countryCode(tenant?.country));
  if (!phone) throw new ValidationError(`phone: "${input.phone}" is not a phone number`, { phone: 'is not a phone number' });
  let id = '';
  try {
    await db.sequelize.transaction(async (transaction) => {
      const contact = await db.models.Contact.create(
        {
          tenantId: user.tenantId,
          phone,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          email: input.email ?? null,
          tags: input.tags ?? [],
          timeZone: input.timeZone ?? null,
        },
        { transaction },
      );
      id = contact.id;
      if (input.marketingConsent) await setConsent(db, contact, user, input.marketingConsent, transaction);
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new ConflictError(`A contact with the phone number ${phone} already exists.`);
    throw err;
  }
  return getContact(db, user.tenantId, id);
}

export async function updateContact(db: Database, user: SessionUser, id: string, update: ContactUpdate): Promise<ContactDetailView> {
  if (user.role !== 'admin') {
    const others = Object.keys(update).filter((k) => !csrEditable.has(k));
    if (others.length > 0) throw new ForbiddenError(`Only an admin can change ${others.join(', ')}; you can change names.`);
  }
  if (update.optedOut === false) throw new ConflictError(optOutIsTheCustomers);
  let namesChanged = false;
  await db.sequelize.transaction(async (transaction) => {
    const contact = await findContact(db, user.tenantId, id, transaction);
    if (!contact) throw contactNotFound();
    const now = new Date();
    if (update.firstName !== undefined || update.lastName !== undefined) namesChanged = true;
    contact.set({
      ...(update.firstName !== undefined ? { firstName: update.firstName } : {}),
      ...(update.lastName !== undefined ? { lastName: update.lastName } : {}),
      ...(update.email !== undefined ? { email: update.email } : {}),
      ...(update.tags !== undefined ? { tags: update.tags } : {}),
      ...(update.timeZone !== undefined ? { timeZone: update.timeZone } : {}),
    });
    if (update.optedOut === true && !contact.optedOut) {
      contact.set({ optedOut: true, optedOutAt: now, optedOutSource: 'person' });
    }
    await contact.save({ transaction });
    if (contact.optedOut && update.marketingConsent?.status === 'granted') {
      throw new ConflictError(`This contact opted out. ${optOutIsTheCustomers}`);
    }
    if (update.optedOut === true) {
      await recordConsent(db, contact, { status: 'revoked', source: 'opt_out', evidence: `Opt-out recorded by ${user.email}`, actorUserId: user.id, at: now }, transaction);
    } else if (update.marketingConsent) {
      await setConsent(db, contact, user, update.marketingConsent, transaction);
    }
    if (namesChanged || update.optedOut) await announce(db, contact, transaction);
  });
  return getContact(db, user.tenantId, id);
}

async function setConsent(
  db: Database,
  contact: Contact,
  user: SessionUser,
  consent: { status: 'granted' | 'unknown' | 'revoked'; evidence?: string },
  transaction: Transaction,
): Promise<void> {
  await recordConsent(db, contact, { status: consent.status, source: 'person', evidence: consent.evidence || null, actorUserId: user.id, at: new Date() }, transaction);
}

/** The inbox shows names and opt-outs: each of the contact's conversations is announced as updated. */
async function announce(db: Database, contact: Contact, transaction: Transaction): Promise<void> {
  for (const c of await conversationsOfContact(db, contact.tenantId, contact.id)) {
    await notifyConversationUpdated(db.sequelize, { tenantId: contact.tenantId, id: c.id }, transaction);
  }
}
