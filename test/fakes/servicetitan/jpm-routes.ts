// JPM for the assistant: GET /jobs (customer, external data, booking filters), GET /jobs/{id},
// POST /jobs (job + appointments), GET /appointments. Requests are checked against the OpenAPI document.
import type { ApiCall, ApiRoute } from './api-route.ts';
import { paginate, parseJsonBody, validationFailure } from './api-route.ts';
import { badQuery, forcedFailure, idsParam, intParam, invalidAgainst, stateOf } from './assistant-route-support.ts';
import type { FakeAppointment, FakeJob } from './assistant-state.ts';
import { jpmDispatchSchemas } from './jpm-dispatch-schemas.ts';
import { json, problem, type Reply } from './reply.ts';

function jobResponse(job: FakeJob, appointments: FakeAppointment[], applicationGuid: string | null) {
  const own = appointments.filter((a) => a.jobId === job.id).sort((a, b) => a.id - b.id);
  return {
    id: job.id,
    jobNumber: job.jobNumber,
    projectId: null,
    customerId: job.customerId,
    locationId: job.locationId,
    jobStatus: job.jobStatus,
    completedOn: null,
    businessUnitId: job.businessUnitId,
    jobTypeId: job.jobTypeId,
    priority: job.priority,
    campaignId: job.campaignId,
    appointmentCount: own.length,
    firstAppointmentId: own[0]?.id ?? 0,
    lastAppointmentId: own.at(-1)?.id ?? 0,
    recallForId: null,
    warrantyId: null,
    jobGeneratedLeadSource: null,
    noCharge: false,
    notificationsEnabled: true,
    createdOn: job.createdOn,
    createdById: 1,
    modifiedOn: job.createdOn,
    tagTypeIds: [],
    leadCallId: null,
    partnerLeadCallId: null,
    bookingId: job.bookingId,
    soldById: null,
    customerPo: '',
    invoiceId: job.id + 1,
    membershipId: null,
    total: null,
    createdFromEstimateId: null,
    estimateIds: [],
    equipmentIds: [],
    isAutoDispatched: null,
    summary: job.summary,
    customFields: [],
    // "If this guid is provided, external data corresponding to this application guid will be returned."
    externalData: applicationGuid !== null && job.externalApplicationGuid === applicationGuid ? job.externalData : [],
    summaryOfWork: null,
  };
}

function appointmentResponse(a: FakeAppointment) {
  return {
    id: a.id,
    jobId: a.jobId,
    appointmentNumber: a.appointmentNumber,
    start: a.start,
    end: a.end,
    arrivalWindowStart: a.arrivalWindowStart,
    arrivalWindowEnd: a.arrivalWindowEnd,
    status: a.status,
    specialInstructions: null,
    createdOn: a.createdOn,
    modifiedOn: a.createdOn,
    customerId: a.customerId,
    unused: false,
    createdById: 1,
    isConfirmed: true,
    active: a.status !== 'Canceled',
    appointmentSummaries: null,
  };
}

const tenantJobs = (call: ApiCall) => stateOf(call).jobs.filter((j) => j.tenantId === call.tenant.tenantId);

function listJobs(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'Jobs_GetList');
  if (failed) return failed;
  const q = call.query;
  const customerId = intParam(q, 'customerId');
  const bookingId = intParam(q, 'bookingId');
  if (Number.isNaN(customerId)) return badQuery('customerId', 'The value is not valid.');
  if (Number.isNaN(bookingId)) return badQuery('bookingId', 'The value is not valid.');
  const guid = q.get('externalDataApplicationGuid');
  const key = q.get('externalDataKey');
  const values = q.get('externalDataValues')?.split(',');
  if ((key === null) !== (values === undefined)) {
    return badQuery('externalDataKey', "'externalDataKey' and 'externalDataValues' must be provided together.");
  }
  const ids = idsParam(q, 'ids');
  let items = tenantJobs(call)
    .filter((j) => customerId === undefined || j.customerId === customerId)
    .filter((j) => bookingId === undefined || j.bookingId === bookingId)
    .filter((j) => !ids || ids.includes(j.id))
    .filter((j) => key === null || (guid !== null && j.externalApplicationGuid === guid && j.externalData.some((d) => d.key === key && values?.includes(d.value))));
  const sort = /^([+-]?)(Id|CreatedOn|ModifiedOn|Priority)$/i.exec(q.get('sort') ?? '');
  if (sort) {
    const direction = sort[1] === '-' ? -1 : 1;
    items = [...items].sort((a, b) => direction * (a.id - b.id));
  }
  const appointments = stateOf(call).appointments;
  return paginate(items.map((j) => jobResponse(j, appointments, guid)), q);
}

function getJob(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'Jobs_Get');
  if (failed) return failed;
  const job = tenantJobs(call).find((j) => j.id === Number(call.params.id));
  if (!job) return problem(404, 'Job not found', { id: [`Job ${call.params.id} was not found.`] });
  return json(jobResponse(job, stateOf(call).appointments, call.query.get('externalDataApplicationGuid')));
}

