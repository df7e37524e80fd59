// The ServiceTitan job the assistant booked (job mode), kept on the conversation for its episode
// (`conversations.service_titan_job`, migration 0016 explains the layout).
import { QueryTypes } from 'sequelize';
import type { AssistantServiceTitanJob } from '../../contract/conversation-assistant.ts';
import { notifyConversationUpdatedSql } from '../conversation-events.ts';
import type { Database } from '../connection.ts';

export type RecordedJob = Omit<AssistantServiceTitanJob, 'bookedAt'>;

/**
 * Records the episode's job on the tenant's conversation, and announces the change in the same statement.
 * Only while that episode is current: the job of an episode that has ended since is not written over the
 * next one's. Idempotent: the same job again changes nothing (its `bookedAt` stays the first); a changed
 * window or number of the same job is taken, keeping `bookedAt`. True when the row changed.
 */
export async function recordAssistantJob(
  db: Database,
  { tenantId, conversationId, episode, job, at }: { tenantId: string; conversationId: string; episode: number; job: RecordedJob; at: Date },
): Promise<boolean> {
  const rows = await db.sequelize.query<{ id: string }>(
    `WITH recorded AS (
       UPDATE conversations cv
          SET service_titan_job = CAST(:job AS jsonb) || jsonb_build_object('bookedAt',
                CASE WHEN cv.service_titan_job->'jobId' = CAST(:job AS jsonb)->'jobId' THEN cv.service_titan_job->'bookedAt'
                     ELSE to_jsonb(CAST(:at AS text)) END),
              updated_at = now()
        WHERE cv.id = :conversationId AND cv.tenant_id = :tenantId AND cv.episode = :episode
          AND (cv.service_titan_job IS NULL OR cv.service_titan_job - 'bookedAt' <> CAST(:job AS jsonb))
       RETURNING cv.id, cv.tenant_id
     )
     SELECT id, ${notifyConversationUpdatedSql('recorded')} FROM recorded`,
    {
      replacements: {
        tenantId,
        conversationId,
        episode,
        // Exactly these keys: the row's object is compared with it.
        job: JSON.stringify({ jobId: job.jobId, jobNumber: job.jobNumber, arrivalWindowStart: job.arrivalWindowStart, arrivalWindowEnd: job.arrivalWindowEnd }),
        at: at.toISOString(),
      },
      type: QueryTypes.SELECT,
    },
  );
  return rows.length > 0;
}
