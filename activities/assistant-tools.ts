// The assistant's tools for one conversation, as the tool-call activity runs them: the tenant's
// ServiceTitan client (null while its integration is off or incomplete: every ServiceTitan tool then
// hands over) and, in request mode, the booking request kept on the session, which the episode's
// booking (create-servicetitan-booking.ts) carries as its `start` through the exactly-once path, or, when
// that booking exists already, the workflow's update-servicetitan-booking-request.ts PATCHes onto it.
import { createToolExecutor, defaultApplicationGuid, type ToolExecutor } from '../assistant/tools/tool-executor.ts';
import { serviceTitanClientFor, type ServiceTitanConnection } from '../clients/servicetitan/index.ts';
import { saveBookingRequest } from '../db/repositories/assistant-sessions.ts';
import { loadServiceTitanConfig, type ServiceTitanSettings } from '../db/tenant-secrets.ts';
import type { ActivityDeps } from './types.ts';

/** The connection of an enabled, complete integration; null otherwise. */
export function serviceTitanConnectionOf(st: ServiceTitanSettings | null): ServiceTitanConnection | null {
  if (!st || !st.enabled) return null;
  const { serviceTitanTenantId, clientId, clientSecret, appKey, authUrl, tenantApiBaseUrl } = st;
  if (!serviceTitanTenantId || !clientId || !clientSecret || !appKey || !authUrl || !tenantApiBaseUrl) return null;
  return { serviceTitanTenantId, clientId, clientSecret, appKey, authUrl, tenantApiBaseUrl };
}

export function assistantToolExecutorFor({ db, box, serviceTitanTokens }: Pick<ActivityDeps, 'db' | 'box' | 'serviceTitanTokens'>) {
  return async (tenantId: string, conversationId: string): Promise<ToolExecutor> => {
    const connection = serviceTitanConnectionOf(await loadServiceTitanConfig(db, box, tenantId));
    return createToolExecutor({
      serviceTitan: connection ? serviceTitanClientFor(connection, { tokenCache: serviceTitanTokens, timeoutMs: 10_000 }) : null,
      applicationGuid: defaultApplicationGuid,
      async requestBooking(window, summary) {
        await saveBookingRequest(db, conversationId, { ...window, summary });
        return { bookingId: null };
      },
    });
  };
}
