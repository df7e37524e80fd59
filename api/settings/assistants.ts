// Assistants settings: validation (per field), the commands, and the presenter. A phone number has at
// most one assistant (409 naming the number); the ServiceTitan tools are usable only while the
// tenant's ServiceTitan integration is enabled (a field error on `tools` says so).
import { IANAZone } from 'luxon';
import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { unknownPlaceholders } from '../../assistant/guardrails/first-sms.ts';
import { maxReplyChars } from '../../assistant/guardrails/split-reply.ts';
import {
  afterHoursChoices,
  assistantModes,
  bookingModes,
  weekdays,
  type AssistantTools,
  type AssistantView,
} from '../../contract/assistants.ts';
import type { Database } from '../../db/connection.ts';
import {
  deleteAssistant,
  findAssistant,
  insertAssistant,
  listAssistants,
  numbersForAssignment,
  setAssistantNumbers,
  updateAssistant,
  type AssistantFields,
  type AssistantRow,
} from '../../db/repositories/assistants.ts';
import { isUuid } from '../conversations/validate.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';

export const defaults = {
  firstSms: 'Hi {firstName}! This is {business}’s automated assistant.',
  handoffMessage: 'Thanks! A team member will text you back shortly.',
  sessionMinutes: 30,
  replyCap: 10,
  timeZone: 'America/New_York',
} as const;

