// Runs one tool call of the model for one tenant and one texting customer. The rules:
// - only the texting customer's own number: an argument naming any other number is refused, and no
//   ServiceTitan call is made for it;
// - results are data (JSON), never instructions: free text from ServiceTitan is cut short and
//   stripped of markup;
// - a tool that fails becomes a handoff, never a guessed answer;
// - a job is created exactly once per booking key: looked up by its external data before any create,
//   and again after a create whose answer was lost;
// - the episode's job, whether this call made it or found it made, goes back beside the result (`job`)
//   for the caller to record on the conversation (a retry whose answer was lost still records it); it
//   is never part of what the model reads.
import { DateTime } from 'luxon';
import {
  createCustomer,
  createJob,
  findCustomersByPhone,
  findJobByExternalData,
  getCapacity,
  isServiceTitanError,
  listAppointmentAssignments,
  listAppointments,
  listLocations,
  technicianTrackingUrl,
  type CapacityWindow,
  type ServiceTitanClient,
} from '../../clients/servicetitan/index.ts';
import { nationalNumber } from '../../domain/phone.ts';
import { isToolName, type ToolName, type ToolSwitches } from './tool-schemas.ts';

export interface ToolCall {
  id: string;
  name: string;
  /** The JSON text the model wrote. */
  arguments: string;
}

/** The episode's ServiceTitan job (job mode): its appointment's arrival window, ISO 8601 UTC. */
export interface BookedJob {
  jobId: number;
  jobNumber: string;
  arrivalWindowStart: string;
  arrivalWindowEnd: string;
}

export type ToolOutcome =
  | { kind: 'data'; data: Record<string, unknown>; job?: BookedJob }
  /** The turn ends and a person takes over. */
  | { kind: 'handoff'; reason: string; data: Record<string, unknown>; job?: BookedJob };

/** The tenant's booking defaults (ServiceTitan settings) the availability and booking tools use. */
export interface BookingDefaults {
  businessUnitId: number | null;
  jobTypeId: number | null;
  campaignId: number | null;
  priority: string;
}

export interface ToolContext {
  /** E.164 of the customer who is texting: the only number any tool looks up. */
  customerPhone: string;
  switches: ToolSwitches;
  bookingMode: 'request' | 'job';
  defaults: BookingDefaults;
  /** IANA zone the windows are shown in. */
  timeZone: string;
  /** Stable per episode: the job's external data value, so a retry finds the job it made. */
  bookingKey: string;
  /** Sandbox: writes (customer, job, booking request) are described, never made. */
  dryRun: boolean;
}

export interface ToolExecutorDeps {
  /** The tenant's client, or null when its ServiceTitan integration is not enabled. */
  serviceTitan: ServiceTitanClient | null;
  /** The application GUID ServiceTitan files our external data under. */
  applicationGuid: string;
  /** Booking-request mode: the episode's booking through the exactly-once booking path (wired by the workflow). */
  requestBooking?: (window: { start: string; end: string; label: string }, summary: string) => Promise<{ bookingId: number | null }>;
  now?: () => Date;
}

export const externalDataKey = 'intellisend-booking';

/** The application GUID our ServiceTitan external data is filed under (env SERVICETITAN_APPLICATION_GUID later). */
export const defaultApplicationGuid = '3b1c9a52-6f0e-4d7b-9a41-1e2f6c8d5b70';

const switchOf: Record<Exclude<ToolName, 'hand_off'>, keyof ToolSwitches> = {
  lookup_customer: 'customerLookup',
  job_status: 'jobStatus',
  check_availability: 'availability',
  book_appointment: 'booking',
};

type Args = Record<string, unknown>;

const data = (d: Record<string, unknown>): ToolOutcome => ({ kind: 'data', data: d });
const handoff = (reason: string): ToolOutcome => ({ kind: 'handoff', reason, data: { handedOff: true, reason } });
const withJob = (outcome: ToolOutcome, job: BookedJob): ToolOutcome => ({ ...outcome, job });

