// Files one inbound SMS as engaged / opt_out / complaint with OpenAI's Chat Completions API and a
// strict JSON-schema structured output. Whole-message keywords (STOP, START, HELP…) never reach
// this module; see domain/sms-keywords.ts.
import OpenAI from 'openai';
import { registerSecret } from '../../logging/logger.ts';
import { classificationAnswer, classificationJsonSchema, type Classification } from './classification-schema.ts';
import { ClassifierError, toClassifierError } from './classifier-error.ts';
import { classifierMessages, type ClassifyInput } from './classifier-prompt.ts';

export { ClassifierError, type ClassifierErrorKind } from './classifier-error.ts';
export type { ClassifyInput } from './classifier-prompt.ts';
export type { Classification, ClassificationCategory } from './classification-schema.ts';

export interface ClassifierOptions {
  apiKey: string;
  /** OPENAI_BASE_URL; the SDK default (api.openai.com/v1) when absent. */
  baseURL?: string | undefined;
  model: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Retries the SDK makes itself (with exponential backoff) on 408/409/429/5xx and timeouts. */
  maxRetries?: number;
  /**
   * Hard ceiling on one classify() call, retries and backoff included. The SDK honours a server's
   * retry-after of up to a minute; this keeps a workflow activity from hanging on it.
   */
  totalTimeoutMs?: number;
}

export interface Classifier {
  classify(input: ClassifyInput): Promise<Classification>;
}

/** Backoff the SDK sleeps between attempts is at most 8 s each; this is a generous allowance. */
const backoffAllowanceMs = 4_000;

export function createClassifier(options: ClassifierOptions): Classifier {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRetries = options.maxRetries ?? 2;
  const totalTimeoutMs = options.totalTimeoutMs ?? timeoutMs * (maxRetries + 1) + backoffAllowanceMs * maxRetries;
  registerSecret(options.apiKey);
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    timeout: timeoutMs,
    maxRetries,
    // The SDK would otherwise read OPENAI_* from process.env itself; config/env.ts is the one place that does.
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    // Failures are returned as ClassifierError and logged by the caller with our redacting logger.
    logLevel: 'off',
  });

  async function classify(input: ClassifyInput): Promise<Classification> {
    const deadline = AbortSignal.timeout(totalTimeoutMs);
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await client.chat.completions.create(
        {
          model: options.model,
          messages: classifierMessages(input),
          response_format: { type: 'json_schema', json_schema: classificationJsonSchema },
        },
        { signal: deadline },
      );
    } catch (err) {
      throw toClassifierError(err, options.apiKey, deadline.aborted);
    }
    return parseAnswer(completion);
  }

  return { classify };
}

/** Malformed answers are retryable: the next sample from the model is usually fine. */
function parseAnswer(completion: OpenAI.Chat.ChatCompletion): Classification {
  const choice = completion.choices[0];
  if (!choice) throw new ClassifierError('invalid_output', 'OpenAI returned no choices', { retryable: true });
  if (choice.message.refusal) {
    throw new ClassifierError('invalid_output', `OpenAI refused to classify: ${choice.message.refusal}`, { retryable: false });
  }
  if (choice.finish_reason === 'length') {
    throw new ClassifierError('invalid_output', 'OpenAI answer was cut off (length limit)', { retryable: true });
  }
  const content = choice.message.content;
  if (!content) throw new ClassifierError('invalid_output', 'OpenAI answer was empty', { retryable: true });
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new ClassifierError('invalid_output', `OpenAI answer is not JSON: ${content.slice(0, 80)}`, { retryable: true });
  }
  const parsed = classificationAnswer.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ClassifierError('invalid_output', `OpenAI answer does not match the schema: ${issues}`, { retryable: true });
  }
  return parsed.data;
}
