// One workflow per conversation. Signal handlers only queue; the loop applies the queue in arrival order,
// then waits: for more work, or until the conversation has been idle for the tenant's idle time. A run
// completes when the conversation is resolved and nothing is in flight; everything it needs lives in
// Postgres, and the next message signalWithStarts a fresh run. The rules (domain/conversation-rules.ts)
// are applied by the activities, which tell the loop what to do about the booking and the assistant (assistant-reply.ts).
import { allHandlersFinished, condition, continueAsNew, log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Lifecycle } from '../activities/index.ts';
import type { AssistantAsk } from '../domain/conversation-rules.ts';
import { ai, sms, store } from './activity-options.ts';
import { answerInbound, type ConversationHooks } from './assistant-reply.ts';
import { assistantSessionSignal, bookingStatusKey, categoryKey, problemKey, type BookingStatus, type Category } from './definitions.ts';
import { categoryCorrectedSignal, conversationChangedSignal, conversationStateQuery, inboundMessageSignal } from './definitions.ts';
import { outboundMessageSignal, retryBookingSignal, type ConversationWorkflowInput, type QueuedWork } from './definitions.ts';
import { episodeBooking, type BookingState } from './episode-booking.ts';
import { failureMessage } from './failures.ts';
import { batchedSearchAttributes } from './search-attribute-batch.ts';

interface State extends BookingState {
  queue: QueuedWork[];
  episode: number;
  category: Category | null;
  /** Read from Postgres in this run (by a filing or the lifecycle). */
  episodeKnown: boolean;
  /** Where the conversation stands, as the last work applied left it (a filing says); null: read it. */
  standing: Pick<Lifecycle, 'status' | 'idleAt'> | null;
}

export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<void> {
  const { conversationId } = input;
  const state: State = { queue: [], episode: 1, category: null, bookingStatus: 'none', booking: null, bookingWanted: null, episodeKnown: false, standing: null };
  setHandler(inboundMessageSignal, ({ messageId }) => void state.queue.push({ kind: 'inbound', messageId }));
  setHandler(outboundMessageSignal, ({ messageId }) => void state.queue.push({ kind: 'outbound', messageId }));
  setHandler(categoryCorrectedSignal, ({ category, booking }) => void state.queue.push({ kind: 'corrected', category, booking }));
  setHandler(retryBookingSignal, () => void state.queue.push({ kind: 'retryBooking' }));
  setHandler(conversationChangedSignal, () => void state.queue.push({ kind: 'changed' }));
  setHandler(assistantSessionSignal, () => void state.queue.push({ kind: 'changed' }));
  setHandler(conversationStateQuery, () => ({ ...pick(state), conversationId, queued: state.queue.length, bookingInFlight: state.booking !== null }));

  const setAttribute = batchedSearchAttributes();
  const setCategory = (category: Category) => {
    if (category !== state.category) setAttribute({ key: categoryKey, value: (state.category = category) });
  };
  const setBookingStatus = (status: BookingStatus) => {
    if (status !== state.bookingStatus) setAttribute({ key: bookingStatusKey, value: (state.bookingStatus = status) });
  };
  async function recordProblem(kind: string, error: string): Promise<void> {
    log.error('Conversation work could not be done', { conversationId, kind, error });
    setAttribute({ key: problemKey, value: kind });
    await store.recordProblem({ conversationId, problem: `${kind}: ${error}` });
  }

  const applyBooking = episodeBooking({ conversationId, state, setBookingStatus, recordProblem });

  /** Files one inbound message; what it asks of the assistant (assistant-reply.ts runs the turn). */
  async function fileInbound(messageId: string): Promise<AssistantAsk> {
    const loaded = await store.loadInbound({ messageId });
    if (!loaded) return null;
    if (loaded.route === 'help') {
      const reply = await store.recordHelpReply({ messageId });
      if (reply) await send(reply.messageId);
      return null;
    }
    const filing = loaded.route === 'classify' ? await ai.classifyMessage({ messageId }).catch(classifierDown) : null;
    const filed = await store.fileInboundMessage({ messageId, route: loaded.route, filing });
    if (!filed) return null;
    Object.assign(state, { episode: filed.episode, episodeKnown: true, standing: { status: 'open', idleAt: filed.idleAt } });
    setCategory(filed.category);
    applyBooking(filed.booking, filed.episode);
    return filed.assistant;
  }

  const send = (messageId: string) =>
    sms.sendOutboundMessage({ messageId }).then(() => undefined, (err: unknown) => store.recordOutboundFailure({ messageId, error: failureMessage(err) }));
  const hooks: ConversationHooks = { conversationId, queue: state.queue, fileInbound, recordProblem, send, applyBooking: (intent) => applyBooking(intent, state.episode) };

  /** Where the conversation stands in Postgres; a run that began without a filing shows it in its attributes. */
  async function refresh(): Promise<Lifecycle> {
    const life = await store.conversationLifecycle({ conversationId });
    Object.assign(state, { episode: life.episode, episodeKnown: true });
    if (state.category === null) setCategory(life.category);
    if (state.bookingStatus === 'none' && life.bookingStatus !== 'pending' && life.bookingStatus !== 'retrying') setBookingStatus(life.bookingStatus);
    return life;
  }

  async function apply(work: QueuedWork): Promise<void> {
    state.standing = null;
    // A filing reads the episode itself; a correction or a retry in a fresh run reads it first.
    if ((work.kind === 'corrected' || work.kind === 'retryBooking') && !state.episodeKnown) await refresh();
    if (work.kind === 'inbound') await answerInbound(hooks, work.messageId);
    else if (work.kind === 'outbound') await send(work.messageId);
    else if (work.kind === 'corrected') {
      setCategory(work.category);
      applyBooking(work.booking, state.episode);
    } else if (work.kind === 'retryBooking') applyBooking('start', state.episode);
  }

  for (;;) {
    while (state.queue.length > 0) {
      const work = state.queue.shift()!;
      // Postgres work retries until it succeeds; what still fails is kept on the conversation, not dropped.
      await apply(work).catch((err: unknown) => recordProblem(`${work.kind}-failed`, failureMessage(err)));
    }
    const inFlight = state.booking;
    const woken = () => state.queue.length > 0 || state.booking !== inFlight;
    // While a booking is under way the run cannot end and needs no idle timer: its outcome wakes the loop.
    if (inFlight) {
      await condition(woken);
      continue;
    }
    const life = state.standing ?? (await refresh());
    state.standing = null;
    if (life.status === 'resolved' || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      if (state.queue.length > 0) continue;
      if (life.status === 'resolved') return;
      await continueAsNew<typeof conversationWorkflow>(input);
    }
    // resolveIfIdle checks again in Postgres: a reply since, or a clock apart, only means another round.
    if (!(await condition(woken, Math.max(life.idleAt - Date.now(), 1)))) await store.resolveIfIdle({ conversationId });
  }
}

const pick = ({ episode, category, bookingStatus }: State) => ({ episode, category, bookingStatus });

function classifierDown(err: unknown): null {
  log.warn('Classifier unavailable, filing as engaged', { error: failureMessage(err) });
  return null;
}
