// The assistant's turn in the conversation workflow. When a filed inbound message asks for the
// assistant (domain/conversation-rules.ts decides: auto or draft mode, contact not opted out, session
// not handed over or taken over), the bounded model → tools loop of assistant/assistant-turn.ts runs
// here, each model call and each tool call an ordinary activity of its own (name, timeout, retries and
// a summary in the Temporal UI), with Postgres before it (what the turn is given) and after it (what it
// did, recorded once per last inbound message). Messages arriving while it thinks join the turn: one
// reply to a burst; the turn runs again at most twice, and what comes after gets a reply of its own.
// Replies go out through the outbox's send activity, so an unknown outcome is never resent.
// A booking request (request mode) in an episode whose booking exists already reaches that booking
// while ServiceTitan still has it New (updateServiceTitanBookingRequest); otherwise the turn hands over.
import { isCancellation } from '@temporalio/workflow';
import type { AssistantTurnPlan } from '../activities/index.ts';
import { handoffTurn, runAssistantTurn, type TurnResult } from '../assistant/assistant-turn.ts';
import type { ModelCaller } from '../assistant/model-caller.ts';
import type { ToolCall, ToolContext, ToolOutcome } from '../assistant/tools/tool-executor.ts';
import type { AssistantAsk, BookingIntent } from '../domain/conversation-rules.ts';
import { assistantBookingUpdate, assistantModel, assistantModelOptions, assistantTool, assistantToolOptions, store } from './activity-options.ts';
import type { QueuedWork } from './definitions.ts';
import { failureMessage } from './failures.ts';

/** A filed inbound message the assistant is to answer, and how (its filing decided). */
export interface AskedMessage {
  messageId: string;
  ask: NonNullable<AssistantAsk>;
}

/** What the turn uses of the conversation workflow. */
export interface ConversationHooks {
  conversationId: string;
  /** The workflow's queue: inbound messages at its head join the turn (a burst). */
  queue: QueuedWork[];
  /** Files one inbound message; what it asks of the assistant. */
  fileInbound(messageId: string): Promise<AssistantAsk>;
  recordProblem(kind: string, error: string): Promise<void>;
  send(messageId: string): Promise<void>;
  applyBooking(intent: BookingIntent): void;
}

/** The workflow's inbound work: file the message, then answer it when its filing asked for the assistant. */
export async function answerInbound(hooks: ConversationHooks, messageId: string): Promise<void> {
  const ask = await hooks.fileInbound(messageId);
  if (ask) await replyAsAssistant(hooks, { messageId, ask });
}

const inboundWaiting = (hooks: ConversationHooks) => hooks.queue[0]?.kind === 'inbound';

/** Files the inbound messages at the head of the queue (in order); returns those that ask for the assistant. */
async function fileWaitingInbound(hooks: ConversationHooks): Promise<AskedMessage[]> {
  const asked: AskedMessage[] = [];
  while (inboundWaiting(hooks)) {
    const work = hooks.queue.shift() as Extract<QueuedWork, { kind: 'inbound' }>;
    // As the workflow's loop does: what still fails is kept on the conversation, not dropped.
    const ask = await hooks.fileInbound(work.messageId).catch((err: unknown) => hooks.recordProblem('inbound-failed', failureMessage(err)).then(() => null));
    if (ask) asked.push({ messageId: work.messageId, ask });
  }
  return asked;
}

export const maxTurnReruns = 2;

async function replyAsAssistant(hooks: ConversationHooks, first: AskedMessage): Promise<void> {
  const { conversationId } = hooks;
  const burst = [first, ...(await fileWaitingInbound(hooks))];
  for (let rerun = 0; ; rerun += 1) {
    const messageIds = burst.map((m) => m.messageId);
    const complaint = burst.some((m) => m.ask === 'handoff');
    const plan = await store.prepareAssistantTurn({ conversationId, messageIds, complaint });
    if (!plan) return;
    let bookingRequested = false;
    const result = plan.handoff
      ? handoffTurn(plan.input, plan.handoff)
      : await runTurn(conversationId, plan, () => {
          bookingRequested = true;
        });
    // More came while it thought: answer them all in one reply (this turn's tools ran; a booking is
    // looked up before it is made again, so a rerun books nothing twice).
    if (rerun < maxTurnReruns && inboundWaiting(hooks)) {
      burst.push(...(await fileWaitingInbound(hooks)));
      continue;
    }
    const recorded = await store.recordAssistantTurn({ conversationId, sessionId: plan.sessionId, mode: plan.mode, messageIds, result, bookingRequested });
    for (const messageId of recorded.replyMessageIds) await hooks.send(messageId);
    hooks.applyBooking(recorded.booking);
    return;
  }
}

async function runTurn(conversationId: string, plan: AssistantTurnPlan, onBookingRequest: () => void): Promise<TurnResult> {
  let step = 0;
  const model: ModelCaller = {
    call(messages, tools) {
      step += 1;
      return assistantModel.callAssistantModel.executeWithOptions({ ...assistantModelOptions, summary: `assistant model call, step ${step}` }, [
        { messages: [...messages], tools: [...tools] },
      ]);
    },
  };
  const tools = {
    async execute(call: ToolCall, context: ToolContext): Promise<ToolOutcome> {
      try {
        const outcome = await assistantTool.runAssistantTool.executeWithOptions({ ...assistantToolOptions, summary: `assistant tool ${call.name}` }, [
          { tenantId: plan.tenantId, conversationId, call, context },
        ]);
        if (call.name !== 'book_appointment' || context.dryRun || outcome.data.booked !== true || outcome.data.kind !== 'booking request') return outcome;
        // The episode's booking may exist already: the window reaches it while it is New, else a person takes over.
        const update = await assistantBookingUpdate.updateServiceTitanBookingRequest({ conversationId });
        if (update.outcome === 'unchanged') return { kind: 'handoff', reason: update.reason, data: { booked: false, handedOff: true, reason: update.reason } };
        onBookingRequest();
        return outcome;
      } catch (err) {
        if (isCancellation(err)) throw err;
        // A tool that keeps failing hands over, never a guessed answer.
        const reason = `the ${call.name} tool failed (${failureMessage(err).slice(0, 80)})`;
        return { kind: 'handoff', reason, data: { handedOff: true, reason } };
      }
    },
  };
  // Workflow time: each entry's ms spans its activity (scheduling included).
  return runAssistantTurn({ model, tools, clock: () => Date.now() }, plan.input);
}
