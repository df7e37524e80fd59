// Extensions of the conversation view's JSON for the AI assistant (GET /api/conversations/:id), shared
// by api/ and web/. Types only: api/conversations/conversation-assistant.ts builds exactly these.
import type { SandboxTraceEntry } from './assistants.ts';

/**
 * Who is speaking in the conversation's session: `answering` (auto mode), `draft` (the assistant writes,
 * a person sends), `handedOff` (the assistant handed over: silent for the session; `reason` says why),
 * `takenOver` (a person took it over or replied), `off` (disabled, mode off, or the customer opted out).
 * Null: no assistant answers this number.
 */
export type AssistantSessionState = 'answering' | 'draft' | 'handedOff' | 'takenOver' | 'off';

export interface ConversationAssistant {
  state: AssistantSessionState;
  reason?: string;
}

/**
 * The ServiceTitan job the assistant booked in job mode (its customer, job and appointment), for one
 * episode: `serviceTitanJob` of a conversation (the current episode's; null when it has none) and of each
 * of `pastEpisodes`. Times are ISO 8601 UTC; the arrival window is the job's appointment's; `bookedAt` is
 * when IntelliSend first recorded the job (a retried or repeated booking keeps it).
 */
export interface AssistantServiceTitanJob {
  jobId: number;
  jobNumber: string;
  arrivalWindowStart: string;
  arrivalWindowEnd: string;
  bookedAt: string;
}

/** A draft mode reply waiting for a person to send it. */
export interface AssistantDraft {
  body: string;
}

/** How the turn behind a reply ended (assistant_turns.outcome). */
export type AssistantTurnOutcome = 'replied' | 'handoff' | 'closed' | 'opted_out' | 'silenced';

/**
 * GET /api/conversations/:id/messages/:messageId/trace: why the assistant said it. `trace` has the
 * sandbox's entry shape (contract "Assistants"); `outcome` and `handoff` are the turn's, so a handoff's
 * reason is there even when no entry names it (the model down, a complaint, the reply cap).
 */
export interface MessageTraceAnswer {
  trace: SandboxTraceEntry[];
  outcome: AssistantTurnOutcome;
  handoff: { reason: string } | null;
}
