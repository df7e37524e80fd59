// "Try it": POST /api/tenants/:tenantId/assistants/:id/test runs the assistant's turn — the same
// prompt, model and tools as with customers — inside the request. This is the one place a model loop
// runs in a request: it is an admin's sandbox. It sends no SMS, stores nothing in the inbox, and
// makes no ServiceTitan writes (a booking is described, not made); its session lives in
// assistant_sandbox_sessions for an hour. After a handoff the assistant stays silent for the session.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { runAssistantTurn, type TraceEntry } from '../../assistant/assistant-turn.ts';
import type { ModelCaller, TurnMessage } from '../../assistant/model-caller.ts';
import { createOpenAIModelCaller } from '../../assistant/openai-model.ts';
import { systemPrompt } from '../../assistant/system-prompt.ts';
import { createToolExecutor, defaultApplicationGuid } from '../../assistant/tools/tool-executor.ts';
import { offeredTools } from '../../assistant/tools/tool-schemas.ts';
import type { EgressGuard } from '../../clients/egress/index.ts';
import { serviceTitanClientFor, type ServiceTitanTokenCache } from '../../clients/servicetitan/index.ts';
import type { Env } from '../../config/env.ts';
import type { SandboxAnswer } from '../../contract/assistants.ts';
import type { Database } from '../../db/connection.ts';
import { findAssistant, findSandboxSession, saveSandboxSession } from '../../db/repositories/assistants.ts';
import { loadServiceTitanConfig } from '../../db/tenant-secrets.ts';
import { normalizeE164 } from '../../domain/phone.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { isUuid } from '../conversations/validate.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { assistantNotFound } from './assistants.ts';

export { defaultApplicationGuid } from '../../assistant/tools/tool-executor.ts';
const sandboxTtlMinutes = 60;

export const sandboxRequestSchema = z
  .object(
    {
      from: z
        .string({ error: 'must be a phone number in E.164, like +15125550101' })
        .transform((v, ctx) => {
          const e164 = normalizeE164(v);
          if (!e164) ctx.addIssue({ code: 'custom', message: 'must be a phone number in E.164, like +15125550101' });
          return e164 ?? '';
        }),
      body: z.string({ error: 'must be text' }).trim().min(1, 'write a message to try').max(1600, 'a text can be at most 1,600 characters'),
      sessionId: z.string({ error: 'must be a session id' }).refine(isUuid, 'must be a session id from an earlier answer').optional(),
    },
    { error: 'must be a JSON object with from and body' },
  )
  .strict();

export interface SandboxDeps {
  db: Database;
  box: SecretBox;
  env: Env;
  serviceTitanTokens: ServiceTitanTokenCache;
  serviceTitanEgress: EgressGuard;
  serviceTitanTimeoutMs?: number;
  /** Tests may give their own; default: OpenAI from the environment. */
  assistantModel?: ModelCaller;
}

interface StoredSession {
  messages: TurnMessage[];
  handedOff: boolean;
  replies: number;
}

function modelOf(deps: SandboxDeps): ModelCaller {
  if (deps.assistantModel) return deps.assistantModel;
  if (!deps.env.OPENAI_API_KEY) throw new ServiceUnavailableError('No OpenAI API key is configured, so the assistant cannot answer. Set OPENAI_API_KEY.');
  return createOpenAIModelCaller({ apiKey: deps.env.OPENAI_API_KEY, baseURL: deps.env.OPENAI_BASE_URL, model: deps.env.OPENAI_MODEL, maxRetries: 1, timeoutMs: 15_000 });
}

