// What the fake remembers for the assistant's endpoints (locations, jobs, appointments, assignments,
// technicians, capacity), kept beside FakeServiceTitanState (one per fake, looked up by it) so the
// bookings state stays as it is. Tests seed it with seedAssistantData and read `creates` to count
// "exactly one job"; `failing` makes one endpoint answer an error.
import type { FakeServiceTitanState } from './fake-state.ts';

export interface FakeAddress {
  street: string;
  unit: string | null;
  city: string;
  state: string;
  zip: string;
  country: string;
}

export interface FakeLocation {
  id: number;
  tenantId: string;
  customerId: number;
  name: string;
  address: FakeAddress;
  createdOn: string;
}

export interface FakeJob {
  id: number;
  tenantId: string;
  jobNumber: string;
  customerId: number;
  locationId: number;
  jobStatus: string;
  businessUnitId: number;
  jobTypeId: number;
  priority: string;
  campaignId: number;
  summary: string | null;
  bookingId: number | null;
  createdOn: string;
  externalData: Array<{ key: string; value: string }>;
  externalApplicationGuid: string | null;
}

export interface FakeAppointment {
  id: number;
  tenantId: string;
  jobId: number;
  customerId: number;
  appointmentNumber: string;
  start: string;
  end: string;
  arrivalWindowStart: string | null;
  arrivalWindowEnd: string | null;
  status: string;
  createdOn: string;
}

export interface FakeAssignment {
  id: number;
  tenantId: string;
  appointmentId: number;
  jobId: number;
  technicianId: number;
  status: string;
  assignedOn: string;
}

export interface FakeTechnician {
  id: number;
  tenantId: string;
  name: string;
  /** The link technician-tracking answers, or null for its 404. */
  trackingUrl: string | null;
}

/** One capacity window; `start`/`end` in the tenant's local time (with its offset). */
export interface FakeCapacitySlot {
  tenantId: string;
  startUtc: string;
  endUtc: string;
  start: string;
  end: string;
  businessUnitIds: number[];
  jobTypeIds: number[] | null;
  openAvailability: number;
  technicianIds: number[];
}

/** Every create the assistant's endpoints accepted, in order: the body as it arrived and what was made. */
export interface FakeCreateRecord {
  tenantId: string;
  operation: 'Customers_Create' | 'Jobs_Create';
  body: Record<string, unknown>;
  id: number;
}

export type AssistantOperation =
  | 'Customers_Create'
  | 'Locations_GetList'
  | 'Jobs_GetList'
  | 'Jobs_Get'
  | 'Jobs_Create'
  | 'Appointments_GetList'
  | 'Capacity_GetList'
  | 'AppointmentAssignments_GetList'
  | 'TechnicianTracking_Get';

export class FakeAssistantState {
  locations: FakeLocation[] = [];
  jobs: FakeJob[] = [];
  appointments: FakeAppointment[] = [];
  assignments: FakeAssignment[] = [];
  technicians: FakeTechnician[] = [];
  capacity: FakeCapacitySlot[] = [];
  creates: FakeCreateRecord[] = [];
  /** operationId → HTTP status every call of it answers (a ServiceTitan problem body), until deleted. */
  failing = new Map<AssistantOperation, number>();
  nextLocationId = 6_000_001;
  nextJobId = 8_000_001;
  nextJobNumber = 40_001;
  nextAppointmentId = 9_000_001;
  nextAssignmentId = 9_500_001;

  jobsCreated(tenantId: string): FakeCreateRecord[] {
    return this.creates.filter((c) => c.tenantId === tenantId && c.operation === 'Jobs_Create');
  }

  customersCreated(tenantId: string): FakeCreateRecord[] {
    return this.creates.filter((c) => c.tenantId === tenantId && c.operation === 'Customers_Create');
  }
}

const byFake = new WeakMap<FakeServiceTitanState, FakeAssistantState>();

/** The assistant endpoints' state of this fake (made on first use). */
export function assistantStateOf(state: FakeServiceTitanState): FakeAssistantState {
  let found = byFake.get(state);
  if (!found) {
    found = new FakeAssistantState();
    byFake.set(state, found);
  }
  return found;
}
