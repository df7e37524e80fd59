// Server-side sessions. The cookie carries a random 32-byte token; the database keeps only its SHA-256,
// the user, and a sliding 14-day expiry (moved forward at most once a minute per session).
import { createHash, randomBytes } from 'node:crypto';
import { Op, QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import type { UserRole } from '../../db/models/index.ts';
import type { SessionUser } from './request-auth.ts';

export const sessionCookieName = 'intellisend_session';
export const sessionLifetimeMs = 14 * 24 * 60 * 60 * 1000;
/** Sliding the expiry costs a write; once a minute per session is plenty. */
const touchIntervalMs = 60 * 1000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface CreatedSession {
  token: string;
  expiresAt: Date;
}

export async function createSession(db: Database, userId: string, now = new Date()): Promise<CreatedSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + sessionLifetimeMs);
  await db.models.Session.create({ tokenHash: hashSessionToken(token), userId, expiresAt, createdAt: now, lastSeenAt: now });
  // Expired sessions of anyone are swept here, where a write happens anyway (indexed on expires_at).
  await db.models.Session.destroy({ where: { expiresAt: { [Op.lt]: now } } }).catch(() => {});
  return { token, expiresAt };
}

export interface ActiveSession {
  id: string;
  user: SessionUser;
  expiresAt: Date;
  /** True when the expiry was moved forward by this lookup (the cookie should be re-sent). */
  renewed: boolean;
}

interface SessionRow {
  id: string;
  expires_at: Date;
  last_seen_at: Date;
  user_id: string;
  email: string;
  role: UserRole;
  tenant_id: string;
}

/** The live session for a cookie token, sliding its expiry; null when unknown or expired. */
export async function findSession(db: Database, token: string, now = new Date()): Promise<ActiveSession | null> {
  const [row] = await db.sequelize.query<SessionRow>(
    `SELECT s.id, s.expires_at, s.last_seen_at, u.id AS user_id, u.email, u.role, u.tenant_id
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = :hash`,
    { replacements: { hash: hashSessionToken(token) }, type: QueryTypes.SELECT },
  );
  if (!row) return null;
  if (row.expires_at.getTime() <= now.getTime()) {
    await db.sequelize.query('DELETE FROM sessions WHERE id = :id', { replacements: { id: row.id } });
    return null;
  }
  const user: SessionUser = { id: row.user_id, email: row.email, role: row.role, tenantId: row.tenant_id };
  if (now.getTime() - row.last_seen_at.getTime() < touchIntervalMs) {
    return { id: row.id, user, expiresAt: row.expires_at, renewed: false };
  }
  const expiresAt = new Date(now.getTime() + sessionLifetimeMs);
  await db.sequelize.query('UPDATE sessions SET last_seen_at = :now, expires_at = :expiresAt WHERE id = :id', {
    replacements: { id: row.id, now, expiresAt },
  });
  return { id: row.id, user, expiresAt, renewed: true };
}

/** Whether a session still exists and has not expired (long-lived streams re-check with this). */
export async function sessionIsLive(db: Database, sessionId: string): Promise<boolean> {
  const rows = await db.sequelize.query('SELECT 1 FROM sessions WHERE id = :id AND expires_at > now()', {
    replacements: { id: sessionId },
    type: QueryTypes.SELECT,
  });
  return rows.length > 0;
}

export async function deleteSession(db: Database, token: string): Promise<void> {
  await db.sequelize.query('DELETE FROM sessions WHERE token_hash = :hash', { replacements: { hash: hashSessionToken(token) } });
}
