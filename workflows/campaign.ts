// One workflow per campaign. It freezes the audience page by page into campaign_recipients, then texts
// the recipients whose time has come, one page per run (continue-as-new keeps every run far below 10,000
// history events). Each recipient is one activity that checks and sends at most once; the workflow only
// waits. Pause, resume and cancel are signals; progress is counted from Postgres, not kept here.
import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { cancelCampaignSignal, pauseCampaignSignal, resumeCampaignSignal, type CampaignWorkflowInput } from './campaign-definitions.ts';

const bookkeeping = proxyActivities<Activities>({ startToCloseTimeout: '1m', retry: { initialInterval: '1s', maximumInterval: '30s' } });
// Unlimited retries: a recipient's send is idempotent, and a try that died mid-send is settled `unknown`.
const sender = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

/** Recipients per page (and per run). */
export const pageSize = 500;
/** Audience pages added per run before continuing as new. */
const audiencePagesPerRun = 20;

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

  for (;;) {
    await mayGo();
    if (state.canceled) return finish('canceled');
    const due = await bookkeeping.dueCampaignRecipients({ campaignId, limit: pageSize });
    if (due.done) return finish('done');
    if (due.contactIds.length === 0) {
      // Only recipients waiting for their window: sleep until the first opens (a signal wakes us earlier).
      const paused = state.paused;
      await condition(() => state.canceled || state.paused !== paused, due.nextWaitMs ?? 60_000);
      continue;
    }
    await sendPage(due.contactIds, due.inFlight);
    if (state.canceled) return finish('canceled');
    return next({ phase: 'send', afterContactId: null, paused: state.paused });
  }

  async function sendPage(contactIds: string[], inFlight: number): Promise<void> {
    const queue = [...contactIds];
    const lanes = Math.max(1, Math.min(queue.length, inFlight));
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let contactId = queue.shift(); contactId; contactId = queue.shift()) {
          await mayGo();
          if (state.canceled) return;
          await sender.sendCampaignMessage({ campaignId, contactId });
        }
      }),
    );
  }

  async function finish(status: 'done' | 'canceled'): Promise<void> {
    await bookkeeping.finishCampaign({ campaignId, status });
    await condition(allHandlersFinished);
  }
}

