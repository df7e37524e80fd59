// The assistant's ServiceTitan methods (customers, locations, jobs, appointments, assignments,
// tracking, capacity, creates) against the fake over real HTTP: every request the client sent and
// every answer it read is checked against ServiceTitan's OpenAPI documents.
import type { ValidateFunction } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  jpmDispatchSchemas,
  seedAssistantData,
  serviceTitanSchemas,
  startFakeServiceTitan,
  type AssistantSeed,
  type FakeServiceTitan,
} from '../../test/fakes/servicetitan/index.ts';
import type { EgressGuard } from '../egress/index.ts';
import { listAppointmentAssignments, listAppointments, technicianTrackingUrl } from './appointments.ts';
import { getCapacity } from './capacity.ts';
import { ServiceTitanClient } from './client.ts';
import { createCustomer, findCustomersByPhone, listLocations } from './customers.ts';
import { serviceTitanEgressFor } from './egress.ts';
import { ServiceTitanError } from './errors.ts';
import { createJob, findJobByExternalData, listCustomerJobs } from './jobs.ts';
import { ServiceTitanTokenCache } from './token-cache.ts';

const appKey = 'ak1.assistant-endpoints';
const tenant = { tenantId: '4242', clientId: 'cid.assistant', clientSecret: 'cs1.assistant-secret', bookingProviderTags: [{ id: 77, name: 'IntelliSend' }] };
const guid = '0f8fad5b-d9cb-469f-a165-70867728950e';

interface Exchange {
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  body: unknown;
}

const jpm = jpmDispatchSchemas();
const crm = serviceTitanSchemas();
/** method + path (after the tenant) → [request schema, response schema]. */
const contract: Array<[RegExp, ValidateFunction | null, ValidateFunction]> = [
  [/^GET \/crm\/v2\/tenant\/\d+\/customers$/, null, crm.customerPage],
  [/^POST \/crm\/v2\/tenant\/\d+\/customers$/, jpm.createCustomerRequest, jpm.createdCustomerResponse],
  [/^GET \/crm\/v2\/tenant\/\d+\/locations$/, null, jpm.locationPage],
  [/^GET \/jpm\/v2\/tenant\/\d+\/jobs$/, null, jpm.jobPage],
  [/^POST \/jpm\/v2\/tenant\/\d+\/jobs$/, jpm.jobCreateRequest, jpm.jobResponse],
  [/^GET \/jpm\/v2\/tenant\/\d+\/appointments$/, null, jpm.appointmentPage],
  [/^POST \/dispatch\/v2\/tenant\/\d+\/capacity$/, jpm.capacityRequest, jpm.capacityResponse],
  [/^GET \/dispatch\/v2\/tenant\/\d+\/appointment-assignments$/, null, jpm.assignmentPage],
  [/^GET \/dispatch\/v2\/tenant\/\d+\/technician-tracking$/, null, jpm.trackingResponse],
];

let fake: FakeServiceTitan;
let seed: AssistantSeed;
let exchanges: Exchange[];
let client: ServiceTitanClient;

function recordingEgress(): EgressGuard {
  const egress = serviceTitanEgressFor({ NODE_ENV: 'test' });
  const fetch: EgressGuard['fetch'] = async (input, init = {}) => {
    const res = await egress.fetch(input, init);
    const url = new URL(String(input));
    if (!url.pathname.startsWith('/connect/')) {
      const text = await res.clone().text();
      exchanges.push({
        method: init.method ?? 'GET',
        path: url.pathname,
        requestBody: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
        status: res.status,
        body: text ? JSON.parse(text) : undefined,
      });
    }
    return res;
  };
  return Object.assign(Object.create(egress) as EgressGuard, { fetch });
}

