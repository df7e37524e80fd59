// What the model is told. Kept apart from the HTTP plumbing so the wording can be reviewed on its own.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export interface ClassifyInput {
  /** The inbound SMS to classify. */
  body: string;
  /** Earlier messages of the conversation, oldest first; context only. */
  recent?: Array<{ direction: 'inbound' | 'outbound'; body: string }>;
  businessName?: string | undefined;
}

/** Long histories cost tokens and rarely change the answer: the last few lines are enough. */
const maxContextMessages = 6;
const maxContextChars = 500;

export function systemPrompt(businessName?: string): string {
  const business = businessName ? `"${businessName}", a home-service business` : 'a home-service business';
  return [
    `You sort SMS replies that customers send to ${business} (HVAC, plumbing, electrical).`,
    'Pick exactly one category for the latest customer message:',
    '- opt_out: the customer asks not to be texted any more, in any wording ("please stop texting me", "remove me from your list", "don\'t text this number"). This wins over every other category.',
    '- complaint: the customer is angry or dissatisfied (bad service, a no-show, a price dispute, a refund demand, threats of bad reviews).',
    '- engaged: anything else - questions, scheduling, quotes, confirmations, thanks, or a neutral reply.',
    'The last user message is the SMS to classify; an earlier user message may quote the conversation for context only.',
    'Give a confidence from 0 to 1 and a one-sentence reason a customer service rep can read at a glance.',
  ].join('\n');
}

function clip(text: string): string {
  return text.length > maxContextChars ? `${text.slice(0, maxContextChars)}...` : text;
}

/**
 * The SMS itself is always the last user message, alone, so "the message to classify" is never
 * ambiguous; earlier lines of the conversation travel in a separate, clearly labelled message.
 */
export function classifierMessages(input: ClassifyInput): ChatCompletionMessageParam[] {
  const history = (input.recent ?? []).slice(-maxContextMessages);
  const transcript = history.map((m) => `${m.direction === 'inbound' ? 'Customer' : 'Business'}: ${clip(m.body)}`);
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: systemPrompt(input.businessName) }];
  if (transcript.length) {
    messages.push({ role: 'user', content: `Earlier messages of this conversation (context only):\n${transcript.join('\n')}` });
  }
  messages.push({ role: 'user', content: input.body });
  return messages;
}
