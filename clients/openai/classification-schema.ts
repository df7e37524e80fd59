// The one shape a classification has, written twice on purpose: as the JSON schema OpenAI is told to
// answer in (strict structured output), and as the zod schema we check the answer with, because a
// model's promise to follow a schema is not a guarantee our code should rely on.
import { z } from 'zod';

export const classificationCategories = ['engaged', 'opt_out', 'complaint'] as const;
export type ClassificationCategory = (typeof classificationCategories)[number];

export const reasonMaxLength = 200;

/** Sent as `response_format.json_schema` (Chat Completions) or `text.format` (Responses). */
export const classificationJsonSchema = {
  name: 'sms_reply_classification',
  strict: true,
  schema: {
    type: 'object',
    properties: {
      category: {
        type: 'string',
        enum: [...classificationCategories],
        description: 'engaged: wants or accepts contact; opt_out: asks not to be texted; complaint: angry or dissatisfied.',
      },
      confidence: { type: 'number', minimum: 0, maximum: 1, description: 'How sure you are, from 0 to 1.' },
      reason: {
        type: 'string',
        maxLength: reasonMaxLength,
        description: `One short sentence for the CSR explaining the category (at most ${reasonMaxLength} characters).`,
      },
    },
    required: ['category', 'confidence', 'reason'],
    additionalProperties: false,
  },
} as const;

/** A slightly long reason is cut rather than rejected: it is an explanation, not the decision. */
export const classificationAnswer = z
  .object({
    category: z.enum(classificationCategories),
    confidence: z.number().min(0).max(1),
    reason: z.string().transform((s) => s.trim().slice(0, reasonMaxLength)),
  })
  .strict();

export type Classification = z.infer<typeof classificationAnswer>;
