// /booking-provider/{booking_provider}/bookings[…]: create, list, get, patch, contacts.
import type { ApiCall, ApiRoute } from './api-route.ts';
import { paginate, parseJsonBody, validationFailure } from './api-route.ts';
import type { FakeBookingContact, FakeBookingResponse, StoredBooking } from './fake-state.ts';
import { fieldErrorsFrom } from './openapi-schemas.ts';
import { json, problem, type Reply } from './reply.ts';

type Body = Record<string, unknown>;

function providerOrNotFound(call: ApiCall): { id: number } | { reply: Reply } {
  const id = Number(call.params.bp);
  if (!call.tenant.tags.some((t) => t.id === id)) {
    return {
      reply: problem(404, 'Booking provider not found', {
        booking_provider: [`Booking provider ${call.params.bp} was not found.`],
      }),
    };
  }
  return { id };
}

function bookingsOf(call: ApiCall, providerId: number): StoredBooking[] {
  return call.state.bookings.filter((b) => b.tenantId === call.tenant.tenantId && b.bookingProviderId === providerId);
}

function findBooking(call: ApiCall, providerId: number): StoredBooking | { reply: Reply } {
  const id = Number(call.params.id);
  const found = bookingsOf(call, providerId).find((b) => b.booking.id === id);
  return found ?? { reply: problem(404, 'Booking not found', { id: [`Booking ${call.params.id} was not found.`] }) };
}

/** "ServiceTitan needs a name plus a phone, email or address to accept a booking." */
function reachabilityErrors(body: Body): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (typeof body.name !== 'string' || body.name.trim() === '') errors.name = ['A customer name is required.'];
  const contacts = Array.isArray(body.contacts) ? (body.contacts as Array<{ type?: unknown; value?: unknown }>) : [];
  const reachable = contacts.some(
    (c) => ['Phone', 'MobilePhone', 'Email'].includes(String(c.type)) && typeof c.value === 'string' && c.value.trim() !== '',
  );
  if (!reachable && !body.address) errors.contacts = ['A phone number, an email address or an address is required.'];
  return errors;
}

function nullable<T>(value: unknown): T | null {
  return value === undefined ? null : (value as T | null);
}

function create(call: ApiCall): Reply {
  const provider = providerOrNotFound(call);
  if ('reply' in provider) return provider.reply;
  if (call.bookingsFailure) return call.bookingsFailure;
  const parsed = parseJsonBody(call.bodyText);
  if ('reply' in parsed) return parsed.reply;
  if (!call.schemas.createBookingRequest(parsed.value)) {
    return validationFailure(fieldErrorsFrom(call.schemas.createBookingRequest.errors));
  }
  const body = parsed.value as Body;
  const rule = reachabilityErrors(body);
  if (Object.keys(rule).length > 0) return validationFailure(rule);

  const now = new Date().toISOString();
  const booking: FakeBookingResponse = {
    id: call.state.nextBookingId++,
    source: body.source as string,
    createdOn: now,
    name: body.name as string,
    address: nullable(body.address),
    customerType: nullable(body.customerType),
    // BookingResponse requires a start; assumption: ServiceTitan fills it with the creation time when none is sent.
    start: (body.start as string | null | undefined) ?? now,
    campaignId: nullable(body.campaignId),
    businessUnitId: nullable(body.businessUnitId),
    isFirstTimeClient: body.isFirstTimeClient as boolean,
    uploadedImages: nullable(body.uploadedImages),
    isSendConfirmationEmail: nullable(body.isSendConfirmationEmail),
    status: 'New',
    dismissingReasonId: null,
    jobId: null,
    externalId: body.externalId as string,
    priority: nullable(body.priority),
    jobTypeId: nullable(body.jobTypeId),
    bookingProviderId: provider.id,
    modifiedOn: now,
    summary: body.summary as string,
  };
  const contacts = ((body.contacts as FakeBookingContact[] | null | undefined) ?? []).map((c) => ({
    type: c.type,
    value: c.value,
    memo: c.memo ?? null,
  }));
  call.state.bookings.push({ tenantId: call.tenant.tenantId, bookingProviderId: provider.id, body, booking, contacts });
  return json(booking);
}

