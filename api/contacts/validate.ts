// Request parsing for the contacts API: zod schemas whose messages tell a person what to fix.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { marketingConsentStatuses } from '../../db/models/index.ts';

export const maxTags = 20;
const maxTagLength = 40;
const maxNameLength = 100;

const name = z
  .string({ error: 'must be text' })
  .trim()
  .max(maxNameLength, `must be at most ${maxNameLength} characters`)
  .transform((v) => (v === '' ? null : v))
  .nullable();

/** Tags compare case-insensitively: stored trimmed and lower-case, each once. */
export const tagsSchema = z
  .array(
    z
      .string({ error: 'each tag must be text' })
      .trim()
      .min(1, 'a tag cannot be empty')
      .max(maxTagLength, `a tag can be at most ${maxTagLength} characters`)
      .transform((t) => t.toLowerCase()),
    { error: 'must be a list of tags' },
  )
  .max(maxTags, `at most ${maxTags} tags`)
  .transform((tags) => [...new Set(tags)]);

const timeZone = z
  .string({ error: 'must be an IANA time zone such as America/Chicago' })
  .refine((z) => IANAZone.isValidZone(z), 'must be an IANA time zone such as America/Chicago')
  .nullable();

const email = z
  .string({ error: 'must be an email address' })
  .trim()
  .transform((v) => (v === '' ? null : v.toLowerCase()))
  .pipe(z.email('must be an email address').nullable())
  .nullable();

export const consentSchema = z
  .object(
    {
      status: z.enum(marketingConsentStatuses, { error: `must be one of ${marketingConsentStatuses.join(', ')}` }),
      evidence: z.string({ error: 'must be text' }).trim().max(500, 'must be at most 500 characters').optional(),
    },
    { error: 'must be an object with a status' },
  )
  .strict()
  .refine((c) => c.status !== 'granted' || (c.evidence ?? '').length >= 3, {
    message: 'say how the customer agreed to marketing texts (evidence), e.g. "signed service agreement"',
    path: ['evidence'],
  });

export const createContactSchema = z
  .object(
    {
      phone: z.string({ error: 'is required' }).trim().min(1, 'is required').max(40, 'is not a phone number'),
      firstName: name.optional(),
      lastName: name.optional(),
      email: email.optional(),
      tags: tagsSchema.optional(),
      timeZone: timeZone.optional(),
      marketingConsent: consentSchema.optional(),
    },
    { error: 'must be a JSON object' },
  )
  .strict();

export const updateContactSchema = z
  .object(
    {
      firstName: name.optional(),
      lastName: name.optional(),
      email: email.optional(),
      tags: tagsSchema.optional(),
      timeZone: timeZone.optional(),
      marketingConsent: consentSchema.optional(),
      optedOut: z.boolean({ error: 'must be true or false' }).optional(),
    },
    { error: 'must be a JSON object' },
  )
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');

export type ContactUpdate = z.output<typeof updateContactSchema>;

export const contactListQuerySchema = z.object({
  search: z.string({ error: 'must be given once' }).max(200, 'must be at most 200 characters').optional(),
  tag: z.string({ error: 'must be given once' }).trim().toLowerCase().max(maxTagLength).optional(),
  limit: z
    .string({ error: 'must be given once' })
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100'))
    .default(50),
  cursor: z.string({ error: 'must be given once' }).min(1).optional(),
});
