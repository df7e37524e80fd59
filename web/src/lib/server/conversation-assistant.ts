// The conversation view's assistant, server side: the trace behind one of its replies, and a person
// taking the session over or handing it back (the Inbox API's …/assistant/take-over and …/hand-back).
import type { MessageTraceAnswer } from '#lib/api-types.ts';
import type { OpenTrace } from '#lib/assistant/open-trace.ts';
import { ApiError, apiRequest } from '#lib/server/api.ts';

type Fetch = typeof fetch;

export async function loadMessageTrace(fetch: Fetch, conversationId: string, messageId: string): Promise<OpenTrace> {
  try {
    const answer = await apiRequest<MessageTraceAnswer>(
      fetch,
      `/api/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}/trace`,
    );
    return { messageId, answer, error: null };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { messageId, answer: null, error: 'This message has no trace.' };
    return { messageId, answer: null, error: 'The trace could not be loaded. Try again.' };
  }
}

export type SessionChange = 'takeOver' | 'handBack';

const paths: Record<SessionChange, string> = { takeOver: 'take-over', handBack: 'hand-back' };

export type SessionChangeOutcome = { changed: true } | { changed: false; status: number; message: string };

export async function changeAssistantSession(fetch: Fetch, conversationId: string, change: SessionChange): Promise<SessionChangeOutcome> {
  try {
    await apiRequest(fetch, `/api/conversations/${encodeURIComponent(conversationId)}/assistant/${paths[change]}`, { method: 'POST', json: {} });
    return { changed: true };
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) return { changed: false, status: 409, message: 'No assistant answers this number any more.' };
    if (err instanceof ApiError && err.status < 500) return { changed: false, status: err.status, message: err.message };
    const verb = change === 'takeOver' ? 'take it over' : 'hand it back';
    return { changed: false, status: 502, message: `Could not ${verb}. Try again.` };
  }
}
