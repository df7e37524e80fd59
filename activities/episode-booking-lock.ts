// The per-conversation lock every write of the episode's ServiceTitan booking takes (the create and the
// assistant's update of a booking request), and what it re-reads under that lock. ServiceTitan has no
// idempotency key: serialising the writes per conversation is what keeps them exactly once, and reading
// after the lock is what lets the last one see an opt-out or a booking the one before it committed.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

/** The conversation's booking as committed before the lock was taken. */
export interface EpisodeBookingFacts {
  bookingId: string | null;
  episode: number;
  /** The customer opted out (their word or a person's correction): nothing more is created or changed at ServiceTitan. */
  optedOut: boolean;
}

/**
 * Takes the conversation's booking lock for the transaction (bounded wait: a stuck earlier attempt holds it
 * at most for its own HTTP timeouts), then reads the booking facts; null when the conversation is gone.
 */
export async function lockEpisodeBooking(sequelize: Sequelize, conversationId: string, transaction: Transaction): Promise<EpisodeBookingFacts | null> {
  await sequelize.query("SELECT set_config('lock_timeout', '25s', true), pg_advisory_xact_lock(hashtext(:key))", {
    replacements: { key: `servicetitan-booking:${conversationId}` },
    type: QueryTypes.SELECT,
    transaction,
  });
  // A separate statement: its snapshot is taken after the lock, so it sees what the holder committed.
  const [fresh] = await sequelize.query<{ service_titan_booking_id: string | null; episode: number; category: string; opted_out: boolean }>(
    `SELECT cv.service_titan_booking_id, cv.episode, cv.category, ct.opted_out
       FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id WHERE cv.id = :conversationId`,
    { replacements: { conversationId }, type: QueryTypes.SELECT, transaction },
  );
  if (!fresh) return null;
  return { bookingId: fresh.service_titan_booking_id, episode: fresh.episode, optedOut: fresh.opted_out || fresh.category === 'opt_out' };
}
