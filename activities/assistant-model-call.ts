// Activity: one model call of an assistant turn,
// for the conversation workflow's reply loop — the workflow holds the turn's messages and calls this
// once per step, so each model call is its own activity (name, timeout, retries) in the Temporal UI.
// A failure is thrown as a retryable ApplicationFailure; after its retries the workflow hands over.
import { ApplicationFailure } from '@temporalio/activity';
import type { ModelAnswer, ModelCaller, TurnMessage } from '../assistant/model-caller.ts';
import type { FunctionTool } from '../assistant/tools/tool-schemas.ts';

export interface AssistantModelCallDeps {
  /** Null when no OpenAI key is configured: the workflow hands over at once. */
  assistantModel: ModelCaller | null;
}

export interface AssistantModelCallInput {
  messages: TurnMessage[];
  tools: FunctionTool[];
}

export function callAssistantModel({ assistantModel }: AssistantModelCallDeps) {
  return async (input: AssistantModelCallInput): Promise<ModelAnswer & { ms: number }> => {
    if (!assistantModel) throw ApplicationFailure.nonRetryable('No OpenAI API key is configured', 'AssistantModelConfigError');
    const started = Date.now();
    try {
      const answer = await assistantModel.call(input.messages, input.tools);
      return { ...answer, ms: Date.now() - started };
    } catch (error) {
      const status = typeof error === 'object' && error !== null && 'status' in error ? Number((error as { status: unknown }).status) : undefined;
      // 4xx other than 408/409/429 will not get better by retrying.
      const retryable = status === undefined || status >= 500 || status === 408 || status === 409 || status === 429;
      const message = `The model call failed${status ? ` (${status})` : ''}`;
      throw retryable ? ApplicationFailure.retryable(message, 'AssistantModelError') : ApplicationFailure.nonRetryable(message, 'AssistantModelError');
    }
  };
}