export async function trySandbox(deps: SandboxDeps, tenantId: string, assistantId: string, input: z.output<typeof sandboxRequestSchema>): Promise<SandboxAnswer> {
  const assistant = await findAssistant(deps.db, tenantId, assistantId);
  if (!assistant) throw assistantNotFound();
  const tenant = await deps.db.models.Tenant.findByPk(tenantId, { attributes: ['name'] });
  const existing = input.sessionId ? await findSandboxSession(deps.db, tenantId, assistantId, input.sessionId) : null;
  const sameSession =
    existing !== null &&
    existing.fromPhone === input.from &&
    Date.now() - new Date(existing.updatedAt).getTime() < assistant.sessionMinutes * 60_000;
  const stored: StoredSession = sameSession ? (existing.messages as unknown as StoredSession) : { messages: [], handedOff: false, replies: 0 };
  const save = async (next: StoredSession) =>
    saveSandboxSession(deps.db, {
      id: sameSession ? existing.id : null,
      tenantId,
      assistantId,
      fromPhone: input.from,
      messages: next as unknown as unknown[],
      ttlMinutes: sandboxTtlMinutes,
    });

  if (stored.handedOff) {
    const sessionId = await save(stored);
    return { sessionId, replies: [], handoff: null, trace: [], outcome: 'silent' };
  }
  const handoffAtCap = stored.replies >= assistant.replyCap;
  if (handoffAtCap) {
    const sessionId = await save({ ...stored, handedOff: true });
    return { sessionId, replies: [assistant.handoffMessage], handoff: { reason: `reply cap (${assistant.replyCap}) reached` }, trace: [], outcome: 'handoff' };
  }

  const st = await loadServiceTitanConfig(deps.db, deps.box, tenantId);
  const connected = st !== null && st.enabled && st.serviceTitanTenantId && st.clientId && st.clientSecret && st.appKey && st.authUrl && st.tenantApiBaseUrl;
  const client = connected
    ? serviceTitanClientFor(
        { authUrl: st.authUrl!, tenantApiBaseUrl: st.tenantApiBaseUrl!, serviceTitanTenantId: st.serviceTitanTenantId!, clientId: st.clientId!, clientSecret: st.clientSecret!, appKey: st.appKey! },
        { tokenCache: deps.serviceTitanTokens, egress: deps.serviceTitanEgress, timeoutMs: deps.serviceTitanTimeoutMs ?? 10_000 },
      )
    : null;
  const business = tenant?.name ?? 'our team';
  const result = await runAssistantTurn(
    { model: modelOf(deps), tools: createToolExecutor({ serviceTitan: client, applicationGuid: defaultApplicationGuid }) },
    {
      system: systemPrompt({
        business,
        smsPrompt: assistant.smsPrompt,
        localNow: DateTime.now().setZone(assistant.timeZone).toFormat("ccc LLL d, h:mm a '('z')'"),
        customerFirstName: null,
      }),
      history: stored.messages,
      customerText: input.body,
      tools: offeredTools(assistant.tools, client !== null),
      toolContext: {
        customerPhone: input.from,
        switches: assistant.tools,
        bookingMode: assistant.bookingMode,
        defaults: { businessUnitId: st?.businessUnitId ?? null, jobTypeId: st?.jobTypeId ?? null, campaignId: st?.campaignId ?? null, priority: 'Normal' },
        timeZone: assistant.timeZone,
        bookingKey: `sandbox-${assistantId}`,
        dryRun: true,
      },
      sessionStart: stored.messages.length === 0,
      firstSms: { template: assistant.firstSms, business, firstName: null },
      handoffMessage: assistant.handoffMessage,
      closingLine: `Thanks for texting ${business}. Goodbye!`,
    },
  );
  const closed = result.outcome === 'closed' || result.outcome === 'opted_out';
  const sessionId = await save(
    closed ? { messages: [], handedOff: false, replies: 0 } : { messages: result.messages, handedOff: result.outcome === 'handoff', replies: stored.replies + (result.replies.length > 0 ? 1 : 0) },
  );
  return { sessionId, replies: result.replies, handoff: result.handoff, trace: result.trace satisfies TraceEntry[], outcome: result.outcome };
}
