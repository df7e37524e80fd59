// The assistant's tools for one conversation, as the tool-call activity runs them: the tenant's
// ServiceTitan client (null while its integration is off or incomplete: every ServiceTitan tool then
// hands over) and, in request mode, the booking request kept on the session, which the episode's
// booking (create-servicetitan-booking.ts) carries as its `start` through the exactly-once path, or, when
// that booking exists already, the workflow's update-servicetitan-booking-request.ts PATCHes onto it.
// In job mode, the job a booking made or found is recorded on the conversation for the episode its
// booking key names, before the activity answers: a write that fails fails the activity, whose retry
// finds the job by its external data and records it then (never a second job).
import { createToolExecutor, defaultApplicationGuid, type ToolExecutor, type ToolOutcome } from '../assistant/tools/tool-executor.ts';
import { serviceTitanClientFor, type ServiceTitanConnection } from '../clients/servicetitan/index.ts';
import { recordAssistantJob } from '../db/repositories/assistant-jobs.ts';
import { saveBookingRequest } from '../db/repositories/assistant-sessions.ts';
import { loadServiceTitanConfig, type ServiceTitanSettings } from '../db/tenant-secrets.ts';
import { episodeOfBookingKey } from '../domain/conversation-summary.ts';
import type { ActivityDeps } from './types.ts';

/** The connection of an enabled, complete integration; null otherwise. */
export function serviceTitanConnectionOf(st: ServiceTitanSettings | null): ServiceTitanConnection | null {
  if (!st || !st.enabled) return null;
  const { serviceTitanTenantId, clientId, clientSecret, appKey, authUrl, tenantApiBaseUrl } = st;
  if (!serviceTitanTenantId || !clientId || !clientSecret || !appKey || !authUrl || !tenantApiBaseUrl) return null;
  return { serviceTitanTenantId, clientId, clientSecret, appKey, authUrl, tenantApiBaseUrl };
}

/** The outcome as the workflow and the model get it: the job is ours to record, not theirs to carry. */
function withoutJob(outcome: ToolOutcome): ToolOutcome {
  return outcome.kind === 'data' ? { kind: 'data', data: outcome.data } : { kind: 'handoff', reason: outcome.reason, data: outcome.data };
}

export function assistantToolExecutorFor({ db, box, serviceTitanTokens, logger, clock }: Pick<ActivityDeps, 'db' | 'box' | 'serviceTitanTokens' | 'logger' | 'clock'>) {
  const now = clock ?? (() => new Date());
  return async (tenantId: string, conversationId: string): Promise<ToolExecutor> => {
    const connection = serviceTitanConnectionOf(await loadServiceTitanConfig(db, box, tenantId));
    const executor = createToolExecutor({
      serviceTitan: connection ? serviceTitanClientFor(connection, { tokenCache: serviceTitanTokens, timeoutMs: 10_000 }) : null,
      applicationGuid: defaultApplicationGuid,
      async requestBooking(window, summary) {
        await saveBookingRequest(db, conversationId, { ...window, summary });
        return { bookingId: null };
      },
    });
    return {
      async execute(call, ctx) {
        const outcome = await executor.execute(call, ctx);
        if (!outcome.job) return outcome;
        const episode = episodeOfBookingKey(conversationId, ctx.bookingKey);
        const recorded = episode !== null && (await recordAssistantJob(db, { tenantId, conversationId, episode, job: outcome.job, at: now() }));
        if (episode === null) logger.warn('a job booked under a key of no episode of this conversation is not recorded', { conversationId, jobNumber: outcome.job.jobNumber });
        else if (recorded) logger.info('assistant job recorded', { conversationId, episode, jobNumber: outcome.job.jobNumber });
        return withoutJob(outcome);
      },
    };
  };
}
