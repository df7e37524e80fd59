// Extensions of the conversation view's JSON for the AI assistant (GET /api/conversations/:id), shared
// by api/ and web/. Types only: api/conversations/conversation-assistant.ts builds exactly these.

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

/** A draft mode reply waiting for a person to send it. */
export interface AssistantDraft {
  body: string;
}

/** GET /api/conversations/:id/messages/:messageId/trace: why the assistant said it (contract "Assistants", trace shape). */
export interface MessageTraceAnswer {
  trace: unknown[];
}
