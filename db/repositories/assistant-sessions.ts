// The assistant's sessions and recorded turns in a conversation (migration 0013 explains the tables):
// the SQL of the reply loop's activities and of the conversation API's assistant fields. Writers take
// the caller's transaction, which has locked the conversation (lockConversation), so a filing, a turn
// being recorded and a person taking over never interleave.
import { QueryTypes, type Transaction } from 'sequelize';
import type { TraceEntry } from '../../assistant/assistant-turn.ts';
import type { TurnMessage } from '../../assistant/model-caller.ts';
import { sessionStanding, type SessionEndReason, type SessionStanding } from '../../domain/assistant-session.ts';
import type { AssistantMode, BookingIntent } from '../../domain/conversation-rules.ts';
import type { Database } from '../connection.ts';
import { findAssistant, type AssistantRow } from './assistants.ts';

export interface AssistantSessionRow {
  id: string;
  startedAt: Date;
  lastMessageAt: Date;
  endedReason: SessionEndReason | null;
  handoffReason: string | null;
  replies: number;
  messages: TurnMessage[];
}

/** The window a booking request chose (request mode), for the episode's booking. */
export interface BookingRequest {
  episode: number;
  start: string;
  end: string;
  label: string;
  summary: string;
}

const tx = (transaction?: Transaction) => (transaction ? { transaction } : {});
const newest = (a: Date | null, b: Date | null): Date | null => (a === null ? b : b === null || a >= b ? a : b);

const sessionColumns = `id, started_at AS "startedAt", last_message_at AS "lastMessageAt", ended_reason AS "endedReason",
  handoff_reason AS "handoffReason", replies, messages`;

/** The assistant of the conversation's number (whatever its mode), or null. */
export async function assistantOfConversation(db: Database, conversationId: string, transaction?: Transaction): Promise<AssistantRow | null> {
  const [row] = await db.sequelize.query<{ id: string; tenant_id: string }>(
    `SELECT a.id, a.tenant_id FROM conversations cv
       JOIN assistant_phone_numbers p ON p.phone_number_id = cv.phone_number_id AND p.tenant_id = cv.tenant_id
       JOIN assistants a ON a.id = p.assistant_id
      WHERE cv.id = :conversationId`,
    { replacements: { conversationId }, type: QueryTypes.SELECT, ...tx(transaction) },
  );
  return row ? findAssistant(db, row.tenant_id, row.id, transaction) : null;
}

/** The mode the assistant answers in, or null when it does not answer (disabled, off). */
export function answeringMode(assistant: AssistantRow | null): AssistantMode | null {
  if (!assistant || !assistant.enabled || assistant.mode === 'off') return null;
  return assistant.mode;
}

export async function latestSession(db: Database, conversationId: string, transaction?: Transaction): Promise<AssistantSessionRow | null> {
  const [row] = await db.sequelize.query<AssistantSessionRow>(
    `SELECT ${sessionColumns} FROM assistant_sessions WHERE conversation_id = :conversationId ORDER BY started_at DESC, id DESC LIMIT 1`,
    { replacements: { conversationId }, type: QueryTypes.SELECT, ...tx(transaction) },
  );
  return row ?? null;
}

export async function openSession(db: Database, conversationId: string, transaction?: Transaction): Promise<AssistantSessionRow | null> {
  const [row] = await db.sequelize.query<AssistantSessionRow>(
    `SELECT ${sessionColumns} FROM assistant_sessions WHERE conversation_id = :conversationId AND ended_at IS NULL`,
    { replacements: { conversationId }, type: QueryTypes.SELECT, ...tx(transaction) },
  );
  return row ?? null;
}

/** When the message came, and the newest message of the conversation before it (null: none). */
async function messageTimes(db: Database, messageId: string, transaction: Transaction): Promise<{ at: Date; previousAt: Date | null } | null> {
  const [row] = await db.sequelize.query<{ at: Date; previous_at: Date | null }>(
    `SELECT m.created_at AS at,
            (SELECT max(o.created_at) FROM messages o
              WHERE o.conversation_id = m.conversation_id AND o.id <> m.id AND o.created_at <= m.created_at) AS previous_at
       FROM messages m WHERE m.id = :messageId`,
    { replacements: { messageId }, type: QueryTypes.SELECT, transaction },
  );
  return row ? { at: row.at, previousAt: row.previous_at } : null;
}

