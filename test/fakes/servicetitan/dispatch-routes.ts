// Dispatch for the assistant: POST /capacity (a read that needs tn.dis.capacity:w), GET
// /appointment-assignments, GET /technician-tracking.
import type { ApiCall, ApiRoute } from './api-route.ts';
import { paginate, parseJsonBody } from './api-route.ts';
import { forcedFailure, idsParam, intParam, invalidAgainst, stateOf } from './assistant-route-support.ts';
import { jpmDispatchSchemas } from './jpm-dispatch-schemas.ts';
import { json, problem, type Reply } from './reply.ts';

function capacity(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'Capacity_GetList');
  if (failed) return failed;
  const parsed = parseJsonBody(call.bodyText);
  if ('reply' in parsed) return parsed.reply;
  const invalid = invalidAgainst(jpmDispatchSchemas().capacityRequest, parsed.value);
  if (invalid) return invalid;
  const body = parsed.value as { startsOnOrAfter: string; endsOnOrBefore: string; businessUnitIds?: number[] | null; jobTypeId?: number | null };
  const from = Date.parse(body.startsOnOrAfter);
  const to = Date.parse(body.endsOnOrBefore);
  if (!(from < to)) return problem(400, 'One or more validation errors occurred.', { endsOnOrBefore: ['endsOnOrBefore must be after startsOnOrAfter.'] });
  const state = stateOf(call);
  const technicians = state.technicians.filter((t) => t.tenantId === call.tenant.tenantId);
  const availabilities = state.capacity
    .filter((s) => s.tenantId === call.tenant.tenantId)
    .filter((s) => Date.parse(s.startUtc) >= from && Date.parse(s.endUtc) <= to)
    .filter((s) => !body.businessUnitIds?.length || s.businessUnitIds.some((id) => body.businessUnitIds?.includes(id)))
    .filter((s) => body.jobTypeId == null || s.jobTypeIds === null || s.jobTypeIds.includes(body.jobTypeId))
    .sort((a, b) => Date.parse(a.startUtc) - Date.parse(b.startUtc))
    .map((s) => ({
      start: s.start,
      end: s.end,
      startUtc: s.startUtc,
      endUtc: s.endUtc,
      businessUnitIds: s.businessUnitIds,
      totalAvailability: 4,
      openAvailability: s.openAvailability,
      technicians: technicians
        .filter((t) => s.technicianIds.includes(t.id))
        .map((t) => ({ id: t.id, name: t.name, status: s.openAvailability > 0 ? 'Available' : 'Unavailable', hasRequiredSkills: null })),
      isAvailable: s.openAvailability > 0,
      isExceedingIdealBookingPercentage: s.openAvailability < 1,
    }));
  return json({ timeStamp: new Date().toISOString(), availabilities });
}

function assignments(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'AppointmentAssignments_GetList');
  if (failed) return failed;
  const appointmentIds = idsParam(call.query, 'appointmentIds');
  const jobId = intParam(call.query, 'jobId');
  const state = stateOf(call);
  const items = state.assignments
    .filter((a) => a.tenantId === call.tenant.tenantId)
    .filter((a) => !appointmentIds || appointmentIds.includes(a.appointmentId))
    .filter((a) => jobId === undefined || a.jobId === jobId)
    .map((a) => ({
      id: a.id,
      technicianId: a.technicianId,
      technicianName: state.technicians.find((t) => t.id === a.technicianId)?.name ?? 'Technician',
      assignedById: 1,
      assignedOn: a.assignedOn,
      status: a.status,
      isPaused: false,
      jobId: a.jobId,
      appointmentId: a.appointmentId,
      createdOn: a.assignedOn,
      modifiedOn: a.assignedOn,
      active: true,
    }));
  return paginate(items, call.query);
}

function tracking(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'TechnicianTracking_Get');
  if (failed) return failed;
  const technicianId = intParam(call.query, 'technicianId');
  const appointmentId = intParam(call.query, 'appointmentId');
  // Its 400 body is declared as a plain string.
  if (technicianId === undefined || appointmentId === undefined || Number.isNaN(technicianId) || Number.isNaN(appointmentId)) {
    return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify('technicianId and appointmentId are required.') };
  }
  const state = stateOf(call);
  const assigned = state.assignments.some((a) => a.tenantId === call.tenant.tenantId && a.technicianId === technicianId && a.appointmentId === appointmentId);
  const url = state.technicians.find((t) => t.tenantId === call.tenant.tenantId && t.id === technicianId)?.trackingUrl ?? null;
  if (!assigned || url === null) return problem(404, 'Not Found', { appointmentId: ['No tracking link for this appointment.'] });
  return json({ technicianTrackingUrl: url });
}

export const dispatchRoutes: ApiRoute[] = [
  { module: 'dispatch', method: 'POST', pattern: /^\/capacity$/, scope: 'tn.dis.capacity:w', handle: capacity },
  { module: 'dispatch', method: 'GET', pattern: /^\/appointment-assignments$/, scope: 'tn.dis.appointmentassignments:r', handle: assignments },
  { module: 'dispatch', method: 'GET', pattern: /^\/technician-tracking$/, scope: 'tn.dis.techniciantracking:r', handle: tracking },
];