const hhmm = z.string({ error: 'must be a time like 08:00' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 08:00');
const day = z
  .object({ open: hhmm, close: hhmm }, { error: 'must be {open, close} or null (closed)' })
  .strict()
  .refine((d) => d.open < d.close, 'must close after it opens')
  .nullable();
const businessHours = z.object(Object.fromEntries(weekdays.map((d) => [d, day])) as Record<(typeof weekdays)[number], typeof day>, {
  error: `must be an object with ${weekdays.join(', ')} (each {open, close} or null), or null for always open`,
}).strict();

const tools = z
  .object(
    {
      customerLookup: z.boolean({ error: 'must be true or false' }),
      jobStatus: z.boolean({ error: 'must be true or false' }),
      availability: z.boolean({ error: 'must be true or false' }),
      booking: z.boolean({ error: 'must be true or false' }),
    },
    { error: 'must be {customerLookup, jobStatus, availability, booking} (booleans)' },
  )
  .strict();

const fields = {
  name: z.string({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(80, 'A name can be at most 80 characters.'),
  enabled: z.boolean({ error: 'must be true or false' }),
  mode: z.enum(assistantModes, { error: `must be one of ${assistantModes.join(', ')}` }),
  firstSms: z
    .string({ error: 'must be text' })
    .trim()
    .max(maxReplyChars, `The first SMS can be at most ${maxReplyChars} characters.`)
    .refine((t) => unknownPlaceholders(t).length === 0, { error: 'Only the placeholders {business} and {firstName} can be used.' }),
  smsPrompt: z.string({ error: 'must be text' }).max(4000, 'The SMS prompt can be at most 4,000 characters.'),
  sessionMinutes: z.number({ error: 'must be a number of minutes' }).int('must be whole minutes').min(1, 'must be 1 to 1440 minutes').max(1440, 'must be 1 to 1440 minutes'),
  handoffMessage: z.string({ error: 'must be text' }).trim().min(1, 'Write the message customers get when a person takes over.').max(maxReplyChars, `can be at most ${maxReplyChars} characters`),
  tools,
  bookingMode: z.enum(bookingModes, { error: `must be one of ${bookingModes.join(', ')}` }),
  phoneNumberIds: z.array(z.string({ error: 'must be phone number ids' }), { error: 'must be a list of phone number ids' }).max(50),
  timeZone: z.string({ error: 'must be a time zone' }).refine((zone) => IANAZone.isValidZone(zone), 'must be a time zone like America/Chicago'),
  businessHours: businessHours.nullable(),
  afterHours: z.enum(afterHoursChoices, { error: `must be one of ${afterHoursChoices.join(', ')}` }),
  afterHoursMessage: z.string({ error: 'must be text' }).trim().max(maxReplyChars, `can be at most ${maxReplyChars} characters`),
  replyCap: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1 to 100').max(100, 'must be 1 to 100'),
};

export const newAssistantSchema = z
  .object({ ...fields, name: fields.name }, { error: 'must be a JSON object' })
  .partial()
  .required({ name: true })
  .strict();
export const assistantPatchSchema = z.object(fields, { error: 'must be a JSON object' }).partial().strict();

export type NewAssistantInput = z.output<typeof newAssistantSchema>;
export type AssistantPatch = z.output<typeof assistantPatchSchema>;

export function present(row: AssistantRow): AssistantView {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    mode: row.mode,
    firstSms: row.firstSms,
    smsPrompt: row.smsPrompt,
    sessionMinutes: row.sessionMinutes,
    handoffMessage: row.handoffMessage,
    tools: row.tools,
    bookingMode: row.bookingMode,
    phoneNumberIds: row.phoneNumberIds,
    timeZone: row.timeZone,
    businessHours: row.businessHours,
    afterHours: row.afterHours,
    afterHoursMessage: row.afterHoursMessage,
    replyCap: row.replyCap,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export const assistantNotFound = () => new NotFoundError('No such assistant.');

export function assistantIdOf(raw: unknown): string {
  if (typeof raw !== 'string' || !isUuid(raw)) throw assistantNotFound();
  return raw.toLowerCase();
}

async function serviceTitanEnabled(db: Database, tenantId: string): Promise<boolean> {
  const config = await db.models.ServiceTitanConfig.findOne({ where: { tenantId }, attributes: ['enabled'] });
  return config?.enabled === true;
}

const anyTool = (t: AssistantTools) => t.customerLookup || t.jobStatus || t.availability || t.booking;
const noTools: AssistantTools = { customerLookup: false, jobStatus: false, availability: false, booking: false };
const allTools: AssistantTools = { customerLookup: true, jobStatus: true, availability: true, booking: true };

/** Rules across fields, checked on the assistant as it would be saved. */
function crossFieldErrors(next: AssistantFields, toolsGiven: boolean, stEnabled: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  if (toolsGiven && anyTool(next.tools) && !stEnabled) {
    errors.tools = 'The ServiceTitan tools can be used only while the ServiceTitan integration is enabled (Settings → ServiceTitan).';
  }
  if (next.afterHours === 'message' && !next.afterHoursMessage) errors.afterHoursMessage = 'Write the message sent after hours.';
  return errors;
}

function throwIfAny(errors: Record<string, string>): void {
  const [first] = Object.entries(errors);
  if (first) throw new ValidationError(`${first[0]}: ${first[1]}`, errors);
}

export async function listTenantAssistants(db: Database, tenantId: string): Promise<AssistantView[]> {
  return (await listAssistants(db, tenantId)).map(present);
}

async function assignNumbers(db: Database, tenantId: string, assistantId: string, ids: readonly string[], transaction: Parameters<typeof setAssistantNumbers>[4]) {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  const bad = unique.find((id) => !isUuid(id));
  if (bad !== undefined) throw new ValidationError('phoneNumberIds: not a phone number of this company', { phoneNumberIds: `${bad.slice(0, 40)} is not a phone number of this company.` });
  const found = await numbersForAssignment(db, tenantId, unique, transaction);
  const missing = unique.find((id) => !found.some((n) => n.id === id));
  if (missing !== undefined) throw new ValidationError('phoneNumberIds: not a phone number of this company', { phoneNumberIds: `${missing} is not a phone number of this company.` });
  const taken = found.find((n) => n.assistantId !== null && n.assistantId !== assistantId);
  if (taken) throw new ConflictError(`${taken.phone} already has an assistant (${taken.assistantName ?? 'another'}). A number can have only one.`);
  await setAssistantNumbers(db, tenantId, assistantId, unique, transaction);
}

function conflictFromRace(error: unknown): never {
  if (error instanceof UniqueConstraintError) throw new ConflictError('One of these numbers already has an assistant. A number can have only one.');
  throw error;
}

export async function createTenantAssistant(db: Database, tenantId: string, input: NewAssistantInput): Promise<AssistantView> {
  const stEnabled = await serviceTitanEnabled(db, tenantId);
  const next: AssistantFields = {
    name: input.name,
    enabled: input.enabled ?? false,
    mode: input.mode ?? 'auto',
    firstSms: input.firstSms ?? defaults.firstSms,
    smsPrompt: input.smsPrompt ?? '',
    sessionMinutes: input.sessionMinutes ?? defaults.sessionMinutes,
    handoffMessage: input.handoffMessage ?? defaults.handoffMessage,
    // Without ServiceTitan the tools start off; with it, on.
    tools: input.tools ?? (stEnabled ? allTools : noTools),
    bookingMode: input.bookingMode ?? 'request',
    timeZone: input.timeZone ?? defaults.timeZone,
    businessHours: input.businessHours ?? null,
    afterHours: input.afterHours ?? 'answer',
    afterHoursMessage: input.afterHoursMessage ?? '',
    replyCap: input.replyCap ?? defaults.replyCap,
  };
  throwIfAny(crossFieldErrors(next, input.tools !== undefined, stEnabled));
  const id = await db.sequelize
    .transaction(async (transaction) => {
      const created = await insertAssistant(db, tenantId, next, transaction);
      await assignNumbers(db, tenantId, created, input.phoneNumberIds ?? [], transaction);
      return created;
    })
    .catch(conflictFromRace);
  return present((await findAssistant(db, tenantId, id))!);
}

export async function updateTenantAssistant(db: Database, tenantId: string, id: string, patch: AssistantPatch): Promise<AssistantView> {
  const current = await findAssistant(db, tenantId, id);
  if (!current) throw assistantNotFound();
  const { phoneNumberIds, ...rest } = patch;
  const next: AssistantFields = { ...current, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) } as AssistantFields;
  throwIfAny(crossFieldErrors(next, patch.tools !== undefined, await serviceTitanEnabled(db, tenantId)));
  await db.sequelize
    .transaction(async (transaction) => {
      await updateAssistant(db, tenantId, id, rest, transaction);
      if (phoneNumberIds !== undefined) await assignNumbers(db, tenantId, id, phoneNumberIds, transaction);
    })
    .catch(conflictFromRace);
  return present((await findAssistant(db, tenantId, id))!);
}

export async function deleteTenantAssistant(db: Database, tenantId: string, id: string): Promise<void> {
  if (!(await deleteAssistant(db, tenantId, id))) throw assistantNotFound();
}