export async function endOpenSession(
  db: Database,
  conversationId: string,
  reason: SessionEndReason,
  transaction: Transaction,
  handoffReason: string | null = null,
): Promise<void> {
  await db.sequelize.query(
    `UPDATE assistant_sessions SET ended_at = now(), ended_reason = :reason, handoff_reason = COALESCE(:handoffReason, handoff_reason)
      WHERE conversation_id = :conversationId AND ended_at IS NULL`,
    { replacements: { conversationId, reason, handoffReason }, transaction },
  );
}

/**
 * An inbound message is being filed: the session it belongs to (a new one when the conversation was
 * quiet for the session length; the one before ends `expired`). The assistant's mode when it answers
 * this message, null when it does not (no assistant, off, or a person has the session).
 */
export async function enterSession(
  db: Database,
  conversation: { id: string; tenantId: string; contactOptedOut: boolean },
  messageId: string,
  transaction: Transaction,
): Promise<AssistantMode | null> {
  const assistant = await assistantOfConversation(db, conversation.id, transaction);
  const mode = answeringMode(assistant);
  if (!assistant || !mode || conversation.contactOptedOut) return null;
  const times = await messageTimes(db, messageId, transaction);
  if (!times) return null;
  const latest = await latestSession(db, conversation.id, transaction);
  // A person who took the session over without writing yet holds it from when they took it.
  const previousMessageAt = newest(times.previousAt, latest?.lastMessageAt ?? null);
  const standing = sessionStanding({ latest, previousMessageAt, at: times.at, sessionMinutes: assistant.sessionMinutes });
  if (standing === 'handedOff' || standing === 'takenOver') return null;
  if (standing === 'new') {
    await endOpenSession(db, conversation.id, 'expired', transaction);
    await db.sequelize.query(
      `INSERT INTO assistant_sessions (tenant_id, conversation_id, assistant_id, started_at, last_message_at)
       VALUES (:tenantId, :conversationId, :assistantId, :at, :at)`,
      { replacements: { tenantId: conversation.tenantId, conversationId: conversation.id, assistantId: assistant.id, at: times.at }, transaction },
    );
  } else {
    await db.sequelize.query(
      'UPDATE assistant_sessions SET last_message_at = GREATEST(last_message_at, :at) WHERE conversation_id = :conversationId AND ended_at IS NULL',
      { replacements: { conversationId: conversation.id, at: times.at }, transaction },
    );
  }
  return mode;
}

/**
 * A person takes the session over (the inbox's "Take over", or a reply while the assistant answers in
 * auto mode): the open session ends `taken_over`; with none open, an ended one is written, so the
 * customer's next message within the session length stays with the person. `onlyAuto`: a person's reply
 * in draft mode is how drafts go out, not a takeover. False when there is nothing to take over.
 */
export async function takeOverSession(
  db: Database,
  conversation: { id: string; tenantId: string },
  { onlyAuto }: { onlyAuto: boolean },
  transaction: Transaction,
): Promise<boolean> {
  const assistant = await assistantOfConversation(db, conversation.id, transaction);
  const mode = answeringMode(assistant);
  if (!assistant || !mode || (onlyAuto && mode !== 'auto')) return false;
  const open = await openSession(db, conversation.id, transaction);
  if (open) {
    await endOpenSession(db, conversation.id, 'taken_over', transaction);
    return true;
  }
  const latest = await latestSession(db, conversation.id, transaction);
  if (latest?.endedReason === 'taken_over') {
    await db.sequelize.query('UPDATE assistant_sessions SET last_message_at = now() WHERE id = :id', { replacements: { id: latest.id }, transaction });
    return true;
  }
  await db.sequelize.query(
    `INSERT INTO assistant_sessions (tenant_id, conversation_id, assistant_id, ended_at, ended_reason)
     VALUES (:tenantId, :conversationId, :assistantId, now(), 'taken_over')`,
    { replacements: { tenantId: conversation.tenantId, conversationId: conversation.id, assistantId: assistant.id }, transaction },
  );
  return true;
}

