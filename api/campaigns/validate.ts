// Request parsing for the campaigns API: zod schemas whose messages tell a person what to fix. Unknown merge
// fields ({frist}) are refused here, not discovered in 5,000 customers' phones.
import { z } from 'zod';
import { unknownPlaceholders } from '../../domain/campaigns/campaign-message.ts';
import { tagsSchema } from '../contacts/validate.ts';

/** Twilio's limit for one message body; the STOP line must still fit. */
export const maxCampaignBodyLength = 1500;

export const campaignBodySchema = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'write the message')
  .max(maxCampaignBodyLength, `must be at most ${maxCampaignBodyLength} characters`)
  .superRefine((body, ctx) => {
    const unknown = unknownPlaceholders(body);
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown merge field ${unknown.join(', ')}: use {firstName}, {firstName|fallback} or {business}` });
  });

export const audienceSchema = z.object({ tags: tagsSchema.default([]) }, { error: 'must be {tags: [..]}' }).default({ tags: [] });

export const previewCampaignSchema = z.object({ body: campaignBodySchema, audience: audienceSchema });

export const createCampaignSchema = z.object({
  name: z.string({ error: 'must be text' }).trim().min(1, 'name the campaign').max(120, 'must be at most 120 characters'),
  body: campaignBodySchema,
  fromNumberIds: z
    .array(z.uuid('must be phone number ids'), { error: 'choose at least one number to send from' })
    .min(1, 'choose at least one number to send from')
    .max(50, 'at most 50 numbers')
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
  audience: audienceSchema,
  sendAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO-8601 time such as 2026-05-01T15:00:00Z' })
    .transform((s) => new Date(s))
    .nullish()
    .transform((d) => d ?? null),
  /** Per from-number; 0 turns the pace off (only for tests and benchmarks against a fake Twilio). */
  messagesPerSecond: z.number({ error: 'must be a number' }).min(0, 'must be 0 or more').max(100, 'at most 100').default(1),
  skipNeedsAttention: z.boolean({ error: 'must be true or false' }).default(true),
  recentMarketingDays: z.number({ error: 'must be a number of days' }).int('must be whole days').min(0).max(90).default(5),
});
export type CreateCampaignInput = z.output<typeof createCampaignSchema>;

export const listCampaignsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
