// The one way the API reaches a conversation's workflow: signalWithStart, so a signal never depends on
// whether a run is going (a resolved conversation's run has completed; the next signal starts a fresh
// one), with a deadline so a Temporal outage cannot hang a request. The workflow id is per conversation,
// so there are never two runs of one conversation at once; a completed run's id may be reused.
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import type { conversationWorkflow } from '../../workflows/conversation.ts';
import { conversationWorkflowId, tenantIdKey, type ConversationWorkflowInput } from '../../workflows/definitions.ts';

export interface ConversationTemporal {
  temporal: Client;
  taskQueue: string;
  /** Defaults to 5 s. */
  timeoutMs?: number;
}

export function signalConversation<Arg>(
  { temporal, taskQueue, timeoutMs = 5_000 }: ConversationTemporal,
  { tenantId, conversationId }: ConversationWorkflowInput,
  signal: SignalDefinition<[Arg]>,
  args: [Arg],
): Promise<unknown> {
  return temporal.connection.withDeadline(Date.now() + timeoutMs, () =>
    temporal.workflow.signalWithStart<typeof conversationWorkflow, [Arg]>('conversationWorkflow', {
      workflowId: conversationWorkflowId(tenantId, conversationId),
      taskQueue,
      args: [{ tenantId, conversationId }],
      signal,
      signalArgs: args,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [{ key: tenantIdKey, value: tenantId }],
    }),
  );
}
