// The assistant's reply loop (issue 13) in a conversation:
// - assistant_sessions: one row per session of a conversation. A session is new when the conversation
//   had no message within the assistant's session length; it ends with `bye` (an end word), `handoff`
//   (the assistant handed over: silent for the rest of it), `taken_over` (a person took it over or
//   replied), `expired` (a later message started a new one) or `opted_out` (the customer's STOP: nothing
//   automated follows, ever). `messages` is the model's transcript (Chat Completions messages) the next
//   turn continues; `booking_request` the window a booking request chose (request mode), which the
//   episode's booking carries as its `start`. One open session per conversation (partial unique index).
// - assistant_turns: one recorded turn per last inbound message it covers (unique), so a retried or
//   replayed turn finds the one already recorded and never sends twice; it keeps the trace, the outcome,
//   and in draft mode the draft.
// - messages.assistant_turn_id: on a reply the assistant wrote, the turn (and so the trace) behind it;
//   on an inbound message, the turn that answered it. messages.filed_assistant: what its filing asked of
//   the assistant (`reply`, `draft`, `handoff`), kept like filed_booking so a filing run again (a retried
//   local activity whose first try committed) still asks for it.
import type { QueryInterface } from 'sequelize';

const upSql = `
CREATE TABLE assistant_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  assistant_id uuid REFERENCES assistants (id) ON DELETE SET NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  ended_reason text CONSTRAINT assistant_sessions_ended_reason_check
    CHECK (ended_reason IN ('bye', 'handoff', 'taken_over', 'expired', 'opted_out')),
  handoff_reason text,
  replies integer NOT NULL DEFAULT 0,
  messages jsonb NOT NULL DEFAULT '[]',
  booking_request jsonb,
  CONSTRAINT assistant_sessions_ended_check CHECK ((ended_at IS NULL) = (ended_reason IS NULL))
);
CREATE UNIQUE INDEX assistant_sessions_open_idx ON assistant_sessions (conversation_id) WHERE ended_at IS NULL;
CREATE INDEX assistant_sessions_conversation_idx ON assistant_sessions (conversation_id, started_at DESC);
CREATE INDEX assistant_sessions_tenant_id_idx ON assistant_sessions (tenant_id);

CREATE TABLE assistant_turns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  session_id uuid NOT NULL REFERENCES assistant_sessions (id) ON DELETE CASCADE,
  last_inbound_message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  mode text NOT NULL CONSTRAINT assistant_turns_mode_check CHECK (mode IN ('auto', 'draft')),
  outcome text NOT NULL CONSTRAINT assistant_turns_outcome_check
    CHECK (outcome IN ('replied', 'handoff', 'closed', 'opted_out', 'silenced')),
  handoff_reason text,
  draft text,
  booking text CONSTRAINT assistant_turns_booking_check CHECK (booking IN ('start', 'stop', 'keep')),
  trace jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assistant_turns_last_inbound_key UNIQUE (last_inbound_message_id)
);
CREATE INDEX assistant_turns_conversation_idx ON assistant_turns (conversation_id, created_at DESC);
CREATE INDEX assistant_turns_session_id_idx ON assistant_turns (session_id);
CREATE INDEX assistant_turns_tenant_id_idx ON assistant_turns (tenant_id);

ALTER TABLE messages
  ADD COLUMN assistant_turn_id uuid REFERENCES assistant_turns (id) ON DELETE SET NULL,
  ADD COLUMN filed_assistant text CONSTRAINT messages_filed_assistant_check CHECK (filed_assistant IN ('reply', 'draft', 'handoff'));
CREATE INDEX messages_assistant_turn_id_idx ON messages (assistant_turn_id) WHERE assistant_turn_id IS NOT NULL;
`;

const downSql = `
ALTER TABLE messages DROP COLUMN IF EXISTS filed_assistant, DROP COLUMN IF EXISTS assistant_turn_id;
DROP TABLE IF EXISTS assistant_turns;
DROP TABLE IF EXISTS assistant_sessions;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
