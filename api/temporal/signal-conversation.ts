// The one way the API reaches a conversation's workflow: signalWithStart, so a signal never depends on
// whether the workflow is already running, with a deadline so a Temporal outage cannot hang a request.
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../db/connection.ts';
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
  address: ConversationWorkflowInput,
  signal: SignalDefinition<[Arg]>,
  args: [Arg],
): Promise<unknown> {
  const { tenantId, ourNumber, customerNumber } = address;
  return temporal.connection.withDeadline(Date.now() + timeoutMs, () =>
    temporal.workflow.signalWithStart<typeof conversationWorkflow, [Arg]>('conversationWorkflow', {
      workflowId: conversationWorkflowId(tenantId, ourNumber, customerNumber),
      taskQueue,
      args: [{ tenantId, ourNumber, customerNumber }],
      signal,
      signalArgs: args,
      typedSearchAttributes: [{ key: tenantIdKey, value: tenantId }],
    }),
  );
}

/** Our number and the customer's for a conversation of this tenant, or null. */
export async function conversationAddress(db: Database, tenantId: string, conversationId: string): Promise<ConversationWorkflowInput | null> {
  const [row] = await db.sequelize.query<{ our_number: string; customer_number: string }>(
    `SELECT pn.phone AS our_number, ct.phone AS customer_number
       FROM conversations cv
       JOIN phone_numbers pn ON pn.id = cv.phone_number_id
       JOIN contacts ct ON ct.id = cv.contact_id
      WHERE cv.id = :conversationId AND cv.tenant_id = :tenantId`,
    { replacements: { conversationId, tenantId }, type: QueryTypes.SELECT },
  );
  return row ? { tenantId, ourNumber: row.our_number, customerNumber: row.customer_number } : null;
}
