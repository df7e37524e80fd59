// The people of a tenant: list, add, change a role, remove. A tenant always keeps at least one admin,
// checked under a lock on the tenant's admins so two admins demoting each other at once cannot both win.
import { UniqueConstraintError, type Transaction } from 'sequelize';
import { z } from 'zod';
import type { UserView } from '../../contract/settings.ts';
import type { Database } from '../../db/connection.ts';
import { normalizeEmail, userRoles, type User, type UserRole } from '../../db/models/index.ts';
import { hashPassword, passwordWeakness } from '../../secrets/password.ts';
import type { SessionUser } from '../auth/request-auth.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';

const roleSchema = z.enum(userRoles, { error: 'The role must be admin or csr.' });

export const newUserSchema = z.object(
  {
    email: z
      .string({ error: 'Enter an email address.' })
      .trim()
      .min(1, 'Enter an email address.')
      .max(320, 'The email address is too long.')
      .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'Enter an email address like name@company.com.'),
    password: z.string({ error: 'Enter a password.' }),
    role: roleSchema,
  },
  { error: 'must be a JSON object' },
);

export const roleChangeSchema = z.object({ role: roleSchema }, { error: 'must be a JSON object with a role' });


function present(user: User): UserView {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
}

export function userNotFound(): NotFoundError {
  return new NotFoundError('No such user.');
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function userIdOf(raw: unknown): string {
  if (typeof raw !== 'string' || !uuidPattern.test(raw)) throw userNotFound();
  return raw.toLowerCase();
}

export async function listUsers(db: Database, tenantId: string): Promise<UserView[]> {
  const users = await db.models.User.findAll({ where: { tenantId }, order: [['email', 'ASC']] });
  return users.map(present);
}

export async function addUser(db: Database, tenantId: string, input: z.output<typeof newUserSchema>): Promise<UserView> {
  const weakness = passwordWeakness(input.password);
  if (weakness) {
    const message = `The ${weakness}.`;
    throw new ValidationError(message.charAt(0).toUpperCase() + message.slice(1), { password: message.charAt(0).toUpperCase() + message.slice(1) });
  }
  const email = normalizeEmail(input.email);
  const taken = 'Someone already signs in with that email address.';
  if (await db.models.User.findOne({ where: { email }, attributes: ['id'] })) throw new ConflictError(taken);
  try {
    const user = await db.models.User.create({ tenantId, email, role: input.role, passwordHash: await hashPassword(input.password) });
    return present(user);
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw new ConflictError(taken);
    throw error;
  }
}

/** Locks the tenant's admins, then the target; answers how many admins there are. */
async function lockForChange(db: Database, tenantId: string, userId: string, transaction: Transaction): Promise<{ user: User; admins: number }> {
  const admins = await db.models.User.findAll({
    where: { tenantId, role: 'admin' },
    attributes: ['id'],
    order: [['id', 'ASC']],
    lock: transaction.LOCK.UPDATE,
    transaction,
  });
  const user = await db.models.User.findOne({ where: { id: userId, tenantId }, lock: transaction.LOCK.UPDATE, transaction });
  if (!user) throw userNotFound();
  return { user, admins: admins.length };
}

const lastAdmin = (who: string) =>
  `${who} the only admin of this company. Make someone else an admin first, so somebody can still manage settings and users.`;

export async function changeRole(db: Database, actor: SessionUser, userId: string, role: UserRole): Promise<UserView> {
  return db.sequelize.transaction(async (transaction) => {
    const { user, admins } = await lockForChange(db, actor.tenantId, userId, transaction);
    if (user.role === role) return present(user);
    if (user.role === 'admin' && role !== 'admin' && admins <= 1) {
      throw new ConflictError(lastAdmin(user.id === actor.id ? 'You are' : `${user.email} is`));
    }
    await user.update({ role }, { transaction });
    return present(user);
  });
}

export async function removeUser(db: Database, actor: SessionUser, userId: string): Promise<void> {
  await db.sequelize.transaction(async (transaction) => {
    const { user, admins } = await lockForChange(db, actor.tenantId, userId, transaction);
    if (user.role === 'admin' && admins <= 1) {
      throw new ConflictError(lastAdmin(user.id === actor.id ? 'You are' : `${user.email} is`));
    }
    // Signed out everywhere at once (the foreign key would cascade too; this says so).
    await db.models.Session.destroy({ where: { userId: user.id }, transaction });
    await user.destroy({ transaction });
  });
}
