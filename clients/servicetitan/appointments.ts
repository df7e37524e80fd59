// JPM appointments and dispatch's appointment assignments and technician tracking: what answers
// "when is my technician coming?" — the arrival window, the status, who is assigned, and a tracking
// link where ServiceTitan gives one. There is no ETA endpoint; nothing here computes one.
import type { ServiceTitanClient } from './client.ts';
import { isServiceTitanError } from './errors.ts';
import { idList, pageOf, withMembers } from './shape-checks.ts';

export const appointmentScopes = {
  read: 'tn.jpm.appointments:r',
  assignmentsRead: 'tn.dis.appointmentassignments:r',
  trackingRead: 'tn.dis.techniciantracking:r',
} as const;

/** The part of Jpm.V2.AppointmentResponse the assistant uses. Times are UTC. */
export interface AppointmentRecord {
  id: number;
  jobId: number;
  appointmentNumber?: string | null;
  start: string;
  end: string;
  arrivalWindowStart?: string | null;
  arrivalWindowEnd?: string | null;
  status: string;
  customerId: number;
  active: boolean;
}

/** Dispatch.V2.AppointmentAssignmentResponse (every member is always present). */
export interface AppointmentAssignment {
  id: number;
  technicianId: number;
  technicianName: string;
  status: string;
  jobId: number;
  appointmentId: number;
  active: boolean;
}

export interface ListAppointmentsQuery {
  customerId?: number;
  jobId?: number;
  startsOnOrAfter?: string;
  pageSize?: number;
}

const asAppointment = (v: unknown) =>
  withMembers<AppointmentRecord>(v, 'an appointment', { id: 'number', jobId: 'number', start: 'string', end: 'string', status: 'string' });
const asAssignment = (v: unknown) =>
  withMembers<AppointmentAssignment>(v, 'an appointment assignment', {
    id: 'number',
    technicianId: 'number',
    technicianName: 'string',
    appointmentId: 'number',
  });

export async function listAppointments(client: ServiceTitanClient, query: ListAppointmentsQuery): Promise<AppointmentRecord[]> {
  const json = await client.call({
    method: 'GET',
    module: 'jpm',
    path: '/appointments',
    query: { ...query, pageSize: query.pageSize ?? 20, sort: '+Id' },
    operation: 'list appointments',
    scope: appointmentScopes.read,
  });
  return pageOf(json, 'appointments', asAppointment);
}

export async function listAppointmentAssignments(client: ServiceTitanClient, appointmentIds: readonly number[]): Promise<AppointmentAssignment[]> {
  if (appointmentIds.length === 0) return [];
  const json = await client.call({
    method: 'GET',
    module: 'dispatch',
    path: '/appointment-assignments',
    query: { appointmentIds: idList(appointmentIds), pageSize: 50 },
    operation: 'list appointment assignments',
    scope: appointmentScopes.assignmentsRead,
  });
  return pageOf(json, 'appointment assignments', asAssignment).filter((a) => a.active !== false);
}

/**
 * The link that follows the technician, or null when ServiceTitan has none for this appointment
 * (its 400/404, or no tracking scope): a missing link is normal, never a failure of the answer.
 */
export async function technicianTrackingUrl(client: ServiceTitanClient, technicianId: number, appointmentId: number): Promise<string | null> {
  try {
    const json = await client.call({
      method: 'GET',
      module: 'dispatch',
      path: '/technician-tracking',
      query: { technicianId, appointmentId },
      operation: 'get a technician-tracking link',
      scope: appointmentScopes.trackingRead,
    });
    const { technicianTrackingUrl: url } = withMembers<{ technicianTrackingUrl: string }>(json, 'a tracking link', { technicianTrackingUrl: 'string' });
    return /^https:\/\//.test(url) ? url : null;
  } catch (error) {
    if (isServiceTitanError(error) && (error.kind === 'validation' || error.kind === 'not_found' || error.kind === 'forbidden')) return null;
    throw error;
  }
}