interface JobCreate {
  customerId: number;
  locationId: number;
  businessUnitId: number;
  jobTypeId: number;
  priority: string;
  campaignId: number;
  appointments: Array<{ start: string; end: string; arrivalWindowStart?: string | null; arrivalWindowEnd?: string | null; technicianIds?: number[] | null }>;
  summary?: string | null;
  bookingId?: number | null;
  externalData?: { applicationGuid: string; externalData: Array<{ key: string; value: string }> } | null;
}

function createJob(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'Jobs_Create');
  if (failed) return failed;
  const parsed = parseJsonBody(call.bodyText);
  if ('reply' in parsed) return parsed.reply;
  const invalid = invalidAgainst(jpmDispatchSchemas().jobCreateRequest, parsed.value);
  if (invalid) return invalid;
  const body = parsed.value as JobCreate;
  const state = stateOf(call);
  const customer = call.state.customers.find((c) => c.tenantId === call.tenant.tenantId && c.id === body.customerId);
  if (!customer) return validationFailure({ customerId: [`Customer ${body.customerId} was not found.`] });
  const location = state.locations.find((l) => l.tenantId === call.tenant.tenantId && l.id === body.locationId);
  if (!location || location.customerId !== body.customerId) {
    return validationFailure({ locationId: [`Location ${body.locationId} does not belong to customer ${body.customerId}.`] });
  }
  if (body.appointments.length === 0) return validationFailure({ appointments: ['At least one appointment is required.'] });
  const now = new Date().toISOString();
  const job: FakeJob = {
    id: state.nextJobId++,
    tenantId: call.tenant.tenantId,
    jobNumber: String(state.nextJobNumber++),
    customerId: body.customerId,
    locationId: body.locationId,
    jobStatus: 'Scheduled',
    businessUnitId: body.businessUnitId,
    jobTypeId: body.jobTypeId,
    priority: body.priority,
    campaignId: body.campaignId,
    summary: body.summary ?? null,
    bookingId: body.bookingId ?? null,
    createdOn: now,
    externalData: body.externalData?.externalData ?? [],
    externalApplicationGuid: body.externalData?.applicationGuid ?? null,
  };
  state.jobs.push(job);
  for (const a of body.appointments) {
    const appointment: FakeAppointment = {
      id: state.nextAppointmentId++,
      tenantId: call.tenant.tenantId,
      jobId: job.id,
      customerId: job.customerId,
      appointmentNumber: `${job.jobNumber}-1`,
      start: a.start,
      end: a.end,
      arrivalWindowStart: a.arrivalWindowStart ?? null,
      arrivalWindowEnd: a.arrivalWindowEnd ?? null,
      status: 'Scheduled',
      createdOn: now,
    };
    state.appointments.push(appointment);
    // The booked window has less room left.
    for (const slot of state.capacity) {
      if (slot.tenantId === job.tenantId && slot.startUtc === a.start) slot.openAvailability = Math.max(0, slot.openAvailability - 2);
    }
  }
  state.creates.push({ tenantId: call.tenant.tenantId, operation: 'Jobs_Create', body: parsed.value as Record<string, unknown>, id: job.id });
  return json(jobResponse(job, state.appointments, job.externalApplicationGuid));
}

function listAppointments(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'Appointments_GetList');
  if (failed) return failed;
  const q = call.query;
  const jobId = intParam(q, 'jobId');
  const customerId = intParam(q, 'customerId');
  if (Number.isNaN(jobId)) return badQuery('jobId', 'The value is not valid.');
  if (Number.isNaN(customerId)) return badQuery('customerId', 'The value is not valid.');
  const startsOnOrAfter = q.get('startsOnOrAfter') ? Date.parse(q.get('startsOnOrAfter') as string) : undefined;
  const ids = idsParam(q, 'ids');
  const items = stateOf(call)
    .appointments.filter((a) => a.tenantId === call.tenant.tenantId)
    .filter((a) => jobId === undefined || a.jobId === jobId)
    .filter((a) => customerId === undefined || a.customerId === customerId)
    .filter((a) => !ids || ids.includes(a.id))
    .filter((a) => startsOnOrAfter === undefined || Date.parse(a.start) >= startsOnOrAfter)
    .sort((a, b) => a.id - b.id)
    .map(appointmentResponse);
  return paginate(items, q);
}

export const jpmRoutes: ApiRoute[] = [
  { module: 'jpm', method: 'GET', pattern: /^\/jobs$/, scope: 'tn.jpm.jobs:r', handle: listJobs },
  { module: 'jpm', method: 'GET', pattern: /^\/jobs\/(?<id>\d+)$/, scope: 'tn.jpm.jobs:r', handle: getJob },
  { module: 'jpm', method: 'POST', pattern: /^\/jobs$/, scope: 'tn.jpm.jobs:w', isCreate: true, handle: createJob },
  { module: 'jpm', method: 'GET', pattern: /^\/appointments$/, scope: 'tn.jpm.appointments:r', handle: listAppointments },
];
