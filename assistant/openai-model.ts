// The assistant's model caller on OpenAI's Chat Completions API with function calling (the official
// SDK). Its errors are thrown as they are: the turn turns any model failure into a handoff.
import OpenAI from 'openai';
import { registerSecret } from '../logging/logger.ts';
import type { ModelAnswer, ModelCaller, TurnMessage } from './model-caller.ts';
import type { FunctionTool } from './tools/tool-schemas.ts';

export interface OpenAIModelOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  /** Per attempt (default 15 s). */
  timeoutMs?: number;
  /** The SDK's own retries on 408/409/429/5xx (default 1: a customer is waiting). */
  maxRetries?: number;
}

export function createOpenAIModelCaller(options: OpenAIModelOptions): ModelCaller {
  registerSecret(options.apiKey);
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    timeout: options.timeoutMs ?? 15_000,
    maxRetries: options.maxRetries ?? 1,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    logLevel: 'off',
  });

  return {
    async call(messages: readonly TurnMessage[], tools: readonly FunctionTool[]): Promise<ModelAnswer> {
      const completion = await client.chat.completions.create({
        model: options.model,
        messages: messages as OpenAI.Chat.ChatCompletionMessageParam[],
        tools: tools as OpenAI.Chat.ChatCompletionTool[],
        tool_choice: 'auto',
        parallel_tool_calls: false,
      });
      const choice = completion.choices[0];
      const toolCalls = (choice?.message.tool_calls ?? []).flatMap((c) =>
        c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
      );
      return {
        model: completion.model,
        text: choice?.message.content ?? null,
        toolCalls,
        finishReason: choice?.finish_reason ?? 'unknown',
        tokens: { prompt: completion.usage?.prompt_tokens ?? 0, completion: completion.usage?.completion_tokens ?? 0 },
      };
    },
  };
}
