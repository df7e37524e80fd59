// Assistants and the numbers they answer, and sandbox sessions: the SQL of the assistants API.
// Every query names the tenant: an id of another tenant finds nothing.
import { QueryTypes, type Transaction } from 'sequelize';
import type { AfterHours, AssistantMode, AssistantTools, BookingMode, BusinessHours } from '../../contract/assistants.ts';
import type { Database } from '../connection.ts';

export interface AssistantRow {
  id: string;
  tenantId: string;
  name: string;
  enabled: boolean;
  mode: AssistantMode;
  firstSms: string;
  smsPrompt: string;
  sessionMinutes: number;
  handoffMessage: string;
  tools: AssistantTools;
  bookingMode: BookingMode;
  timeZone: string;
  businessHours: BusinessHours | null;
  afterHours: AfterHours;
  afterHoursMessage: string;
  replyCap: number;
  phoneNumberIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type AssistantFields = Omit<AssistantRow, 'id' | 'tenantId' | 'phoneNumberIds' | 'createdAt' | 'updatedAt'>;

const columns: Record<keyof AssistantFields, string> = {
  name: 'name',
  enabled: 'enabled',
  mode: 'mode',
  firstSms: 'first_sms',
  smsPrompt: 'sms_prompt',
  sessionMinutes: 'session_minutes',
  handoffMessage: 'handoff_message',
  tools: 'tools',
  bookingMode: 'booking_mode',
  timeZone: 'time_zone',
  businessHours: 'business_hours',
  afterHours: 'after_hours',
  afterHoursMessage: 'after_hours_message',
  replyCap: 'reply_cap',
};
const jsonColumns = new Set<keyof AssistantFields>(['tools', 'businessHours']);

const select = `
SELECT a.id, a.tenant_id AS "tenantId", a.name, a.enabled, a.mode, a.first_sms AS "firstSms", a.sms_prompt AS "smsPrompt",
  a.session_minutes AS "sessionMinutes", a.handoff_message AS "handoffMessage", a.tools, a.booking_mode AS "bookingMode",
  a.time_zone AS "timeZone", a.business_hours AS "businessHours", a.after_hours AS "afterHours",
  a.after_hours_message AS "afterHoursMessage", a.reply_cap AS "replyCap", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
  COALESCE((SELECT array_agg(p.phone_number_id::text ORDER BY p.phone_number_id) FROM assistant_phone_numbers p WHERE p.assistant_id = a.id), '{}') AS "phoneNumberIds"
FROM assistants a`;

export async function listAssistants(db: Database, tenantId: string): Promise<AssistantRow[]> {
  return db.sequelize.query<AssistantRow>(`${select} WHERE a.tenant_id = :tenantId ORDER BY a.created_at, a.id`, {
    replacements: { tenantId },
    type: QueryTypes.SELECT,
  });
}

export async function findAssistant(db: Database, tenantId: string, id: string, transaction?: Transaction): Promise<AssistantRow | null> {
  const [row] = await db.sequelize.query<AssistantRow>(`${select} WHERE a.tenant_id = :tenantId AND a.id = :id`, {
    replacements: { tenantId, id },
    type: QueryTypes.SELECT,
    ...(transaction ? { transaction } : {}),
  });
  return row ?? null;
}

/** The tenant's numbers among `ids` (locked), with the assistant each already has, if any. */
export async function numbersForAssignment(db: Database, tenantId: string, ids: readonly string[], transaction: Transaction) {
  if (ids.length === 0) return [];
  return db.sequelize.query<{ id: string; phone: string; assistantId: string | null; assistantName: string | null }>(
    `SELECT n.id, n.phone, p.assistant_id AS "assistantId", a.name AS "assistantName"
     FROM phone_numbers n
     LEFT JOIN assistant_phone_numbers p ON p.phone_number_id = n.id
     LEFT JOIN assistants a ON a.id = p.assistant_id
     WHERE n.tenant_id = :tenantId AND n.id IN (:ids)
     ORDER BY n.id
     FOR UPDATE OF n`,
    { replacements: { tenantId, ids: [...ids] }, type: QueryTypes.SELECT, transaction },
  );
}

function values(fields: Partial<AssistantFields>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields) as Array<[keyof AssistantFields, unknown]>) {
    if (value !== undefined) out[key] = jsonColumns.has(key) ? JSON.stringify(value) : value;
  }
  return out;
}

