import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForeignKeyConstraintError, UniqueConstraintError, DatabaseError, ValidationError } from 'sequelize';
import { SecretBox } from '../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import {
  createContact,
  createConversation,
  createMessage,
  createPhoneNumber,
  createServiceTitanConfig,
  createTenant,
  createUser,
  twilioMessageSid,
  uniquePhone,
} from '../test/support/factories.ts';
import { defaultHelpReply } from './models/index.ts';

const box = new SecretBox(randomBytes(32).toString('base64'));
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('tenants', () => {
  it('default to a help reply that fits one SMS segment and holds the auth token sealed', async () => {
    const { tenant, authToken } = await createTenant(t.db, box);
    expect(tenant.helpReply).toBe(defaultHelpReply);
    expect(defaultHelpReply.length).toBeLessThanOrEqual(160);
    expect(tenant.twilioAuthToken).not.toContain(authToken);
    expect(box.open(tenant.twilioAuthToken!)).toBe(authToken);
    const fromDb = await t.db.models.Tenant.findByPk(tenant.id, { rejectOnEmpty: true });
    expect(fromDb.helpReply).toBe(defaultHelpReply);
  });
});

describe('phone numbers', () => {
  it('are unique across all tenants', async () => {
    const a = await createTenant(t.db, box);
    const b = await createTenant(t.db, box);
    const n = await createPhoneNumber(t.db, { tenantId: a.tenant.id });
    await expect(createPhoneNumber(t.db, { tenantId: b.tenant.id, phone: n.phone })).rejects.toBeInstanceOf(UniqueConstraintError);
  });

  it('must be E.164', async () => {
    const { tenant } = await createTenant(t.db, box);
    await expect(createPhoneNumber(t.db, { tenantId: tenant.id, phone: '555-0100' })).rejects.toBeInstanceOf(DatabaseError);
  });
});

describe('contacts', () => {
  it('are unique per tenant, not globally', async () => {
    const a = await createTenant(t.db, box);
    const b = await createTenant(t.db, box);
    const c = await createContact(t.db, { tenantId: a.tenant.id });
    await expect(createContact(t.db, { tenantId: a.tenant.id, phone: c.phone })).rejects.toBeInstanceOf(UniqueConstraintError);
    const other = await createContact(t.db, { tenantId: b.tenant.id, phone: c.phone });
    expect(other.phone).toBe(c.phone);
    expect(other.optedOut).toBe(false);
    expect(other.optedOutAt).toBeNull();
  });
});

