// The contacts of one tenant: the list (search, tag, keyset pages), one contact with its conversations and
// consent history, and writes that keep an opt-out and the consent history honest.
import { QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../connection.ts';
import type { Contact, MarketingConsentStatus } from '../models/index.ts';

/** A search as the contacts list runs it: LIKE patterns with wildcards already escaped. */
export interface ContactSearch {
  /** `%word%` per word: "first last" must contain each (the inbox's name rule and index) */
  namePatterns: string[];
  /** `%text%` against the email, or null (a text with spaces is no email) */
  emailPattern: string | null;
  /** `%digits%` against the phone's digits, or null */
  digits: string | null;
}

export interface ContactListQuery {
  tenantId: string;
  search: ContactSearch | null;
  tag: string | null;
  limit: number;
  after: { createdAt: string; id: string } | null;
}

export interface ContactListRow {
  id: string;
  /** created_at with microseconds, for the cursor */
  created_at_key: string;
}

/** Ids of one page of contacts (one more than `limit` tells there is a next page), newest first. */
export async function listContactIds(db: Database, q: ContactListQuery): Promise<ContactListRow[]> {
  const where = ['c.tenant_id = :tenantId'];
  const replacements: Record<string, unknown> = { tenantId: q.tenantId, limit: q.limit + 1 };
  if (q.search) {
    const any: string[] = [];
    // Exactly the expression contacts_tenant_full_name_trgm_idx indexes.
    const fullName = `(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))`;
    if (q.search.namePatterns.length > 0) {
      any.push(`(${q.search.namePatterns.map((_, i) => `${fullName} ILIKE :name${i}`).join(' AND ')})`);
      q.search.namePatterns.forEach((p, i) => (replacements[`name${i}`] = p));
    }
    if (q.search.emailPattern) {
      any.push('c.email ILIKE :email');
      replacements.email = q.search.emailPattern;
    }
    if (q.search.digits) {
      any.push('c.phone_digits LIKE :digits');
      replacements.digits = q.search.digits;
    }
    where.push(any.length > 0 ? `(${any.join(' OR ')})` : 'false');
  }
  if (q.tag) {
    // Containment, not `= ANY`: only this form can use contacts_tenant_tags_idx (GIN), so a rare tag is
    // found from the index instead of by reading the tenant's contacts newest first.
    where.push('c.tags @> ARRAY[:tag]::text[]');
    replacements.tag = q.tag;
  }
  if (q.after) {
    where.push('(c.created_at, c.id) < (:afterCreatedAt::timestamptz, :afterId::uuid)');
    replacements.afterCreatedAt = q.after.createdAt;
    replacements.afterId = q.after.id;
  }
  return db.sequelize.query<ContactListRow>(
    `SELECT c.id, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at_key
       FROM contacts c
      WHERE ${where.join(' AND ')}
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT :limit`,
    { type: QueryTypes.SELECT, replacements },
  );
}

export async function contactsByIds(db: Database, tenantId: string, ids: string[]): Promise<Contact[]> {
  if (ids.length === 0) return [];
  const rows = await db.models.Contact.findAll({ where: { tenantId, id: ids } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function findContact(db: Database, tenantId: string, id: string, transaction?: Transaction): Promise<Contact | null> {
  return db.models.Contact.findOne({ where: { tenantId, id }, transaction, ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
}

export interface ContactConversationRow {
  id: string;
  category: 'engaged' | 'opt_out' | 'complaint';
  needs_attention: boolean;
  last_message_at: Date | null;
  our_number: string;
}

export async function conversationsOfContact(db: Database, tenantId: string, contactId: string): Promise<ContactConversationRow[]> {
  return db.sequelize.query<ContactConversationRow>(
    `SELECT cv.id, cv.category, cv.needs_attention, cv.last_message_at, pn.phone AS our_number
       FROM conversations cv JOIN phone_numbers pn ON pn.id = cv.phone_number_id
      WHERE cv.tenant_id = :tenantId AND cv.contact_id = :contactId
      ORDER BY cv.last_message_at DESC NULLS LAST, cv.created_at DESC`,
    { type: QueryTypes.SELECT, replacements: { tenantId, contactId } },
  );
}

export interface ConsentEventRow {
  status: MarketingConsentStatus;
  source: string;
  evidence: string | null;
  created_at: Date;
  actor_id: string | null;
  actor_email: string | null;
}

export async function consentHistory(db: Database, tenantId: string, contactId: string): Promise<ConsentEventRow[]> {
  return db.sequelize.query<ConsentEventRow>(
    `SELECT e.status, e.source, e.evidence, e.created_at, u.id AS actor_id, u.email AS actor_email
       FROM contact_consent_events e LEFT JOIN users u ON u.id = e.actor_user_id
      WHERE e.tenant_id = :tenantId AND e.contact_id = :contactId
      ORDER BY e.created_at DESC, e.id`,
    { type: QueryTypes.SELECT, replacements: { tenantId, contactId } },
  );
}

export interface ConsentChange {
  status: MarketingConsentStatus;
  source: string;
  evidence: string | null;
  actorUserId: string | null;
  at: Date;
}

/** Sets the contact's consent and records the change, in the caller's transaction. No-op when unchanged. */
export async function recordConsent(db: Database, contact: Contact, change: ConsentChange, transaction: Transaction): Promise<void> {
  if (contact.marketingConsent === change.status) return;
  contact.set({ marketingConsent: change.status, marketingConsentSource: change.source, marketingConsentAt: change.at });
  await contact.save({ transaction });
  await db.models.ContactConsentEvent.create(
    { tenantId: contact.tenantId, contactId: contact.id, status: change.status, source: change.source, evidence: change.evidence, actorUserId: change.actorUserId, createdAt: change.at },
    { transaction },
  );
}