export async function insertAssistant(db: Database, tenantId: string, fields: AssistantFields, transaction: Transaction): Promise<string> {
  const v = values(fields);
  const keys = Object.keys(v) as Array<keyof AssistantFields>;
  const [rows] = await db.sequelize.query(
    `INSERT INTO assistants (tenant_id, ${keys.map((k) => columns[k]).join(', ')})
     VALUES (:tenantId, ${keys.map((k) => (jsonColumns.has(k) ? `CAST(:${k} AS jsonb)` : `:${k}`)).join(', ')}) RETURNING id`,
    { replacements: { tenantId, ...v }, transaction },
  );
  return (rows as Array<{ id: string }>)[0]!.id;
}

export async function updateAssistant(db: Database, tenantId: string, id: string, fields: Partial<AssistantFields>, transaction: Transaction): Promise<void> {
  const v = values(fields);
  const keys = Object.keys(v) as Array<keyof AssistantFields>;
  const sets = keys.map((k) => `${columns[k]} = ${jsonColumns.has(k) ? `CAST(:${k} AS jsonb)` : `:${k}`}`);
  await db.sequelize.query(`UPDATE assistants SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE tenant_id = :tenantId AND id = :id`, {
    replacements: { tenantId, id, ...v },
    transaction,
  });
}

export async function setAssistantNumbers(db: Database, tenantId: string, id: string, phoneNumberIds: readonly string[], transaction: Transaction): Promise<void> {
  await db.sequelize.query('DELETE FROM assistant_phone_numbers WHERE assistant_id = :id', { replacements: { id }, transaction });
  for (const phoneNumberId of phoneNumberIds) {
    await db.sequelize.query('INSERT INTO assistant_phone_numbers (phone_number_id, assistant_id, tenant_id) VALUES (:phoneNumberId, :id, :tenantId)', {
      replacements: { phoneNumberId, id, tenantId },
      transaction,
    });
  }
}

export async function deleteAssistant(db: Database, tenantId: string, id: string): Promise<boolean> {
  const [rows] = await db.sequelize.query('DELETE FROM assistants WHERE tenant_id = :tenantId AND id = :id RETURNING id', { replacements: { tenantId, id } });
  return (rows as unknown[]).length > 0;
}

export interface SandboxSessionRow {
  id: string;
  fromPhone: string;
  messages: unknown[];
  updatedAt: Date;
  expiresAt: Date;
}

export async function findSandboxSession(db: Database, tenantId: string, assistantId: string, id: string): Promise<SandboxSessionRow | null> {
  const [row] = await db.sequelize.query<SandboxSessionRow>(
    `SELECT id, from_phone AS "fromPhone", messages, updated_at AS "updatedAt", expires_at AS "expiresAt"
     FROM assistant_sandbox_sessions WHERE tenant_id = :tenantId AND assistant_id = :assistantId AND id = :id AND expires_at > now()`,
    { replacements: { tenantId, assistantId, id }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}

/** Stores the session's messages and pushes its expiry; expired sessions of any tenant are removed on the way. */
export async function saveSandboxSession(
  db: Database,
  session: { id: string | null; tenantId: string; assistantId: string; fromPhone: string; messages: unknown[]; ttlMinutes: number },
): Promise<string> {
  await db.sequelize.query('DELETE FROM assistant_sandbox_sessions WHERE expires_at <= now()');
  const replacements = { ...session, messages: JSON.stringify(session.messages) };
  if (session.id) {
    await db.sequelize.query(
      `UPDATE assistant_sandbox_sessions SET messages = CAST(:messages AS jsonb), updated_at = now(), expires_at = now() + make_interval(mins => :ttlMinutes)
       WHERE id = :id AND tenant_id = :tenantId`,
      { replacements },
    );
    return session.id;
  }
  const [rows] = await db.sequelize.query(
    `INSERT INTO assistant_sandbox_sessions (tenant_id, assistant_id, from_phone, messages, expires_at)
     VALUES (:tenantId, :assistantId, :fromPhone, CAST(:messages AS jsonb), now() + make_interval(mins => :ttlMinutes)) RETURNING id`,
    { replacements },
  );
  return (rows as Array<{ id: string }>)[0]!.id;
}