describe('users', () => {
  it('store emails lower-case and unique regardless of case', async () => {
    const { tenant } = await createTenant(t.db, box);
    const { user } = await createUser(t.db, { tenantId: tenant.id, email: '  Dana.Dispatch@Example.COM ' });
    expect(user.email).toBe('dana.dispatch@example.com');
    await expect(createUser(t.db, { tenantId: tenant.id, email: 'DANA.dispatch@example.com' })).rejects.toBeInstanceOf(
      UniqueConstraintError,
    );
  });

  it('refuse an unknown role', async () => {
    const { tenant } = await createTenant(t.db, box);
    await expect(
      t.db.models.User.create({ tenantId: tenant.id, email: 'x@example.com', passwordHash: 'h', role: 'owner' as 'admin' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('conversations and messages', () => {
  it('have the documented defaults', async () => {
    const { tenant } = await createTenant(t.db, box);
    const conversation = await createConversation(t.db, { tenantId: tenant.id });
    await conversation.reload();
    expect(conversation).toMatchObject({
      category: 'engaged',
      needsAttention: false,
      lastMessageAt: null,
      bookingStatus: 'none',
      bookingAttempts: 0,
      classificationSource: null,
      serviceTitanBookingId: null,
    });
    const message = await createMessage(t.db, { conversationId: conversation.id });
    await message.reload();
    expect(message).toMatchObject({ direction: 'inbound', status: 'received', numMedia: 0, mediaUrls: [], tenantId: tenant.id });
    await conversation.reload();
    expect(conversation.lastMessageAt).toEqual(message.createdAt);
  });

  it('allow one conversation per (tenant, our number, contact)', async () => {
    const { tenant } = await createTenant(t.db, box);
    const first = await createConversation(t.db, { tenantId: tenant.id });
    await expect(
      createConversation(t.db, { tenantId: tenant.id, contactId: first.contactId, phoneNumberId: first.phoneNumberId }),
    ).rejects.toBeInstanceOf(UniqueConstraintError);
  });

  it('keep a Twilio message SID unique, so a webhook delivered twice is stored once', async () => {
    const { tenant } = await createTenant(t.db, box);
    const conversation = await createConversation(t.db, { tenantId: tenant.id });
    const twilioSid = twilioMessageSid();
    await createMessage(t.db, { conversationId: conversation.id, twilioSid });
    await expect(createMessage(t.db, { conversationId: conversation.id, twilioSid })).rejects.toBeInstanceOf(UniqueConstraintError);
  });

  it('are checked by the database, not only by the model', async () => {
    const { tenant } = await createTenant(t.db, box);
    const conversation = await createConversation(t.db, { tenantId: tenant.id });
    const update = (set: string) =>
      t.db.sequelize.query(`UPDATE conversations SET ${set} WHERE id = :id`, { replacements: { id: conversation.id } });
    await expect(update(`category = 'spam'`)).rejects.toThrow(/conversations_category_check/);
    await expect(update(`booking_status = 'done'`)).rejects.toThrow(/conversations_booking_status_check/);
    await expect(update(`classification_source = 'magic'`)).rejects.toThrow(/conversations_classification_source_check/);
    await update(`booking_status = 'retrying', category = 'complaint', classification_source = 'fallback'`);
    await expect(
      t.db.sequelize.query(
        `INSERT INTO messages (tenant_id, conversation_id, direction, body, status) VALUES (:t, :c, 'inbound', 'hi', 'sent')`,
        { replacements: { t: tenant.id, c: conversation.id } },
      ),
    ).rejects.toThrow(/messages_inbound_status_check/);
  });

  it('load their contact, number and messages through the associations', async () => {
    const { tenant } = await createTenant(t.db, box);
    const conversation = await createConversation(t.db, { tenantId: tenant.id });
    await createMessage(t.db, { conversationId: conversation.id });
    await createMessage(t.db, { conversationId: conversation.id, direction: 'outbound', body: 'On our way!' });
    const loaded = await t.db.models.Conversation.findByPk(conversation.id, {
      include: ['contact', 'phoneNumber', 'messages'],
      rejectOnEmpty: true,
    });
    expect(loaded.contact?.id).toBe(conversation.contactId);
    expect(loaded.phoneNumber?.id).toBe(conversation.phoneNumberId);
    expect(loaded.messages?.map((m) => m.direction).sort()).toEqual(['inbound', 'outbound']);
  });

  it('refuse a conversation for a contact that does not exist', async () => {
    const { tenant } = await createTenant(t.db, box);
    await expect(
      createConversation(t.db, { tenantId: tenant.id, contactId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toBeInstanceOf(ForeignKeyConstraintError);
  });
});

describe('ServiceTitan configs', () => {
  it('save a partial config while disabled', async () => {
    const { tenant } = await createTenant(t.db, box);
    const config = await t.db.models.ServiceTitanConfig.create({ tenantId: tenant.id, clientId: 'only-this' });
    await config.reload();
    expect(config).toMatchObject({ environment: 'production', enabled: false, clientSecret: null, appKey: null });
  });

  it('cannot be enabled while incomplete, and are one per tenant', async () => {
    const { tenant } = await createTenant(t.db, box);
    await expect(
      t.db.models.ServiceTitanConfig.create({ tenantId: tenant.id, enabled: true, clientId: 'x' }),
    ).rejects.toThrow(/servicetitan_configs_enabled_complete_check/);
    await createServiceTitanConfig(t.db, box, { tenantId: tenant.id });
    await expect(createServiceTitanConfig(t.db, box, { tenantId: tenant.id })).rejects.toBeInstanceOf(UniqueConstraintError);
  });
});

describe('messages', () => {
  it('get their author and episode from the database when a writer leaves them out', async () => {
    const { tenant } = await createTenant(t.db, box);
    const number = await createPhoneNumber(t.db, { tenantId: tenant.id, phone: uniquePhone() });
    const contact = await t.db.models.Contact.create({ tenantId: tenant.id, phone: uniquePhone() });
    const conversation = await t.db.models.Conversation.create({ tenantId: tenant.id, contactId: contact.id, phoneNumberId: number.id, episode: 3 });
    const base = { tenantId: tenant.id, conversationId: conversation.id, body: 'x' };
    const inbound = await t.db.models.Message.create({ ...base, direction: 'inbound', status: 'received', twilioSid: twilioMessageSid() });
    const automated = await t.db.models.Message.create({ ...base, direction: 'outbound', status: 'queued' });
    await Promise.all([inbound.reload(), automated.reload()]);
    expect([inbound.author, inbound.episode, inbound.relayPending]).toEqual(['customer', 3, false]);
    expect([automated.author, automated.episode]).toEqual(['system', 3]);
  });
});

describe('two databases in one process', () => {
  it('keep their own model bindings', async () => {
    const other = await createTestDatabase();
    try {
      await createTenant(other.db, box, { name: 'Only in the other database' });
      expect(await other.db.models.Tenant.count({ where: { name: 'Only in the other database' } })).toBe(1);
      expect(await t.db.models.Tenant.count({ where: { name: 'Only in the other database' } })).toBe(0);
    } finally {
      await other.drop();
    }
  });
});

describe('factories', () => {
  it('place a message in time when given createdAt, moving lastMessageAt with it', async () => {
    const { tenant } = await createTenant(t.db, box);
    const conversation = await createConversation(t.db, { tenantId: tenant.id });
    const at = new Date('2025-03-04T05:06:07.000Z');
    const message = await createMessage(t.db, { conversationId: conversation.id, createdAt: at });
    await message.reload();
    expect(message.createdAt.toISOString()).toBe(at.toISOString());
    await conversation.reload();
    expect(conversation.lastMessageAt?.toISOString()).toBe(at.toISOString());
  });
});