/** Every 2xx exchange so far matched the OpenAPI documents, request and response. */
function expectAllOnContract(): void {
  expect(exchanges.length).toBeGreaterThan(0);
  for (const x of exchanges) {
    const entry = contract.find(([pattern]) => pattern.test(`${x.method} ${x.path}`));
    expect(entry, `${x.method} ${x.path} is not an endpoint of the documents`).toBeDefined();
    const [, request, response] = entry!;
    if (request) expect(request(x.requestBody), `${x.path} request: ${JSON.stringify(request.errors)}`).toBe(true);
    if (x.status === 200) expect(response(x.body), `${x.path} response: ${JSON.stringify(response.errors)}`).toBe(true);
  }
}

beforeEach(async () => {
  exchanges = [];
  fake = await startFakeServiceTitan({ appKey, tenants: [tenant] });
  seed = seedAssistantData(fake, { tenantId: tenant.tenantId, now: new Date('2026-12-02T15:00:00Z'), existingCustomerPhone: '(512) 555-0101' });
  client = new ServiceTitanClient({
    authUrl: fake.authUrl,
    apiBaseUrl: fake.url,
    serviceTitanTenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    appKey,
    tokenCache: new ServiceTitanTokenCache(),
    timeoutMs: 2_000,
    egress: recordingEgress(),
  });
});
afterEach(async () => {
  await fake.close();
});

describe('customers and locations', () => {
  it("finds the texting customer by their own number and lists their service locations", async () => {
    const [customer, ...more] = await findCustomersByPhone(client, '+15125550101');
    expect(more).toEqual([]);
    expect(customer).toMatchObject({ id: seed.existing.customerId, name: 'Pat Morgan' });
    const locations = await listLocations(client, customer!.id);
    expect(locations).toEqual([expect.objectContaining({ id: seed.existing.locationId, address: expect.objectContaining({ street: '12 Oak St' }) })]);
    expect(await findCustomersByPhone(client, '+15125550000')).toEqual([]);
    expectAllOnContract();
  });

  it('creates a customer with a service location, which the phone search then finds', async () => {
    const address = { street: '7 Pine Rd', city: 'Austin', state: 'TX', zip: '78702', country: 'USA' };
    const created = await createCustomer(client, {
      name: 'Sam New',
      type: 'Residential',
      address,
      locations: [{ name: 'Home', address }],
      contacts: [{ type: 'MobilePhone', value: '5125550177' }],
    });
    expect(created.locations).toHaveLength(1);
    expect((await findCustomersByPhone(client, '+15125550177')).map((c) => c.id)).toEqual([created.id]);
    expect(seed.state.customersCreated(tenant.tenantId)).toHaveLength(1);
    expectAllOnContract();
  });
});

