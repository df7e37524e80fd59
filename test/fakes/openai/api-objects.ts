// Wire objects shaped like OpenAI's, with the fields the official SDK and its callers read.
import { randomBytes } from 'node:crypto';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const now = () => Math.floor(Date.now() / 1000);
/** Roughly OpenAI's 4-characters-per-token, enough for usage numbers that look plausible. */
export const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export function requestId(): string {
  return `req_${hex(16)}`;
}

export function chatCompletion(args: { model: string; content: string; promptText: string }) {
  const promptTokens = estimateTokens(args.promptText);
  const completionTokens = estimateTokens(args.content);
  return {
    id: `chatcmpl-${hex(12)}`,
    object: 'chat.completion' as const,
    created: now(),
    model: args.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: args.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop' as const,
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: null,
  };
}

export function responseObject(args: {
  model: string;
  content: string;
  promptText: string;
  instructions: unknown;
  textFormat: unknown;
}) {
  const inputTokens = estimateTokens(args.promptText);
  const outputTokens = estimateTokens(args.content);
  return {
    id: `resp_${hex(24)}`,
    object: 'response' as const,
    created_at: now(),
    status: 'completed' as const,
    error: null,
    incomplete_details: null,
    instructions: args.instructions ?? null,
    model: args.model,
    output: [
      {
        type: 'message' as const,
        id: `msg_${hex(24)}`,
        status: 'completed' as const,
        role: 'assistant' as const,
        content: [{ type: 'output_text' as const, text: args.content, annotations: [], logprobs: [] }],
      },
    ],
    // Not sent by the real API (the SDK derives it); sent here too for raw-HTTP callers.
    output_text: args.content,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: args.textFormat ?? { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
    metadata: {},
  };
}

/** OpenAI's error envelope: `{error: {message, type, param, code}}`. */
export function openAIError(message: string, type: string, code: string | null = null, param: string | null = null) {
  return { error: { message, type, param, code } };
}
