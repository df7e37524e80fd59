// The words of the conversation view's "who is speaking" strip, one per assistant session state
// (contract/conversation-assistant.ts), and which change a person can make from each.
import type { AssistantSessionState } from '#lib/api-types.ts';

export interface SessionLabel {
  title: string;
  detail: string;
  /** The strip's button: take the session over, hand it back, or none (the assistant is off). */
  change: 'takeOver' | 'handBack' | null;
}

export const sessionLabels: Record<AssistantSessionState, SessionLabel> = {
  answering: { title: 'Assistant answering', detail: 'It replies to this customer by itself.', change: 'takeOver' },
  draft: { title: 'Draft mode', detail: 'The assistant suggests each reply; a person sends it.', change: 'takeOver' },
  handedOff: { title: 'Handed over', detail: 'The assistant is silent for the rest of this session.', change: 'handBack' },
  takenOver: { title: 'Taken over', detail: 'A person is answering; the assistant is silent for this session.', change: 'handBack' },
  off: { title: 'Assistant off', detail: 'It does not answer this conversation (switched off, or the customer opted out).', change: null },
};
