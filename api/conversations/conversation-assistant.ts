// The assistant in the conversation view: who is speaking in the session (GET /api/conversations/:id →
// `assistant`, `draft`), why it said what it said (…/messages/:messageId/trace), and a person taking the
// session over or handing it back (…/assistant/take-over, …/assistant/hand-back). Postgres changes
// first; the workflow is then told (best effort: a turn under way finds the change when it records).
import type { AssistantDraft, ConversationAssistant, MessageTraceAnswer } from '../../contract/conversation-assistant.ts';
import type { Database } from '../../db/connection.ts';
import { notifyConversationUpdated } from '../../db/conversation-events.ts';
import { answeringMode, assistantOfConversation, handBackSession, pendingDraft, standingNow, takeOverSession, traceOfMessage } from '../../db/repositories/assistant-sessions.ts';
import { lockConversation } from '../../db/repositories/conversation-decisions.ts';
import { assistantViewState } from '../../domain/assistant-session.ts';
import type { Logger } from '../../logging/logger.ts';
import { assistantSessionSignal } from '../../workflows/definitions.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { signalConversation, type ConversationTemporal } from '../temporal/signal-conversation.ts';
import { loadConversationRow } from './conversation-row.ts';
import { conversationNotFound } from './get-conversation.ts';
import { presentConversationDetail, type ConversationDetailView } from './present-conversation.ts';

/** The conversation's assistant state; null when no assistant answers its number. */
export async function conversationAssistant(db: Database, conversationId: string, contactOptedOut: boolean): Promise<ConversationAssistant | null> {
  const assistant = await assistantOfConversation(db, conversationId);
  if (!assistant) return null;
  const { standing, reason } = await standingNow(db, conversationId, assistant.sessionMinutes);
  const state = assistantViewState({ enabled: assistant.enabled, mode: assistant.mode, contactOptedOut, standing });
  return state === 'handedOff' && reason ? { state, reason } : { state };
}

export function conversationDraft(db: Database, tenantId: string, conversationId: string): Promise<AssistantDraft | null> {
  return pendingDraft(db, tenantId, conversationId);
}

/** The trace of one of the assistant's replies in the tenant's conversation; 404 for anything else. */
export async function messageTrace(db: Database, tenantId: string, conversationId: string, messageId: string): Promise<MessageTraceAnswer> {
  const turn = await traceOfMessage(db, tenantId, conversationId, messageId);
  if (!turn) throw new NotFoundError('No assistant reply with a trace in this conversation.');
  return { trace: turn.trace, outcome: turn.outcome, handoff: turn.handoffReason ? { reason: turn.handoffReason } : null };
}

export interface AssistantSessionDeps extends ConversationTemporal {
  db: Database;
  logger: Logger;
}

const noAssistant = () => new ConflictError('No assistant answers this conversation’s number.');

/**
 * "Take over": the assistant stays silent for the rest of the session. "Hand back": a session a person
 * took over (or the assistant handed over) is the assistant's again; idempotent both ways.
 */
export async function changeAssistantSession(
  deps: AssistantSessionDeps,
  tenantId: string,
  conversationId: string,
  change: 'takenOver' | 'handedBack',
): Promise<ConversationDetailView> {
  const { db } = deps;
  await db.sequelize.transaction(async (transaction) => {
    const conversation = await lockConversation(db, { conversationId, tenantId }, transaction);
    if (!conversation) throw conversationNotFound();
    if (!answeringMode(await assistantOfConversation(db, conversationId, transaction))) throw noAssistant();
    if (change === 'takenOver') await takeOverSession(db, { id: conversationId, tenantId }, { onlyAuto: false }, transaction);
    else await handBackSession(db, conversationId, transaction);
  });
  await notifyConversationUpdated(db.sequelize, { tenantId, id: conversationId });
  await signalConversation(deps, { tenantId, conversationId }, assistantSessionSignal, [{ change }]).catch((err: unknown) =>
    deps.logger.warn('could not tell the workflow about an assistant session change', { conversationId, change, error: err }),
  );
  const row = await loadConversationRow(db, tenantId, conversationId);
  if (!row) throw conversationNotFound();
  return presentConversationDetail(row);
}