describe('jobs and appointments', () => {
  it("answers 'when is my technician coming' with the arrival window, the technician's name and the tracking link", async () => {
    const jobs = await listCustomerJobs(client, seed.existing.customerId);
    expect(jobs.map((j) => j.jobNumber)).toEqual([seed.existing.jobNumber]);
    const appointments = await listAppointments(client, { customerId: seed.existing.customerId });
    expect(appointments).toEqual([
      expect.objectContaining({ id: seed.existing.appointmentId, arrivalWindowStart: seed.existing.arrivalWindowStart, arrivalWindowEnd: seed.existing.arrivalWindowEnd }),
    ]);
    const [assignment] = await listAppointmentAssignments(client, [seed.existing.appointmentId]);
    expect(assignment).toMatchObject({ technicianName: 'Mike Rivera' });
    expect(await technicianTrackingUrl(client, assignment!.technicianId, seed.existing.appointmentId)).toBe(seed.existing.trackingUrl);
    // A technician without a link (404) is normal: null, not an error.
    expect(await technicianTrackingUrl(client, assignment!.technicianId + 1, seed.existing.appointmentId)).toBeNull();
    expectAllOnContract();
  });

  it('creates a job with its appointment exactly once: looked up by its external data first', async () => {
    const ref = { applicationGuid: guid, key: 'intellisend-booking', value: 'conv-1' };
    expect(await findJobByExternalData(client, ref)).toBeNull();
    const [window] = (await getCapacity(client, {
      startsOnOrAfter: '2026-12-03T00:00:00Z',
      endsOnOrBefore: '2026-12-06T00:00:00Z',
      businessUnitIds: [11],
      jobTypeId: 21,
      skillBasedAvailability: false,
    })).availabilities.filter((a) => a.isAvailable);
    const job = await createJob(client, {
      customerId: seed.existing.customerId,
      locationId: seed.existing.locationId,
      businessUnitId: 11,
      jobTypeId: 21,
      priority: 'Normal',
      campaignId: 31,
      appointments: [{ start: window!.startUtc, end: window!.endUtc, arrivalWindowStart: window!.startUtc, arrivalWindowEnd: window!.endUtc }],
      summary: 'AC maintenance (booked by text)',
      externalData: { applicationGuid: guid, externalData: [{ key: ref.key, value: ref.value }] },
    });
    expect(job.jobNumber).toMatch(/^\d+$/);
    expect(await findJobByExternalData(client, ref)).toMatchObject({ id: job.id });
    expect(await findJobByExternalData(client, { ...ref, value: 'conv-2' })).toBeNull();
    expect(seed.state.jobsCreated(tenant.tenantId)).toHaveLength(1);
    const [appointment] = await listAppointments(client, { jobId: job.id });
    expect(appointment).toMatchObject({ start: window!.startUtc, arrivalWindowEnd: window!.endUtc });
    expectAllOnContract();
  });

  it('is refused by the fake when a body breaks the schema (unknown member), as ServiceTitan would', async () => {
    const error = await createJob(client, { customerId: 1, locationId: 2, businessUnitId: 3, jobTypeId: 4, priority: 'Normal', campaignId: 5, appointments: [], eta: 'soon' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceTitanError);
    expect((error as ServiceTitanError).kind).toBe('validation');
  });
});

describe('capacity', () => {
  it('answers the open windows of the next days for the business unit and job type, UTC and local', async () => {
    const answer = await getCapacity(client, {
      startsOnOrAfter: '2026-12-03T00:00:00Z',
      endsOnOrBefore: '2026-12-06T06:00:00Z',
      businessUnitIds: [11],
      jobTypeId: 21,
      skillBasedAvailability: false,
    });
    expect(answer.availabilities.filter((a) => a.isAvailable).map((a) => a.startUtc)).toEqual(seed.windowStarts);
    expect(answer.availabilities[0]).toMatchObject({ start: '2026-12-03T08:00:00-06:00', startUtc: '2026-12-03T14:00:00Z' });
    const otherUnit = await getCapacity(client, { startsOnOrAfter: '2026-12-03T00:00:00Z', endsOnOrBefore: '2026-12-06T00:00:00Z', businessUnitIds: [99], skillBasedAvailability: false });
    expect(otherUnit.availabilities).toEqual([]);
    expectAllOnContract();
  });

  it('needs tn.dis.capacity:w (403 names the scope), and a failing endpoint is an error, not an empty answer', async () => {
    fake.state.tenants.get(tenant.tenantId)!.scopes = fake.state.tenants.get(tenant.tenantId)!.scopes.filter((s) => s !== 'tn.dis.capacity:w');
    const query = { startsOnOrAfter: '2026-12-03T00:00:00Z', endsOnOrBefore: '2026-12-04T00:00:00Z', skillBasedAvailability: false };
    const forbidden = (await getCapacity(client, query).catch((e: unknown) => e)) as ServiceTitanError;
    expect(forbidden.kind).toBe('forbidden');
    expect(forbidden.message).toContain('tn.dis.capacity:w');
  });

  it('a forced failure of one endpoint fails only that endpoint', async () => {
    seed.state.failing.set('Capacity_GetList', 500);
    const query = { startsOnOrAfter: '2026-12-03T00:00:00Z', endsOnOrBefore: '2026-12-04T00:00:00Z', skillBasedAvailability: false };
    expect(((await getCapacity(client, query).catch((e: unknown) => e)) as ServiceTitanError).kind).toBe('server');
    expect(await listCustomerJobs(client, seed.existing.customerId)).toHaveLength(1);
  });
});
