// Conversations get a lifecycle (open → resolved, reopened as the next episode), messages say who wrote
// them and which episode they belong to, and the message row becomes the inbound outbox.
//
// Per-episode booking: the booking columns on `conversations` describe the CURRENT episode (its status,
// ServiceTitan id, attempts, last error). Only the current episode is ever booked or shown in the inbox,
// so every query that already reads them (list, view, booking activity) stays one row, no join on the
// hot path. When an inbound message reopens a resolved conversation as the next episode, the ended
// episode's booking is appended to `past_episodes` (jsonb, one object per ended episode) in the same
// statement, and the columns start over for the new one. The transcript's boundaries come from
// `messages.episode`.
//
// Inbound outbox: `messages.relay_pending` is true until the relay has handed the message to its
// conversation's workflow. The webhook writes contact, conversation and message in one statement and
// answers; `inbound_outbox` is retired (every row in it was delivered or is re-delivered by Twilio; the
// message rows it stood for are marked signalled below).
import type { QueryInterface } from 'sequelize';

const upSql = `
ALTER TABLE conversations
  ADD COLUMN status text NOT NULL DEFAULT 'open'
    CONSTRAINT conversations_status_check CHECK (status IN ('open', 'resolved')),
  ADD COLUMN episode integer NOT NULL DEFAULT 1 CONSTRAINT conversations_episode_check CHECK (episode >= 1),
  ADD COLUMN resolved_at timestamptz,
  -- When a person last answered (a reply or "mark handled"): a filing of an older message leaves the flag alone.
  ADD COLUMN handled_at timestamptz,
  -- Work the workflow could not do (a non-retryable failure), for the conversation view.
  ADD COLUMN last_error text,
  ADD COLUMN past_episodes jsonb NOT NULL DEFAULT '[]'::jsonb;

-- The inbox within one status (open by default).
CREATE INDEX conversations_inbox_status_idx ON conversations (tenant_id, status, category, needs_attention, last_message_at, created_at);

ALTER TABLE tenants
  -- A conversation without a message for this long resolves itself (7 days).
  ADD COLUMN conversation_idle_seconds integer NOT NULL DEFAULT 604800
    CONSTRAINT tenants_conversation_idle_seconds_check CHECK (conversation_idle_seconds > 0);

ALTER TABLE messages
  ADD COLUMN author text CONSTRAINT messages_author_check CHECK (author IN ('customer', 'person', 'assistant', 'system')),
  ADD COLUMN episode integer,
  -- True from the webhook until the relay has handed the message to its workflow (seeded rows never wait).
  ADD COLUMN relay_pending boolean NOT NULL DEFAULT false,
  -- When the workflow filed this inbound message: a message signalled twice is filed once.
  ADD COLUMN filed_at timestamptz,
  -- What its filing decided about the booking, so a filing run again (a retried local activity whose first
  -- try committed) can still ask for a booking that never began.
  ADD COLUMN filed_booking text CONSTRAINT messages_filed_booking_check CHECK (filed_booking IN ('start', 'stop', 'keep'));

UPDATE messages SET author = CASE WHEN direction = 'inbound' THEN 'customer'
                                  WHEN author_user_id IS NOT NULL THEN 'person' ELSE 'system' END,
                    episode = 1,
                    filed_at = CASE WHEN direction = 'inbound' THEN created_at END;

-- Every writer (raw SQL, models, seeds) gets the author and episode right without repeating the rule:
-- inbound is the customer's, an outbound message with a user is a person's, any other is the system's;
-- a message belongs to its conversation's current episode.
CREATE FUNCTION messages_fill_author_episode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.author IS NULL THEN
    NEW.author := CASE WHEN NEW.direction = 'inbound' THEN 'customer'
                       WHEN NEW.author_user_id IS NOT NULL THEN 'person' ELSE 'system' END;
  END IF;
  IF NEW.episode IS NULL THEN
    NEW.episode := (SELECT episode FROM conversations WHERE id = NEW.conversation_id);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER messages_fill_author_episode BEFORE INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_fill_author_episode();

ALTER TABLE messages ALTER COLUMN author SET NOT NULL, ALTER COLUMN episode SET NOT NULL;

-- The relay's sweep: inbound messages not yet handed to their workflow, oldest first.
CREATE INDEX messages_relay_pending_idx ON messages (created_at) WHERE relay_pending;

DROP TABLE IF EXISTS inbound_outbox;
`;

const downSql = `
CREATE TABLE inbound_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message_sid text NOT NULL CONSTRAINT inbound_outbox_message_sid_key UNIQUE,
  workflow_id text NOT NULL,
  payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_outbox_pending_idx ON inbound_outbox (created_at) WHERE delivered_at IS NULL;
DROP INDEX IF EXISTS messages_relay_pending_idx;
DROP TRIGGER IF EXISTS messages_fill_author_episode ON messages;
DROP FUNCTION IF EXISTS messages_fill_author_episode();
ALTER TABLE messages DROP COLUMN author, DROP COLUMN episode, DROP COLUMN relay_pending, DROP COLUMN filed_at, DROP COLUMN filed_booking;
ALTER TABLE tenants DROP COLUMN conversation_idle_seconds;
DROP INDEX IF EXISTS conversations_inbox_status_idx;
ALTER TABLE conversations DROP COLUMN status, DROP COLUMN episode, DROP COLUMN resolved_at, DROP COLUMN handled_at,
  DROP COLUMN last_error, DROP COLUMN past_episodes;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
