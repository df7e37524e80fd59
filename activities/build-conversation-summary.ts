import type { Database } from '../db/connection.ts';
import { formatTranscript } from '../domain/conversation-summary.ts';

/** The newest messages of a conversation as the plain transcript a ServiceTitan CSR reads. */
export async function buildConversationSummary(
  db: Database,
  conversationId: string,
  maxMessages = 5,
  maxChars = 800,
): Promise<string> {
  const newest = await db.models.Message.findAll({
    where: { conversationId },
    order: [['createdAt', 'DESC'], ['id', 'DESC']],
    limit: maxMessages,
  });
  return formatTranscript(
    newest.reverse().map((m) => ({ direction: m.direction, body: m.body })),
    maxMessages,
    maxChars,
  );
}
