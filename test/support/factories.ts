// Realistic rows for tests, unique per call. Secrets are sealed exactly as the app seals them and the
// plain values are handed back so a test can sign or authenticate with them.
import { randomBytes, randomInt } from 'node:crypto';
import type { CreationAttributes, Model } from 'sequelize';
import type { Database } from '../../db/connection.ts';
import type {
  Contact,
  Conversation,
  Message,
  PhoneNumber,
  ServiceTitanConfig,
  Tenant,
  User,
  UserRole,
} from '../../db/models/index.ts';
import { hashPassword } from '../../secrets/password.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';

let sequence = 0;
function next(): number {
  sequence += 1;
  return sequence;
}

/** +1555 plus 7 digits: unique within a process (each test file has its own database). */
const phoneBase = randomInt(0, 5_000_000);
export function uniquePhone(): string {
  return `+1555${String((phoneBase + next()) % 10_000_000).padStart(7, '0')}`;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function twilioAccountSid(): string {
  return `AC${hex(16)}`;
}

export function twilioMessageSid(): string {
  return `SM${hex(16)}`;
}

const firstNames = ['Maria', 'James', 'Aisha', 'Chen', 'Olivia', 'Diego', 'Priya', 'Noah'];
const lastNames = ['Garcia', 'Smith', 'Okafor', 'Wang', 'Johnson', 'Rossi', 'Patel', 'Nguyen'];
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)] as T;

type Overrides<M extends Model> = Partial<CreationAttributes<M>>;

export interface CreatedTenant {
  tenant: Tenant;
  /** The plain Twilio auth token (the row holds it sealed). */
  authToken: string;
}

export async function createTenant(
  db: Database,
  box: SecretBox,
  overrides: Omit<Overrides<Tenant>, 'twilioAuthToken'> & { authToken?: string } = {},
): Promise<CreatedTenant> {
  const { authToken = hex(16), ...rest } = overrides;
  const n = next();
  const tenant = await db.models.Tenant.create({
    name: `${pick(['Acme', 'Summit', 'Blue Ridge', 'Evergreen'])} ${pick(['Plumbing', 'HVAC', 'Electric', 'Roofing'])} ${n}`,
    twilioAccountSid: twilioAccountSid(),
    twilioAuthToken: box.seal(authToken),
    ...rest,
  });
  return { tenant, authToken };
}

export async function createPhoneNumber(
  db: Database,
  attrs: { tenantId: string } & Overrides<PhoneNumber>,
): Promise<PhoneNumber> {
  return db.models.PhoneNumber.create({ phone: uniquePhone(), label: `Line ${next()}`, ...attrs });
}

export interface CreatedUser {
  user: User;
  /** The plain password, to log in with. */
  password: string;
}

export async function createUser(
  db: Database,
  attrs: { tenantId: string; role?: UserRole; email?: string; password?: string },
): Promise<CreatedUser> {
  const { password = `pw-${hex(8)}`, role = 'admin', email = `user${next()}-${hex(3)}@example.com`, tenantId } = attrs;
  const user = await db.models.User.create({ tenantId, email, role, passwordHash: await hashPassword(password) });
  return { user, password };
}

export async function createContact(db: Database, attrs: { tenantId: string } & Overrides<Contact>): Promise<Contact> {
  return db.models.Contact.create({
    phone: uniquePhone(),
    firstName: pick(firstNames),
    lastName: pick(lastNames),
    ...attrs,
  });
}

/** Creates the contact and the tenant's number too when they are not given. */
export async function createConversation(
  db: Database,
  attrs: { tenantId: string } & Overrides<Conversation>,
): Promise<Conversation> {
  const contactId = attrs.contactId ?? (await createContact(db, { tenantId: attrs.tenantId })).id;
  const phoneNumberId = attrs.phoneNumberId ?? (await createPhoneNumber(db, { tenantId: attrs.tenantId })).id;
  return db.models.Conversation.create({ ...attrs, contactId, phoneNumberId });
}

/**
 * Adds a message and, like the real pipeline, moves the conversation's lastMessageAt forward.
 * Pass `createdAt` to place it in time (ordering tests).
 */
export async function createMessage(
  db: Database,
  attrs: { conversationId: string } & Overrides<Message>,
): Promise<Message> {
  const conversation = await db.models.Conversation.findByPk(attrs.conversationId, { rejectOnEmpty: true });
  const direction = attrs.direction ?? 'inbound';
  const message = await db.models.Message.create({
    tenantId: conversation.tenantId,
    direction,
    body: direction === 'inbound' ? 'Hi, my AC stopped blowing cold air. Can someone come out this week?' : 'Sure! What day works for you?',
    status: direction === 'inbound' ? 'received' : 'sent',
    twilioSid: twilioMessageSid(),
    ...attrs,
  });
  if (!conversation.lastMessageAt || conversation.lastMessageAt < message.createdAt) {
    await conversation.update({ lastMessageAt: message.createdAt });
  }
  return message;
}

export interface CreatedServiceTitanConfig {
  config: ServiceTitanConfig;
  clientSecret: string;
  appKey: string;
}

/** A complete, enabled integration-environment config unless overridden. */
export async function createServiceTitanConfig(
  db: Database,
  box: SecretBox,
  attrs: { tenantId: string; clientSecret?: string; appKey?: string } & Omit<Overrides<ServiceTitanConfig>, 'clientSecret' | 'appKey'>,
): Promise<CreatedServiceTitanConfig> {
  const { clientSecret = `cs.${hex(16)}`, appKey = `ak1.${hex(16)}`, ...rest } = attrs;
  const config = await db.models.ServiceTitanConfig.create({
    environment: 'integration',
    tenantApiBaseUrl: 'https://api-integration.servicetitan.io',
    authUrl: 'https://auth-integration.servicetitan.io',
    serviceTitanTenantId: String(randomInt(100_000_000, 999_999_999)),
    clientId: `cid.${hex(12)}`,
    clientSecret: box.seal(clientSecret),
    appKey: box.seal(appKey),
    bookingProvider: String(randomInt(1_000_000, 9_999_999)),
    enabled: true,
    ...rest,
  });
  return { config, clientSecret, appKey };
}
