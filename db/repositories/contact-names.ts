import type { Database } from '../connection.ts';

/**
 * ServiceTitan's customer lookup found the texting customer: fill the contact's empty first/last name
 * from the customer's name ("Maria Lopez" → Maria / Lopez; a single word is the first name). A name a
 * person already entered is never overwritten.
 */
export async function fillContactName(db: Database, contactId: string, fullName: string): Promise<void> {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return;
  const [first, ...rest] = words;
  await db.sequelize.query(
    `UPDATE contacts SET first_name = :first, last_name = :last, updated_at = now()
      WHERE id = :contactId AND COALESCE(first_name, '') = '' AND COALESCE(last_name, '') = ''`,
    { replacements: { contactId, first, last: rest.length > 0 ? rest.join(' ') : null } },
  );
}
