// One conversation with its whole transcript (oldest first), for the conversation view.
import { QueryTypes } from 'sequelize';
import type { AssistantDraft, ConversationAssistant } from '../../contract/conversation-assistant.ts';
import type { Database } from '../../db/connection.ts';
import { NotFoundError } from '../errors.ts';
import { conversationAssistant, conversationDraft } from './conversation-assistant.ts';
import { loadConversationRow } from './conversation-row.ts';
import {
  presentConversationDetail,
  presentMessage,
  type ConversationDetailView,
  type MessageRow,
  type MessageView,
} from './present-conversation.ts';

export interface ConversationWithMessages {
  conversation: ConversationDetailView;
  messages: MessageView[];
  /** Extensions (contract/conversation-assistant.ts): the assistant's state, and a draft waiting for a person. */
  assistant: ConversationAssistant | null;
  draft: AssistantDraft | null;
}

export const conversationNotFound = () => new NotFoundError('No such conversation.');

export async function getConversation(db: Database, tenantId: string, id: string): Promise<ConversationWithMessages> {
  const row = await loadConversationRow(db, tenantId, id);
  if (!row) throw conversationNotFound();
  const messages = await db.sequelize.query<MessageRow>(
    `SELECT id, direction, body, status, error_code, author_user_id, author, episode, resend_of, assistant_turn_id, created_at FROM messages
      WHERE conversation_id = :id AND tenant_id = :tenantId
      ORDER BY created_at ASC, id ASC`,
    { replacements: { id, tenantId }, type: QueryTypes.SELECT },
  );
  const [assistant, draft] = await Promise.all([conversationAssistant(db, id, row.contact_opted_out), conversationDraft(db, tenantId, id)]);
  return { conversation: presentConversationDetail(row), messages: messages.map(presentMessage), assistant, draft };
}