/** "Hand back": a session a person took over (or the assistant handed over) is the assistant's again. */
export async function handBackSession(db: Database, conversationId: string, transaction: Transaction): Promise<boolean> {
  const latest = await latestSession(db, conversationId, transaction);
  if (!latest || (latest.endedReason !== 'taken_over' && latest.endedReason !== 'handoff')) return false;
  await db.sequelize.query(
    'UPDATE assistant_sessions SET ended_at = NULL, ended_reason = NULL, handoff_reason = NULL, replies = 0, last_message_at = now() WHERE id = :id',
    { replacements: { id: latest.id }, transaction },
  );
  return true;
}

/** Where the conversation's session stands now (for the conversation view). */
export async function standingNow(db: Database, conversationId: string, sessionMinutes: number): Promise<{ standing: SessionStanding; reason: string | null }> {
  const latest = await latestSession(db, conversationId);
  const [row] = await db.sequelize.query<{ last_at: Date | null; now: Date }>(
    `SELECT (SELECT max(created_at) FROM messages WHERE conversation_id = :conversationId) AS last_at, now() AS now`,
    { replacements: { conversationId }, type: QueryTypes.SELECT },
  );
  // A session a person holds with no message yet (just taken over) dates from when they took it.
  const lastAt = newest(row?.last_at ?? null, latest?.lastMessageAt ?? null);
  const standing = sessionStanding({ latest, previousMessageAt: lastAt, at: row?.now ?? new Date(), sessionMinutes });
  return { standing, reason: standing === 'handedOff' ? (latest?.handoffReason ?? null) : null };
}

// ---- Turns ----

/** What a turn needs to know about the conversation, its contact and its business. */
export interface TurnConversation {
  tenantId: string;
  episode: number;
  business: string;
  customerPhone: string;
  customerFirstName: string | null;
  optedOut: boolean;
}

export async function turnConversation(db: Database, conversationId: string): Promise<TurnConversation | null> {
  const [row] = await db.sequelize.query<TurnConversation>(
    `SELECT cv.tenant_id AS "tenantId", cv.episode, t.name AS business, ct.phone AS "customerPhone",
            ct.first_name AS "customerFirstName", ct.opted_out AS "optedOut"
       FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id JOIN tenants t ON t.id = cv.tenant_id
      WHERE cv.id = :conversationId`,
    { replacements: { conversationId }, type: QueryTypes.SELECT },
  );
  return row ?? null;
}

