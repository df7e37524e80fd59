// Where a conversation's assistant session stands when a message comes (pure). The design's rule: a
// session is new when the conversation has no message within the session length. Within it, a session
// the assistant handed over or a person took over stays with the person (the assistant is silent); one
// that ended with an end word or an opt-out is over, so the next message starts a new one (an opted-out
// contact gets nothing automated anyway: conversation-rules.ts).
export type SessionEndReason = 'bye' | 'handoff' | 'taken_over' | 'expired' | 'opted_out';

export type SessionStanding = 'new' | 'open' | 'handedOff' | 'takenOver';

export interface SessionFacts {
  /** The conversation's newest session, if any. */
  latest: { endedReason: SessionEndReason | null } | null;
  /** The newest message before this one (any direction or author), or null. */
  previousMessageAt: Date | null;
  /** When this message came. */
  at: Date;
  sessionMinutes: number;
}

export function sessionStanding({ latest, previousMessageAt, at, sessionMinutes }: SessionFacts): SessionStanding {
  const quiet = previousMessageAt === null || at.getTime() - previousMessageAt.getTime() > sessionMinutes * 60_000;
  if (quiet || latest === null) return 'new';
  if (latest.endedReason === 'handoff') return 'handedOff';
  if (latest.endedReason === 'taken_over') return 'takenOver';
  return latest.endedReason === null ? 'open' : 'new';
}

/** The assistant's state as the conversation view shows it (GET /api/conversations/:id). */
export type AssistantViewState = 'answering' | 'draft' | 'handedOff' | 'takenOver' | 'off';

export function assistantViewState(input: {
  enabled: boolean;
  mode: 'auto' | 'draft' | 'off';
  contactOptedOut: boolean;
  standing: SessionStanding;
}): AssistantViewState {
  if (!input.enabled || input.mode === 'off' || input.contactOptedOut) return 'off';
  if (input.standing === 'handedOff') return 'handedOff';
  if (input.standing === 'takenOver') return 'takenOver';
  return input.mode === 'auto' ? 'answering' : 'draft';
}
