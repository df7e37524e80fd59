// Signals, input, id and run size of the campaign workflow, shared by the API, the workflow and its tests.
import { defineSignal } from '@temporalio/workflow';

export const pauseCampaignSignal = defineSignal('pauseCampaign');
export const resumeCampaignSignal = defineSignal('resumeCampaign');
export const cancelCampaignSignal = defineSignal('cancelCampaign');

export interface CampaignWorkflowInput {
  campaignId: string;
  tenantId: string;
  /** Carried through continue-as-new. */
  carried?: {
    /** `audience`: the recipients are still being added; `send`: they are being texted. */
    phase: 'audience' | 'send';
    afterContactId: string | null;
    paused: boolean;
  };
}

export function campaignWorkflowId(tenantId: string, campaignId: string): string {
  return `campaign-${tenantId}-${campaignId}`;
}

/** The campaign workflows' own task queue: a big campaign never delays a conversation's reply. */
export function campaignTaskQueue(taskQueue: string): string {
  return `${taskQueue}-campaigns`;
}

/**
 * Recipients a run hands to batches (no pace) before it continues as new: a few hundred history events,
 * and every lane drains before the next run.
 */
export const batchedPerRun = 1_000;
