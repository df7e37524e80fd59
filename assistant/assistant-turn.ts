// One assistant turn: the customer's message(s) in, the texts to send (or a handoff) out, with the
// trace. A bounded loop — model call → tool calls → model … at most `maxSteps` model calls — shared
// by the sandbox (run in its request) and, later, the conversation workflow (each model call and each
// tool call an activity). Its dependencies are the model caller and the tool executor; it keeps no
// state of its own: the caller passes the session's messages in and stores what comes back.
import { closingOf } from './guardrails/closing-words.ts';
import { renderFirstSms } from './guardrails/first-sms.ts';
import { ungroundedFacts } from './guardrails/grounding.ts';
import { toPlainText } from './guardrails/plain-text.ts';
import { splitReply } from './guardrails/split-reply.ts';
import type { ModelCaller, TurnMessage } from './model-caller.ts';
import type { FunctionTool } from './tools/tool-schemas.ts';
import type { ToolCall, ToolContext, ToolOutcome } from './tools/tool-executor.ts';

export const maxTurnSteps = 6;

export type TraceEntry =
  | { kind: 'model'; name: string; ms: number; tokens: { prompt: number; completion: number }; finishReason: string; toolCalls: string[]; error?: string }
  | { kind: 'tool'; name: string; ms: number; input: unknown; output: unknown; handoff: boolean }
  | { kind: 'guardrail'; name: string; ms: number; detail: string };

export interface TurnDeps {
  model: ModelCaller;
  tools: { execute(call: ToolCall, ctx: ToolContext): Promise<ToolOutcome> };
  clock?: () => number;
}

export interface TurnInput {
  /** The system message (system-prompt.ts). */
  system: string;
  /** The session's messages so far (user, assistant, tool), oldest first, without the system message. */
  history: readonly TurnMessage[];
  /** What the customer wrote since the last reply (a burst is joined into one turn). */
  customerText: string;
  tools: readonly FunctionTool[];
  toolContext: ToolContext;
  /** First turn of a session: the reply opens with the first SMS. */
  sessionStart: boolean;
  firstSms: { template: string; business: string; firstName: string | null };
  handoffMessage: string;
  /** "Thanks for texting {business}. Goodbye!" and the like, for an end word. */
  closingLine: string;
  maxSteps?: number;
}

export type TurnOutcome = 'replied' | 'handoff' | 'closed' | 'opted_out';

export interface TurnResult {
  outcome: TurnOutcome;
  /** Texts to send, in order, each ≤ 320 characters; empty for an opt-out. */
  replies: string[];
  handoff: { reason: string } | null;
  trace: TraceEntry[];
  /** The session's messages after this turn (history + this turn's), to store for the next one. */
  messages: TurnMessage[];
}

const toolText = (outcome: ToolOutcome) => JSON.stringify(outcome.data);

export async function runAssistantTurn(deps: TurnDeps, input: TurnInput): Promise<TurnResult> {
  const clock = deps.clock ?? (() => performance.now());
  const trace: TraceEntry[] = [];
  const messages: TurnMessage[] = [...input.history, { role: 'user', content: input.customerText }];
  const done = (outcome: TurnOutcome, replies: string[], handoff: { reason: string } | null): TurnResult => {
    for (const text of replies) messages.push({ role: 'assistant', content: text });
    return { outcome, replies, handoff, trace, messages };
  };
  const handOver = (reason: string) => done('handoff', splitReply(toPlainText(input.handoffMessage)), { reason });

  // Carrier keywords first, always: nothing automated follows an opt-out, not even a goodbye.
  const closing = closingOf(input.customerText);
  if (closing === 'opt_out') return done('opted_out', [], null);
  if (closing === 'end') return done('closed', splitReply(input.closingLine), null);

  const toolResults = input.history.filter((m) => m.role === 'tool').map((m) => m.content);
  const maxSteps = Math.min(input.maxSteps ?? maxTurnSteps, maxTurnSteps);
  for (let step = 0; step < maxSteps; step += 1) {
    const started = clock();
    let answer;
    try {
      answer = await deps.model.call([{ role: 'system', content: input.system }, ...messages], input.tools);
    } catch (error) {
      // Any model error hands over: a customer never waits on silence.
      trace.push({ kind: 'model', name: 'chat.completions', ms: Math.round(clock() - started), tokens: { prompt: 0, completion: 0 }, finishReason: 'error', toolCalls: [], error: errorName(error) });
      return handOver('the model could not be reached');
    }
    trace.push({ kind: 'model', name: answer.model, ms: Math.round(clock() - started), tokens: answer.tokens, finishReason: answer.finishReason, toolCalls: answer.toolCalls.map((c) => c.name) });

    if (answer.toolCalls.length > 0) {
      messages.push({
        role: 'assistant',
        content: answer.text,
        tool_calls: answer.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      });
      for (const call of answer.toolCalls) {
        const toolStarted = clock();
        const outcome = await deps.tools.execute(call, input.toolContext);
        trace.push({ kind: 'tool', name: call.name, ms: Math.round(clock() - toolStarted), input: safeJson(call.arguments), output: outcome.data, handoff: outcome.kind === 'handoff' });
        const content = toolText(outcome);
        messages.push({ role: 'tool', tool_call_id: call.id, content });
        toolResults.push(content);
        if (outcome.kind === 'handoff') return handOver(outcome.reason);
      }
      continue;
    }

    const text = toPlainText(answer.text ?? '');
    if (!text) return handOver('the model answered nothing');
    const checkStarted = clock();
    const problems = ungroundedFacts(text, toolResults);
    if (problems.length > 0) {
      trace.push({ kind: 'guardrail', name: 'grounding', ms: Math.round(clock() - checkStarted), detail: problems.map((p) => `${p.kind} ${p.value}`).join(', ') });
      return handOver('the reply named a time or price no tool returned');
    }
    // The session's first reply opens with the first SMS (and its disclosure), as a text of its own.
    const opening = input.sessionStart ? splitReply(renderFirstSms(input.firstSms.template, input.firstSms)) : [];
    return done('replied', [...opening, ...splitReply(text)], null);
  }
  return handOver(`no answer within ${maxSteps} steps`);
}

/**
 * A turn that hands over before any model call (a message filed as a complaint, the session's reply
 * cap): the handoff message and nothing else, with the reason in the trace.
 */
export function handoffTurn(input: Pick<TurnInput, 'history' | 'customerText' | 'handoffMessage'>, reason: string): TurnResult {
  const replies = splitReply(toPlainText(input.handoffMessage));
  const messages: TurnMessage[] = [...input.history, { role: 'user', content: input.customerText }, ...replies.map((content) => ({ role: 'assistant' as const, content }))];
  return { outcome: 'handoff', replies, handoff: { reason }, trace: [{ kind: 'guardrail', name: 'handoff', ms: 0, detail: reason }], messages };
}

function errorName(error: unknown): string {
  if (error instanceof Error) return `${error.name}${'status' in error && typeof error.status === 'number' ? ` ${error.status}` : ''}`;
  return 'error';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 200);
  }
}
