// One workflow per campaign. It freezes the audience page by page into campaign_recipients (each recipient
// with its from-number), then texts the recipients whose time has come: one lane per from-number, each
// with its own queue and turns at its pace, so a number waiting for its next slot never holds up another.
// With a pace each recipient is one activity that checks and sends at most once, and the waits between a
// number's turns are workflow timers, not activities holding a worker slot; without one, a lane's due
// recipients go in batches, back to back in one activity each. Continue-as-new after a run's share of
// recipients keeps every run far below 10,000 history events. Pause, resume and cancel are signals;
// progress is counted from Postgres.
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities, CampaignSendPlan } from '../activities/index.ts';
import { batchedPerRun, cancelCampaignSignal, pauseCampaignSignal, resumeCampaignSignal, type CampaignWorkflowInput } from './campaign-definitions.ts';

const bookkeeping = proxyActivities<Activities>({ startToCloseTimeout: '1m', retry: { initialInterval: '1s', maximumInterval: '30s' } });
// Unlimited retries: a recipient's send is idempotent, and a try that died mid-send is settled `unknown`.
// The send heartbeats every few seconds while it runs, so only a dead worker's try times out.
const sender = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});
// A batch settles each of its recipients as `sender` does; up to `batchSize` Twilio requests back to back.
const batchSender = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

/** Audience rows added per activity, and recipients handed to paced sends per run. */
export const pageSize = 500;
/** Recipients one batch sends back to back. */
const batchSize = 25;
/** Audience pages added per run before continuing as new. */
const audiencePagesPerRun = 20;
/** Due recipients a lane fetches at a time: paced, and in batches. */
const laneFetch = { paced: 25, batched: 100 };
/** A run hands out no more recipients past this many events (retries of a contended pace cost extra). */
const historyBudget = 7_000;
/** The campaign says it is not sending but no pause reached us (its signal was lost): look again this often. */
const heldRecheckMs = 5_000;

