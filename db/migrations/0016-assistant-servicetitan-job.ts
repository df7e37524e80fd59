// The ServiceTitan job the assistant booked in job mode (issue 13), so a CSR sees it in the conversation
// view and the inbox: `conversations.service_titan_job`, an object {jobId, jobNumber, arrivalWindowStart,
// arrivalWindowEnd, bookedAt} (ISO 8601 UTC times), null while the episode has none.
//
// Per episode, like the booking columns (migration 0006): the job's external data is the episode's
// booking key, so an episode has at most one job and the column describes the current episode's. When
// an inbound message reopens a resolved conversation, the ended episode's job is kept in
// `past_episodes` (`serviceTitanJob`) and the column starts over. On the conversation row rather than
// the assistant session: a later session of the same episode still has the job, and the inbox list
// reads it with the row, no join.
import type { QueryInterface } from 'sequelize';

const upSql = `
ALTER TABLE conversations
  ADD COLUMN service_titan_job jsonb
    CONSTRAINT conversations_service_titan_job_check CHECK (service_titan_job IS NULL OR (
      jsonb_typeof(service_titan_job->'jobId') = 'number' AND jsonb_typeof(service_titan_job->'jobNumber') = 'string'
      AND jsonb_typeof(service_titan_job->'arrivalWindowStart') = 'string' AND jsonb_typeof(service_titan_job->'arrivalWindowEnd') = 'string'
      AND jsonb_typeof(service_titan_job->'bookedAt') = 'string'));
`;

const downSql = `
ALTER TABLE conversations DROP COLUMN IF EXISTS service_titan_job;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(upSql);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(downSql);
}