/** ServiceTitan's UTC time as ISO 8601 with `Z` (a time without an offset is UTC, as label() reads it). */
function utcIso(value: string): string {
  const iso = DateTime.fromISO(value, { zone: 'utc' }).toUTC().toISO();
  if (!iso) throw new RangeError('ServiceTitan sent a time that is not ISO 8601');
  return iso;
}

/** Free text from ServiceTitan (job summaries are HTML): no markup, no more than a line. */
function plainSnippet(value: unknown, max = 120): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, max) : null;
}

const appointmentWords: Record<string, string> = {
  Scheduled: 'scheduled',
  Dispatched: 'your technician is on the way',
  Working: 'your technician is working on it',
  Hold: 'on hold',
  Done: 'finished',
  Canceled: 'canceled',
};

export function createToolExecutor(deps: ToolExecutorDeps) {
  const now = deps.now ?? (() => new Date());

  function label(startIso: string, endIso: string, zone: string): string {
    const start = DateTime.fromISO(startIso, { zone: 'utc' }).setZone(zone);
    const end = DateTime.fromISO(endIso, { zone: 'utc' }).setZone(zone);
    return `${start.toFormat('ccc LLL d')}, ${start.toFormat('h:mm a')}–${end.toFormat('h:mm a')}`;
  }

  /** The argument's number, when it names one that is not the customer's own. */
  function foreignPhone(args: Args, ctx: ToolContext): string | null {
    const raw = typeof args.phone === 'string' ? args.phone.trim() : '';
    if (!raw) return null;
    // Compared as national digits: "+1 (512) 555-0101", "5125550101" and the E.164 are one number.
    return nationalNumber(raw) === nationalNumber(ctx.customerPhone) ? null : raw;
  }

  async function customerOf(client: ServiceTitanClient, ctx: ToolContext) {
    const [customer] = await findCustomersByPhone(client, ctx.customerPhone);
    return customer ?? null;
  }

  async function lookupCustomer(client: ServiceTitanClient, ctx: ToolContext): Promise<ToolOutcome> {
    const customer = await customerOf(client, ctx);
    if (!customer) return data({ isCustomer: false });
    const locations = await listLocations(client, customer.id);
    return data({
      isCustomer: true,
      name: customer.name,
      serviceAddresses: locations.map((l) => [l.address.street, l.address.unit, l.address.city, l.address.state, l.address.zip].filter(Boolean).join(', ')),
    });
  }

  async function jobStatus(client: ServiceTitanClient, ctx: ToolContext): Promise<ToolOutcome> {
    const customer = await customerOf(client, ctx);
    if (!customer) return data({ isCustomer: false, appointment: null });
    const since = DateTime.fromJSDate(now()).minus({ hours: 12 }).toUTC().toISO() as string;
    const appointments = (await listAppointments(client, { customerId: customer.id, startsOnOrAfter: since }))
      .filter((a) => a.status !== 'Canceled' && a.status !== 'Done')
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    const next = appointments[0];
    if (!next) return data({ isCustomer: true, appointment: null, note: 'No upcoming appointment.' });
    const [assignment] = await listAppointmentAssignments(client, [next.id]);
    const trackingUrl = assignment ? await technicianTrackingUrl(client, assignment.technicianId, next.id) : null;
    const windowStart = next.arrivalWindowStart ?? next.start;
    const windowEnd = next.arrivalWindowEnd ?? next.end;
    return data({
      isCustomer: true,
      appointment: {
        arrivalWindow: label(windowStart, windowEnd, ctx.timeZone),
        status: appointmentWords[next.status] ?? next.status.toLowerCase(),
        technician: assignment?.technicianName.split(' ')[0] ?? null,
        trackingUrl,
        eta: null,
        note: 'There is no ETA: give the arrival window and the tracking link, nothing else about timing.',
      },
    });
  }

  async function openWindows(client: ServiceTitanClient, ctx: ToolContext, days: number): Promise<CapacityWindow[]> {
    const start = DateTime.fromJSDate(now()).toUTC();
    const answer = await getCapacity(client, {
      startsOnOrAfter: start.toISO() as string,
      endsOnOrBefore: start.plus({ days }).toISO() as string,
      businessUnitIds: ctx.defaults.businessUnitId === null ? null : [ctx.defaults.businessUnitId],
      jobTypeId: ctx.defaults.jobTypeId,
      skillBasedAvailability: false,
    });
    return answer.availabilities.filter((w) => w.isAvailable && Date.parse(w.startUtc) > start.toMillis());
  }

  async function checkAvailability(client: ServiceTitanClient, args: Args, ctx: ToolContext): Promise<ToolOutcome> {
    const days = typeof args.days === 'number' && Number.isInteger(args.days) ? Math.min(7, Math.max(1, args.days)) : 3;
    const windows = (await openWindows(client, ctx, days)).slice(0, 6);
    return data({
      windows: windows.map((w) => ({ windowStart: w.startUtc, windowEnd: w.endUtc, label: label(w.startUtc, w.endUtc, ctx.timeZone) })),
      note: windows.length === 0 ? 'No open windows in these days.' : 'Offer only these windows, by their label.',
    });
  }

  /**
   * The episode's job, made by an earlier call (or by a retry of this one whose answer was lost): its
   * own appointment's window is the answer. A different time is a reschedule, which a person does.
   */
  async function alreadyMadeJob(client: ServiceTitanClient, job: { id: number; jobNumber: string }, chosen: number, ctx: ToolContext): Promise<ToolOutcome> {
    const [appointment] = await listAppointments(client, { jobId: job.id, pageSize: 1 });
    if (!appointment) return handoff(`job ${job.jobNumber} exists without an appointment`);
    const start = appointment.arrivalWindowStart ?? appointment.start;
    const end = appointment.arrivalWindowEnd ?? appointment.end;
    const when = label(start, end, ctx.timeZone);
    const booked: BookedJob = { jobId: job.id, jobNumber: job.jobNumber, arrivalWindowStart: utcIso(start), arrivalWindowEnd: utcIso(end) };
    if (Date.parse(start) !== chosen && Date.parse(appointment.start) !== chosen) {
      return withJob(handoff(`job ${job.jobNumber} is already booked for ${when}; a new time needs a person`), booked);
    }
    return withJob(data({ booked: true, kind: 'job', jobNumber: job.jobNumber, window: when, alreadyBooked: true }), booked);
  }

  async function book(client: ServiceTitanClient, args: Args, ctx: ToolContext): Promise<ToolOutcome> {
    const chosen = typeof args.windowStart === 'string' ? Date.parse(args.windowStart) : NaN;
    const ref = { applicationGuid: deps.applicationGuid, key: externalDataKey, value: ctx.bookingKey };
    // Before the window check: the job's own appointment fills part of its window's capacity.
    if (ctx.bookingMode === 'job' && !ctx.dryRun) {
      const made = await findJobByExternalData(client, ref);
      if (made) return alreadyMadeJob(client, made, chosen, ctx);
    }
    // Only a window the schedule still offers: never a time the model made up.
    const window = (await openWindows(client, ctx, 7)).find((w) => Date.parse(w.startUtc) === chosen);
    if (!window) return data({ booked: false, problem: 'That window is not open (any more). Check availability again and offer what it returns.' });
    const when = label(window.startUtc, window.endUtc, ctx.timeZone);
    const summary = plainSnippet(args.summary, 200) ?? 'Service visit booked by text';

    if (ctx.bookingMode === 'request') {
      if (ctx.dryRun || !deps.requestBooking) return data({ booked: true, kind: 'booking request', window: when, dryRun: ctx.dryRun, note: 'A team member confirms it.' });
      await deps.requestBooking({ start: window.startUtc, end: window.endUtc, label: when }, summary);
      return data({ booked: true, kind: 'booking request', window: when, note: 'A team member confirms it.' });
    }


    let customer = await customerOf(client, ctx);
    let locationId: number | null = null;
    if (customer) {
      locationId = (await listLocations(client, customer.id))[0]?.id ?? null;
    }
    const name = plainSnippet(args.name, 80);
    const address = { street: plainSnippet(args.street, 100), city: plainSnippet(args.city, 60), state: plainSnippet(args.state, 30), zip: plainSnippet(args.zip, 12) };
    if (!customer || locationId === null) {
      const missing = [!customer && !name ? 'name' : null, ...Object.entries(address).filter(([, v]) => !v).map(([k]) => k)].filter(Boolean);
      if (missing.length > 0) return data({ booked: false, needs: missing, note: 'Ask the customer for these, then book again.' });
    }
    if (ctx.dryRun) return data({ booked: true, kind: 'job', jobNumber: 'TEST', window: when, dryRun: true });
    if (!customer || locationId === null) {
      const serviceAddress = { street: address.street!, city: address.city!, state: address.state!, zip: address.zip!, country: 'USA' };
      const created = await createCustomer(client, {
        name: customer?.name ?? name!,
        type: 'Residential',
        address: serviceAddress,
        locations: [{ name: 'Service address', address: serviceAddress }],
        contacts: [{ type: 'MobilePhone', value: ctx.customerPhone }],
      });
      customer = created;
      locationId = created.locations[0]?.id ?? null;
      if (locationId === null) return handoff('ServiceTitan created the customer without a location');
    }
    const { businessUnitId, jobTypeId, campaignId, priority } = ctx.defaults;
    if (businessUnitId === null || jobTypeId === null || campaignId === null) return handoff('booking defaults (business unit, job type, campaign) are not set');
    const body = {
      customerId: customer.id,
      locationId,
      businessUnitId,
      jobTypeId,
      priority,
      campaignId,
      appointments: [{ start: window.startUtc, end: window.endUtc, arrivalWindowStart: window.startUtc, arrivalWindowEnd: window.endUtc }],
      summary,
      externalData: { applicationGuid: deps.applicationGuid, externalData: [{ key: externalDataKey, value: ctx.bookingKey }] },
    };
    // The job's appointment is on the chosen window (body above): that is its arrival window.
    const jobBooked = (job: { id: number; jobNumber: string }): ToolOutcome =>
      withJob(data({ booked: true, kind: 'job', jobNumber: job.jobNumber, window: when }), {
        jobId: job.id,
        jobNumber: job.jobNumber,
        arrivalWindowStart: utcIso(window.startUtc),
        arrivalWindowEnd: utcIso(window.endUtc),
      });
    try {
      return jobBooked(await createJob(client, body));
    } catch (error) {
      // The create may have happened with its answer lost: the external data says.
      if (isServiceTitanError(error) && (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server')) {
        const found = await findJobByExternalData(client, ref);
        if (found) return jobBooked(found);
      }
      throw error;
    }
  }

  /** Runs one call; never throws: a failure is a handoff. */
  async function execute(call: ToolCall, ctx: ToolContext): Promise<ToolOutcome> {
    if (!isToolName(call.name)) return handoff(`the model asked for an unknown tool (${call.name.slice(0, 40)})`);
    let args: Args;
    try {
      const parsed: unknown = JSON.parse(call.arguments || '{}');
      args = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Args) : {};
    } catch {
      return handoff('the model sent tool arguments that are not JSON');
    }
    if (call.name === 'hand_off') {
      const reason = plainSnippet(args.reason, 200) ?? 'the assistant handed over';
      return handoff(reason);
    }
    if (!ctx.switches[switchOf[call.name]]) return data({ refused: true, reason: 'This tool is switched off for this assistant.' });
    const foreign = foreignPhone(args, ctx);
    if (foreign !== null) {
      return data({ refused: true, reason: "Only the texting customer's own number can be looked up. Do not look up other numbers." });
    }
    const client = deps.serviceTitan;
    if (!client) return handoff('the ServiceTitan integration is not enabled');
    try {
      switch (call.name) {
        case 'lookup_customer':
          return await lookupCustomer(client, ctx);
        case 'job_status':
          return await jobStatus(client, ctx);
        case 'check_availability':
          return await checkAvailability(client, args, ctx);
        case 'book_appointment':
          return await book(client, args, ctx);
      }
    } catch (error) {
      const why = isServiceTitanError(error) ? error.kind : 'error';
      return handoff(`the ${call.name} tool failed (${why})`);
    }
  }

  return { execute };
}

export type ToolExecutor = ReturnType<typeof createToolExecutor>;