function list(call: ApiCall): Reply {
  const provider = providerOrNotFound(call);
  if ('reply' in provider) return provider.reply;
  const q = call.query;
  const ids = q.get('ids')?.split(',').map((s) => Number(s.trim())).filter(Number.isFinite);
  const since = (name: string) => (q.get(name) ? Date.parse(q.get(name) as string) : undefined);
  const createdOnOrAfter = since('createdOnOrAfter');
  const createdBefore = since('createdBefore');
  const modifiedOnOrAfter = since('modifiedOnOrAfter');
  const modifiedBefore = since('modifiedBefore');
  const externalId = q.get('externalId');
  let items = bookingsOf(call, provider.id)
    .map((b) => b.booking)
    .filter((b) => externalId === null || b.externalId === externalId)
    .filter((b) => !ids || ids.includes(b.id))
    .filter((b) => createdOnOrAfter === undefined || Date.parse(b.createdOn) >= createdOnOrAfter)
    .filter((b) => createdBefore === undefined || Date.parse(b.createdOn) < createdBefore)
    .filter((b) => modifiedOnOrAfter === undefined || Date.parse(b.modifiedOn) >= modifiedOnOrAfter)
    .filter((b) => modifiedBefore === undefined || Date.parse(b.modifiedOn) < modifiedBefore);
  const sort = /^([+-]?)(Id|CreatedOn|ModifiedOn)$/i.exec(q.get('sort') ?? '');
  if (sort) {
    const field = sort[2]!.toLowerCase();
    const key = (b: FakeBookingResponse) => (field === 'id' ? b.id : Date.parse(field === 'createdon' ? b.createdOn : b.modifiedOn));
    const direction = sort[1] === '-' ? -1 : 1;
    items = [...items].sort((a, b) => direction * (key(a) - key(b)));
  }
  return paginate(items, q);
}

function get(call: ApiCall): Reply {
  const provider = providerOrNotFound(call);
  if ('reply' in provider) return provider.reply;
  const found = findBooking(call, provider.id);
  return 'reply' in found ? found.reply : json(found.booking);
}

function patch(call: ApiCall): Reply {
  const provider = providerOrNotFound(call);
  if ('reply' in provider) return provider.reply;
  const found = findBooking(call, provider.id);
  if ('reply' in found) return found.reply;
  const parsed = parseJsonBody(call.bodyText);
  if ('reply' in parsed) return parsed.reply;
  if (!call.schemas.updateBookingRequest(parsed.value)) {
    return validationFailure(fieldErrorsFrom(call.schemas.updateBookingRequest.errors));
  }
  Object.assign(found.booking, parsed.value as Body, { modifiedOn: new Date().toISOString() });
  return json(found.booking);
}

function contacts(call: ApiCall): Reply {
  const provider = providerOrNotFound(call);
  if ('reply' in provider) return provider.reply;
  const found = findBooking(call, provider.id);
  if ('reply' in found) return found.reply;
  const rows = found.contacts.map((c, i) => ({
    id: found.booking.id * 10 + i,
    type: c.type,
    value: c.value,
    memo: c.memo ?? '',
    modifiedOn: found.booking.createdOn,
  }));
  return paginate(rows, call.query);
}

const base = '^/booking-provider/(?<bp>\\d+)/bookings';

export const bookingRoutes: ApiRoute[] = [
  { method: 'POST', pattern: new RegExp(`${base}$`), scope: 'tn.crm.bookings:w', isCreate: true, handle: create },
  { method: 'GET', pattern: new RegExp(`${base}$`), scope: 'tn.crm.bookings:r', handle: list },
  { method: 'GET', pattern: new RegExp(`${base}/(?<id>\\d+)$`), scope: 'tn.crm.bookings:r', handle: get },
  { method: 'PATCH', pattern: new RegExp(`${base}/(?<id>\\d+)$`), scope: 'tn.crm.bookings:w', handle: patch },
  { method: 'GET', pattern: new RegExp(`${base}/(?<id>\\d+)/contacts$`), scope: 'tn.crm.bookings:r', handle: contacts },
];
