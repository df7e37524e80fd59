// Checks an email and password. Unknown emails are verified against a dummy hash so both failures take
// about as long and answer the same way.
import type { Database } from '../../db/connection.ts';
import { normalizeEmail } from '../../db/models/index.ts';
import { hashPassword, verifyPassword } from '../../secrets/password.ts';
import type { SessionUser } from './request-auth.ts';

let dummyHash: Promise<string> | null = null;
function dummy(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-only-for-timing');
  return dummyHash;
}

export async function checkCredentials(db: Database, email: string, password: string): Promise<SessionUser | null> {
  const user = await db.models.User.findOne({ where: { email: normalizeEmail(email) } });
  if (!user) {
    await verifyPassword(password, await dummy());
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, role: user.role, tenantId: user.tenantId };
}