/** The texts of these inbound messages of the conversation, oldest first. */
export async function inboundTexts(db: Database, conversationId: string, messageIds: readonly string[]): Promise<string[]> {
  if (messageIds.length === 0) return [];
  const rows = await db.sequelize.query<{ body: string }>(
    `SELECT body FROM messages WHERE conversation_id = :conversationId AND direction = 'inbound' AND id IN (:ids) ORDER BY created_at, id`,
    { replacements: { conversationId, ids: [...messageIds] }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.body);
}

/**
 * A turn's inbound messages: when the newest of them came (for "a person answered it since"), whether one
 * was filed for the assistant to reply to (auto mode: no person asked for yet) and no turn answered it,
 * and whether they were filed for a draft (draft mode).
 */
export async function turnInbound(
  db: Database,
  conversationId: string,
  messageIds: readonly string[],
  transaction?: Transaction,
): Promise<{ lastAt: Date | null; awaitingReply: boolean; draft: boolean }> {
  if (messageIds.length === 0) return { lastAt: null, awaitingReply: false, draft: false };
  const [row] = await db.sequelize.query<{ last_at: Date | null; awaiting_reply: boolean | null; draft: boolean | null }>(
    `SELECT max(created_at) AS last_at, bool_or(filed_assistant = 'reply' AND assistant_turn_id IS NULL) AS awaiting_reply,
            bool_or(filed_assistant = 'draft') AS draft
       FROM messages WHERE conversation_id = :conversationId AND direction = 'inbound' AND id IN (:ids)`,
    { replacements: { conversationId, ids: [...messageIds] }, type: QueryTypes.SELECT, ...tx(transaction) },
  );
  return { lastAt: row?.last_at ?? null, awaitingReply: row?.awaiting_reply === true, draft: row?.draft === true };
}

export interface RecordedTurn {
  id: string;
  outcome: TurnRecordOutcome;
  booking: BookingIntent | null;
  replyMessageIds: string[];
}

export type TurnRecordOutcome = 'replied' | 'handoff' | 'closed' | 'opted_out' | 'silenced';

export async function findTurnByLastInbound(db: Database, lastInboundMessageId: string, transaction: Transaction): Promise<RecordedTurn | null> {
  const [row] = await db.sequelize.query<{ id: string; outcome: TurnRecordOutcome; booking: BookingIntent | null; reply_ids: string[] | null }>(
    `SELECT t.id, t.outcome, t.booking,
            (SELECT array_agg(m.id::text ORDER BY m.created_at, m.id) FROM messages m
              WHERE m.assistant_turn_id = t.id AND m.direction = 'outbound') AS reply_ids
       FROM assistant_turns t WHERE t.last_inbound_message_id = :lastInboundMessageId`,
    { replacements: { lastInboundMessageId }, type: QueryTypes.SELECT, transaction },
  );
  return row ? { id: row.id, outcome: row.outcome, booking: row.booking, replyMessageIds: row.reply_ids ?? [] } : null;
}

export interface TurnWrite {
  tenantId: string;
  conversationId: string;
  sessionId: string;
  lastInboundMessageId: string;
  /** Every inbound message the turn answered (the burst). */
  inboundMessageIds: string[];
  mode: AssistantMode;
  outcome: TurnRecordOutcome;
  handoffReason: string | null;
  draft: string | null;
  booking: BookingIntent;
  trace: TraceEntry[];
}

/** Writes the turn and marks the messages it answered. */
export async function insertTurn(db: Database, turn: TurnWrite, transaction: Transaction): Promise<string> {
  const [row] = await db.sequelize.query<{ id: string }>(
    `INSERT INTO assistant_turns (tenant_id, conversation_id, session_id, last_inbound_message_id, mode, outcome, handoff_reason, draft, booking, trace)
     VALUES (:tenantId, :conversationId, :sessionId, :lastInboundMessageId, :mode, :outcome, :handoffReason, :draft, :booking, CAST(:trace AS jsonb))
     RETURNING id`,
    { replacements: { ...turn, trace: JSON.stringify(turn.trace) }, type: QueryTypes.SELECT, transaction },
  );
  const id = row!.id;
  await db.sequelize.query(
    `UPDATE messages SET assistant_turn_id = :id WHERE id IN (:ids) AND direction = 'inbound' AND conversation_id = :conversationId`,
    { replacements: { id, ids: turn.inboundMessageIds, conversationId: turn.conversationId }, transaction },
  );
  return id;
}

/** Queues the assistant's texts (author `assistant`) in order; their ids, for the send activity. */
export async function insertAssistantReplies(
  db: Database,
  { tenantId, conversationId, turnId, texts }: { tenantId: string; conversationId: string; turnId: string; texts: string[] },
  transaction: Transaction,
): Promise<string[]> {
  const ids: string[] = [];
  for (const body of texts) {
    // clock_timestamp(): each text a little later than the one before, so the transcript keeps their order.
    const [row] = await db.sequelize.query<{ id: string; created_at: Date }>(
      `INSERT INTO messages (id, tenant_id, conversation_id, direction, author, body, status, num_media, media_urls, assistant_turn_id, created_at, updated_at)
       VALUES (gen_random_uuid(), :tenantId, :conversationId, 'outbound', 'assistant', :body, 'queued', 0, '[]'::jsonb, :turnId, clock_timestamp(), now())
       RETURNING id, created_at`,
      { replacements: { tenantId, conversationId, body, turnId }, type: QueryTypes.SELECT, transaction },
    );
    ids.push(row!.id);
    await db.sequelize.query(
      'UPDATE conversations SET last_message_at = GREATEST(last_message_at, :at), updated_at = now() WHERE id = :conversationId',
      { replacements: { conversationId, at: row!.created_at }, transaction },
    );
  }
  return ids;
}

/** After a turn: the transcript for the next one, the reply count, and how the session ended (if it did). */
export async function updateSessionAfterTurn(
  db: Database,
  session: { id: string; messages: TurnMessage[]; replied: boolean; ended: SessionEndReason | null; handoffReason: string | null },
  transaction: Transaction,
): Promise<void> {
  await db.sequelize.query(
    `UPDATE assistant_sessions
        SET messages = CAST(:messages AS jsonb), replies = replies + :replied, last_message_at = now(),
            ended_at = CASE WHEN CAST(:ended AS text) IS NULL THEN ended_at ELSE now() END,
            ended_reason = COALESCE(CAST(:ended AS text), ended_reason),
            handoff_reason = COALESCE(:handoffReason, handoff_reason)
      WHERE id = :id AND ended_at IS NULL`,
    {
      replacements: { id: session.id, messages: JSON.stringify(session.messages), replied: session.replied ? 1 : 0, ended: session.ended, handoffReason: session.handoffReason },
      transaction,
    },
  );
}

// ---- Booking requests ----

/** Request mode: the window the customer chose, kept on the open session for the current episode's booking. */
export async function saveBookingRequest(db: Database, conversationId: string, request: Omit<BookingRequest, 'episode'>): Promise<void> {
  await db.sequelize.query(
    `UPDATE assistant_sessions s SET booking_request = CAST(:request AS jsonb) || jsonb_build_object('episode', cv.episode)
       FROM conversations cv
      WHERE cv.id = s.conversation_id AND s.conversation_id = :conversationId AND s.ended_at IS NULL`,
    { replacements: { conversationId, request: JSON.stringify(request) } },
  );
}

/** The newest booking request of the episode, or null. */
export async function bookingRequestFor(db: Database, conversationId: string, episode: number): Promise<BookingRequest | null> {
  const [row] = await db.sequelize.query<{ booking_request: BookingRequest }>(
    `SELECT booking_request FROM assistant_sessions
      WHERE conversation_id = :conversationId AND booking_request IS NOT NULL AND (booking_request->>'episode')::int = :episode
      ORDER BY started_at DESC LIMIT 1`,
    { replacements: { conversationId, episode }, type: QueryTypes.SELECT },
  );
  return row?.booking_request ?? null;
}

// ---- The conversation view ----

/** The draft waiting for a person: the newest draft turn with no outbound message after it. */
export async function pendingDraft(db: Database, tenantId: string, conversationId: string): Promise<{ body: string } | null> {
  const [row] = await db.sequelize.query<{ draft: string }>(
    `SELECT t.draft FROM assistant_turns t
      WHERE t.conversation_id = :conversationId AND t.tenant_id = :tenantId
        AND t.id = (SELECT id FROM assistant_turns WHERE conversation_id = :conversationId ORDER BY created_at DESC, id DESC LIMIT 1)
        AND t.mode = 'draft' AND t.draft IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = t.conversation_id AND m.direction = 'outbound' AND m.created_at > t.created_at)`,
    { replacements: { tenantId, conversationId }, type: QueryTypes.SELECT },
  );
  return row ? { body: row.draft } : null;
}

/** The trace behind one of the assistant's messages in the tenant's conversation; null when it has none. */
/** The turn behind one of the assistant's messages: its trace, how it ended, and why it handed over. */
export interface MessageTraceRow {
  trace: TraceEntry[];
  outcome: TurnRecordOutcome;
  handoffReason: string | null;
}

export async function traceOfMessage(db: Database, tenantId: string, conversationId: string, messageId: string): Promise<MessageTraceRow | null> {
  const [row] = await db.sequelize.query<{ trace: TraceEntry[]; outcome: TurnRecordOutcome; handoff_reason: string | null }>(
    `SELECT t.trace, t.outcome, t.handoff_reason FROM messages m JOIN assistant_turns t ON t.id = m.assistant_turn_id
      WHERE m.id = :messageId AND m.conversation_id = :conversationId AND m.tenant_id = :tenantId AND m.direction = 'outbound'`,
    { replacements: { tenantId, conversationId, messageId }, type: QueryTypes.SELECT },
  );
  return row ? { trace: row.trace, outcome: row.outcome, handoffReason: row.handoff_reason } : null;
}