export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<void> {
  const { campaignId } = input;
  const state = { paused: input.carried?.paused ?? false, canceled: false };
  setHandler(pauseCampaignSignal, () => void (state.paused = true));
  setHandler(resumeCampaignSignal, () => void (state.paused = false));
  setHandler(cancelCampaignSignal, () => void (state.canceled = true));
  const mayGo = () => condition(() => state.canceled || !state.paused);
  const next = async (carried: NonNullable<CampaignWorkflowInput['carried']>) => {
    await condition(allHandlersFinished);
    return continueAsNew<typeof campaignWorkflow>({ ...input, carried: { ...carried, paused: state.paused } });
  };

  let phase = input.carried?.phase;
  let after = input.carried?.afterContactId ?? null;
  if (!phase) {
    const { delayMs } = await bookkeeping.beginCampaign({ campaignId });
    if (delayMs > 0) await condition(() => state.canceled, delayMs);
    if (state.canceled) return finish('canceled');
    await bookkeeping.markCampaignSending({ campaignId });
    phase = 'audience';
  }

  if (phase === 'audience') {
    for (let page = 0; page < audiencePagesPerRun; page++) {
      after = await bookkeeping.addCampaignRecipientPage({ campaignId, afterContactId: after, pageSize });
      if (after === null) return next({ phase: 'send', afterContactId: null, paused: state.paused });
    }
    return next({ phase: 'audience', afterContactId: after, paused: state.paused });
  }

  let handedOut = 0;
  let perRun = pageSize;
  const historyLeft = () => workflowInfo().historyLength < historyBudget && !workflowInfo().continueAsNewSuggested;
  const budgetLeft = () => handedOut < perRun && historyLeft();
  for (;;) {
    await mayGo();
    if (state.canceled) return finish('canceled');
    const plan = await bookkeeping.campaignSendPlan({ campaignId });
    if (plan.done) return finish('done');
    if (plan.lanes.length === 0) {
      // Only recipients waiting for their window: sleep until the first opens (a signal wakes us earlier).
      const paused = state.paused;
      await condition(() => state.canceled || state.paused !== paused, plan.nextWaitMs ?? 60_000);
      continue;
    }
    perRun = plan.lanes.every((lane) => lane.intervalMs === 0) ? batchedPerRun : pageSize;
    await Promise.all(plan.lanes.map(sendLane));
    if (state.canceled) return finish('canceled');
    return next({ phase: 'send', afterContactId: null, paused: state.paused });
  }

  /**
   * One from-number's recipients, `inFlight` sends (or batches) at a time. With a pace each send waits for
   * its turn, one interval after the lane's previous turn, in a timer; the number's slot in Postgres (shared
   * with every campaign and worker) still decides. Turns are handed out before a send starts, so the time a
   * send takes never delays the next one.
   */
  async function sendLane({ phoneNumberId, inFlight, intervalMs }: CampaignSendPlan['lanes'][number]): Promise<void> {
    let nextTurnAt = 0;
    const turn = () => {
      const at = Math.max(Date.now(), nextTurnAt);
      nextTurnAt = at + intervalMs;
      return at - Date.now();
    };
    const queue: string[] = [];
    let from: string | null = null;
    let exhausted = false;
    let refill: Promise<void> | null = null;
    const paced = intervalMs > 0;
    const limit = paced ? laneFetch.paced : laneFetch.batched;
    const take = async (): Promise<string[]> => {
      while (queue.length === 0 && !exhausted && budgetLeft() && !state.canceled) {
        refill ??= bookkeeping.dueCampaignRecipients({ campaignId, phoneNumberId, afterContactId: from, limit }).then((ids) => {
          queue.push(...ids);
          from = ids.at(-1) ?? from;
          exhausted = ids.length < limit;
          refill = null;
        });
        await refill;
      }
      if (!budgetLeft() || state.canceled) return [];
      // A batch takes its share of what the lane holds, so a short queue still keeps `inFlight` sends going.
      const taken = queue.splice(0, paced ? 1 : Math.min(batchSize, Math.ceil(queue.length / inFlight)));
      handedOut += taken.length;
      return taken;
    };
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let ids = await take(); ids.length > 0; ids = await take()) {
          if (!paced) await sendBatch(ids);
          else for (const contactId of ids) await sendRecipient(contactId, turn);
        }
      }),
    );
  }

  /**
   * Recipients of a lane without a pace, in one activity. Those a pause or cancel held back go again once
   * the campaign may go on; one the batch could not settle is sent alone, with Temporal's retries.
   */
  async function sendBatch(contactIds: string[]): Promise<void> {
    let left = contactIds;
    while (left.length > 0) {
      await mayGo();
      if (state.canceled) return;
      const { held, retry } = await batchSender.sendCampaignMessages({ campaignId, contactIds: left });
      // Not held back by a pause: one of them may be claimed already, and its send must settle (a queued
      // one the activity itself holds while the campaign is paused).
      for (const contactId of retry) await sendRecipient(contactId, () => 0, { whilePaused: true });
      if (held.length > 0) await condition(() => state.canceled || state.paused, heldRecheckMs);
      left = held;
      // Still queued: the next run takes them up when this one is full.
      if (!historyLeft()) return;
    }
  }

  /**
   * A recipient's send at the lane's next turn. A send the number's slot turned back (`paced`: another
   * campaign or worker took it, or the lane's turns run a little ahead of the slots in Postgres) keeps its
   * turn and tries again when the slot comes: handing the turn back would leave that second of the number
   * unused and the lane below its pace. After a pause or a held send it takes a new turn. `whilePaused`:
   * its first try goes even during a pause (a recipient a batch may have claimed already; one still queued
   * is held by the activity itself).
   */
  async function sendRecipient(contactId: string, turn: () => number, { whilePaused = false } = {}): Promise<void> {
    let wait: number | null = null;
    for (let first = true; ; first = false) {
      if (!(first && whilePaused)) {
        await mayGo();
        if (state.canceled) return;
      }
      wait ??= turn();
      // A pause or cancel wakes the wait at once.
      if (wait > 0 && (await condition(() => state.canceled || state.paused, wait))) {
        wait = null;
        continue;
      }
      const { outcome, laneWaitMs } = await sender.sendCampaignMessage({ campaignId, contactId });
      if (outcome === 'paced') wait = laneWaitMs;
      else if (outcome === 'held') {
        await condition(() => state.canceled || state.paused, heldRecheckMs);
        wait = null;
      } else return;
      // Still queued: the next run takes it up when this one is full.
      if (!historyLeft()) return;
    }
  }

  async function finish(status: 'done' | 'canceled'): Promise<void> {
    await bookkeeping.finishCampaign({ campaignId, status });
    await condition(allHandlersFinished);
  }
}
