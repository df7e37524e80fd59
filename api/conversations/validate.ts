// Request parsing for the inbox routes: zod schemas, and 400s that say what to fix.
import { z } from 'zod';
import { conversationCategories } from '../../db/models/index.ts';
import { ValidationError } from '../errors.ts';
import { uuidPattern } from './cursor.ts';
import { inboxTabs, statusFilters } from './find-conversations.ts';
import { maxSearchLength } from './search.ts';
import { maxReplyLength } from './send-reply.ts';

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'body'] ??= issue.message;
  const [first] = parsed.error.issues;
  const message = first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'The request is invalid.';
  throw new ValidationError(message, fields);
}

export const listQuerySchema = z.object({
  tab: z.enum(inboxTabs, { error: `must be one of ${inboxTabs.join(', ')}` }).default('engaged'),
  status: z.enum(statusFilters, { error: `must be one of ${statusFilters.join(', ')}` }).default('open'),
  search: z.string({ error: 'must be given once' }).max(maxSearchLength, `must be at most ${maxSearchLength} characters`).optional(),
  limit: z
    .string({ error: 'must be given once' })
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100'))
    .default(30),
  cursor: z.string({ error: 'must be given once' }).min(1).optional(),
});

export const correctionSchema = z
  .object(
    {
      category: z.enum(conversationCategories, { error: `must be one of ${conversationCategories.join(', ')}` }).optional(),
      needsAttention: z.boolean({ error: 'must be true or false' }).optional(),
    },
    { error: 'must be a JSON object' },
  )
  .strict()
  .refine((v) => v.category !== undefined || v.needsAttention !== undefined, 'give category, needsAttention or both');

export const replySchema = z
  .object({ body: z.string({ error: 'must be a string' }) }, { error: 'must be a JSON object with a body' })
  .transform((v) => v.body.trim())
  .pipe(
    z
      .string()
      .min(1, 'write a message before sending')
      .max(maxReplyLength, `a text message can be at most ${maxReplyLength} characters`),
  );

/** Conversation ids are UUIDs; anything else cannot exist (404, not a database error). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** Take over / hand back: no fields; an empty JSON object (or no body) only. */
export const assistantSessionChangeSchema = z.object({}, { error: 'must be an empty JSON object (or no body)' }).strict().optional();
