// Activity: one tool call of an assistant turn (the conversation workflow's reply loop).
// The executor never throws (a failure is a handoff outcome), so the activity's own retries only
// cover the worker dying mid-call; a booking tool is safe to rerun because the job is looked up by
// its external data (the booking key) before any create.
import type { ToolCall, ToolContext, ToolExecutor, ToolOutcome } from '../assistant/tools/tool-executor.ts';

export interface AssistantToolCallDeps {
  /** Built per tenant and conversation (the tenant's ServiceTitan client, or null when disabled). */
  toolExecutorFor(tenantId: string, conversationId: string): Promise<ToolExecutor>;
}

export interface AssistantToolCallInput {
  tenantId: string;
  conversationId: string;
  call: ToolCall;
  context: ToolContext;
}

export function runAssistantTool({ toolExecutorFor }: AssistantToolCallDeps) {
  return async (input: AssistantToolCallInput): Promise<ToolOutcome & { ms: number }> => {
    const started = Date.now();
    const executor = await toolExecutorFor(input.tenantId, input.conversationId);
    const outcome = await executor.execute(input.call, input.context);
    return { ...outcome, ms: Date.now() - started };
  };
}
