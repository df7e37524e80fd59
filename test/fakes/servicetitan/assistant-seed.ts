// Seeded data for the assistant's endpoints: an existing customer with a location, a scheduled job
// whose appointment has an arrival window and an assigned technician (with a tracking link), a
// second customer with a finished job, and capacity windows for the next days. Deterministic given
// `now`, so tests can name what the assistant must answer.
import { DateTime } from 'luxon';
import { assistantStateOf, type FakeAssistantState } from './assistant-state.ts';
import type { FakeServiceTitan } from './fake-servicetitan.ts';

export interface AssistantSeedOptions {
  tenantId: string;
  /** The business's zone: capacity `start`/`end` are local times in it. */
  timeZone?: string;
  businessUnitId?: number;
  jobTypeId?: number;
  /** Capacity starts the day after this (default: now). */
  now?: Date;
  days?: number;
  /** Phone of the existing customer with the scheduled job (as ServiceTitan stores it). */
  existingCustomerPhone?: string;
  existingCustomerName?: string;
  /** Phone and name of the second customer (a finished job, no upcoming visit). */
  otherCustomerPhone?: string;
  otherCustomerName?: string;
}

export interface AssistantSeed {
  state: FakeAssistantState;
  existing: { customerId: number; locationId: number; jobId: number; jobNumber: string; appointmentId: number; technicianName: string; trackingUrl: string; arrivalWindowStart: string; arrivalWindowEnd: string };
  other: { customerId: number; phone: string };
  /** UTC starts of the seeded open windows, earliest first. */
  windowStarts: string[];
}

const address = (street: string) => ({ street, unit: null, city: 'Austin', state: 'TX', zip: '78701', country: 'USA' });

export function seedAssistantData(fake: FakeServiceTitan, options: AssistantSeedOptions): AssistantSeed {
  const { tenantId } = options;
  const zone = options.timeZone ?? 'America/Chicago';
  const businessUnitId = options.businessUnitId ?? 11;
  const jobTypeId = options.jobTypeId ?? 21;
  const state = assistantStateOf(fake.state);
  const now = DateTime.fromJSDate(options.now ?? new Date()).setZone(zone);
  const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true }) as string;
  // Tenant-local with its offset: the schema's date-time needs one.
  const local = (d: DateTime) => d.toISO({ suppressMilliseconds: true }) as string;

  const techId = 3_000_001 + state.technicians.length;
  const trackingUrl = `https://track.servicetitan.example/t/${techId}`;
  state.technicians.push({ id: techId, tenantId, name: 'Mike Rivera', trackingUrl }, { id: techId + 1, tenantId, name: 'Dana Lee', trackingUrl: null });

  const existing = fake.addCustomer({ tenantId, name: options.existingCustomerName ?? 'Pat Morgan', phone: options.existingCustomerPhone ?? '(512) 555-0101' });
  const location = { id: state.nextLocationId++, tenantId, customerId: existing.id, name: 'Home', address: address('12 Oak St'), createdOn: existing.createdOn };
  state.locations.push(location);
  const jobId = state.nextJobId++;
  const jobNumber = String(state.nextJobNumber++);
  state.jobs.push({
    id: jobId, tenantId, jobNumber, customerId: existing.id, locationId: location.id, jobStatus: 'Dispatched', businessUnitId, jobTypeId,
    priority: 'Normal', campaignId: 31, summary: '<p>AC not cooling</p>', bookingId: null, createdOn: existing.createdOn, externalData: [], externalApplicationGuid: null,
  });
  const visit = now.plus({ hours: 2 }).startOf('hour');
  const appointmentId = state.nextAppointmentId++;
  const arrivalWindowStart = iso(visit);
  const arrivalWindowEnd = iso(visit.plus({ hours: 2 }));
  state.appointments.push({
    id: appointmentId, tenantId, jobId, customerId: existing.id, appointmentNumber: `${jobNumber}-1`, start: arrivalWindowStart, end: iso(visit.plus({ hours: 3 })),
    arrivalWindowStart, arrivalWindowEnd, status: 'Dispatched', createdOn: existing.createdOn,
  });
  state.assignments.push({ id: state.nextAssignmentId++, tenantId, appointmentId, jobId, technicianId: techId, status: 'Dispatched', assignedOn: existing.createdOn });

  const other = fake.addCustomer({ tenantId, name: options.otherCustomerName ?? 'Robin Hale', phone: options.otherCustomerPhone ?? '(512) 555-0199' });
  const otherLocation = { id: state.nextLocationId++, tenantId, customerId: other.id, name: 'Home', address: address('99 Elm Ave'), createdOn: other.createdOn };
  state.locations.push(otherLocation);
  state.jobs.push({
    id: state.nextJobId++, tenantId, jobNumber: String(state.nextJobNumber++), customerId: other.id, locationId: otherLocation.id, jobStatus: 'Completed',
    businessUnitId, jobTypeId, priority: 'Normal', campaignId: 31, summary: 'Furnace repair', bookingId: null, createdOn: other.createdOn, externalData: [], externalApplicationGuid: null,
  });

  const windowStarts: string[] = [];
  for (let day = 1; day <= (options.days ?? 3); day += 1) {
    const date = now.plus({ days: day }).startOf('day');
    for (const [from, to, open] of [[8, 12, 3], [12, 16, day === 2 ? 0 : 2]] as const) {
      const start = date.set({ hour: from });
      const end = date.set({ hour: to });
      state.capacity.push({
        tenantId, start: local(start), end: local(end), startUtc: iso(start), endUtc: iso(end), businessUnitIds: [businessUnitId], jobTypeIds: [jobTypeId],
        openAvailability: open, technicianIds: [techId, techId + 1],
      });
      if (open > 0) windowStarts.push(iso(start));
    }
  }
  return {
    state,
    existing: { customerId: existing.id, locationId: location.id, jobId, jobNumber, appointmentId, technicianName: 'Mike Rivera', trackingUrl, arrivalWindowStart, arrivalWindowEnd },
    other: { customerId: other.id, phone: other.phone },
    windowStarts,
  };
}
