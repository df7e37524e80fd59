// JPM jobs: a customer's jobs (job status), the lookup by external data that makes a create happen
// exactly once, and the create itself (job + its appointment on a chosen capacity window).
import type { ServiceTitanClient } from './client.ts';
import { pageOf, withMembers } from './shape-checks.ts';

export const jobScopes = { read: 'tn.jpm.jobs:r', write: 'tn.jpm.jobs:w' } as const;

export const jobStatuses = ['Scheduled', 'Dispatched', 'InProgress', 'Hold', 'Completed', 'Canceled'] as const;

/** The part of Jpm.V2.JobResponse the assistant uses. `jobStatus` is a plain string in the response. */
export interface JobRecord {
  id: number;
  jobNumber: string;
  customerId: number;
  locationId: number;
  jobStatus: string;
  businessUnitId: number;
  jobTypeId: number;
  firstAppointmentId: number;
  lastAppointmentId: number;
  /** Declared HTML: strip markup before it reaches an SMS. */
  summary?: string | null;
  bookingId?: number | null;
  createdOn: string;
  externalData: Array<{ key: string; value: string }>;
}

/** Jpm.V2.ExternalDataCreateRequest */
export interface ExternalDataCreate {
  applicationGuid: string;
  externalData: Array<{ key: string; value: string }>;
}

/** Jpm.V2.JobCreateRequest (additionalProperties: false). */
export interface CreateJobBody {
  customerId: number;
  locationId: number;
  businessUnitId: number;
  jobTypeId: number;
  priority: string;
  campaignId: number;
  appointments: Array<{
    start: string;
    end: string;
    arrivalWindowStart?: string | null;
    arrivalWindowEnd?: string | null;
    technicianIds?: number[] | null;
  }>;
  summary?: string | null;
  bookingId?: number | null;
  externalData?: ExternalDataCreate | null;
}

export interface ExternalDataKey {
  applicationGuid: string;
  key: string;
  value: string;
}

const asJob = (v: unknown) =>
  withMembers<JobRecord>(v, 'a job', { id: 'number', jobNumber: 'string', customerId: 'number', locationId: 'number', jobStatus: 'string' });

/** The customer's jobs, newest first (at most `pageSize`). */
export async function listCustomerJobs(client: ServiceTitanClient, customerId: number, pageSize = 10): Promise<JobRecord[]> {
  const json = await client.call({
    method: 'GET',
    module: 'jpm',
    path: '/jobs',
    query: { customerId, pageSize, sort: '-CreatedOn' },
    operation: "list a customer's jobs",
    scope: jobScopes.read,
  });
  return pageOf(json, 'jobs', asJob);
}

/** The job created with this external data, or null. Call before every create: there is no idempotency key. */
export async function findJobByExternalData(client: ServiceTitanClient, ref: ExternalDataKey): Promise<JobRecord | null> {
  const json = await client.call({
    method: 'GET',
    module: 'jpm',
    path: '/jobs',
    query: {
      externalDataApplicationGuid: ref.applicationGuid,
      externalDataKey: ref.key,
      externalDataValues: ref.value,
      pageSize: 50,
    },
    operation: 'look up a job by its external data',
    scope: jobScopes.read,
  });
  // Checked again here in case the filter is ever looser than an exact match; oldest wins.
  const matches = pageOf(json, 'jobs', asJob)
    .filter((j) => j.externalData?.some((d) => d.key === ref.key && d.value === ref.value))
    .sort((a, b) => a.id - b.id);
  return matches[0] ?? null;
}

/**
 * Creates a job with its appointment(s). A `network` or `timeout` error may hide a job that was
 * created: look it up with findJobByExternalData before trying again.
 */
export async function createJob(client: ServiceTitanClient, body: CreateJobBody): Promise<JobRecord> {
  const json = await client.call({ method: 'POST', module: 'jpm', path: '/jobs', body, operation: 'create a job', scope: jobScopes.write });
  return asJob(json);
}
