// One model call of an assistant turn, as the loop sees it: messages and tools in, either text or
// tool calls out, with what the trace keeps (model, tokens). The OpenAI implementation is
// openai-model.ts; the loop depends only on this.
import type { FunctionTool } from './tools/tool-schemas.ts';
import type { ToolCall } from './tools/tool-executor.ts';

/** Chat Completions messages, in the protocol's own shapes. */
export type TurnMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ModelAnswer {
  model: string;
  text: string | null;
  toolCalls: ToolCall[];
  finishReason: string;
  tokens: { prompt: number; completion: number };
}

export interface ModelCaller {
  call(messages: readonly TurnMessage[], tools: readonly FunctionTool[]): Promise<ModelAnswer>;
}
