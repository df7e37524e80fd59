// CRM for the assistant: GET /locations?customerId=… and POST /customers (with its locations). The
// phone search (GET /customers) stays in tag-and-customer-routes.ts; created customers join it.
import type { ApiCall, ApiRoute } from './api-route.ts';
import { paginate, parseJsonBody } from './api-route.ts';
import { badQuery, forcedFailure, intParam, invalidAgainst, stateOf } from './assistant-route-support.ts';
import type { FakeAddress, FakeLocation } from './assistant-state.ts';
import { jpmDispatchSchemas } from './jpm-dispatch-schemas.ts';
import { json, type Reply } from './reply.ts';

const schemas = () => jpmDispatchSchemas();

const addressResponse = (a: FakeAddress) => ({ ...a, latitude: null, longitude: null });

function locationResponse(l: FakeLocation) {
  return {
    id: l.id,
    customerId: l.customerId,
    active: true,
    name: l.name,
    address: addressResponse(l.address),
    customFields: [],
    createdOn: l.createdOn,
    createdById: 1,
    modifiedOn: l.createdOn,
    mergedToId: null,
    zoneId: null,
    taxExempt: false,
    tagTypeIds: [],
    externalData: [],
    taxZoneId: null,
  };
}

function listLocations(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'Locations_GetList');
  if (failed) return failed;
  const customerId = intParam(call.query, 'customerId');
  if (Number.isNaN(customerId)) return badQuery('customerId', 'The value is not valid.');
  const items = stateOf(call)
    .locations.filter((l) => l.tenantId === call.tenant.tenantId)
    .filter((l) => customerId === undefined || l.customerId === customerId)
    .map(locationResponse);
  return paginate(items, call.query);
}

type Address = { street: string; unit?: string | null; city: string; state: string; zip: string; country: string };
type Contact = { type: string; value: string; memo?: string | null };

function createCustomer(call: ApiCall): Reply {
  const failed = forcedFailure(call, 'Customers_Create');
  if (failed) return failed;
  const parsed = parseJsonBody(call.bodyText);
  if ('reply' in parsed) return parsed.reply;
  const invalid = invalidAgainst(schemas().createCustomerRequest, parsed.value);
  if (invalid) return invalid;
  const body = parsed.value as { name: string; type?: string | null; address: Address; locations: Array<{ name: string; address: Address }>; contacts?: Contact[] | null };
  const now = new Date().toISOString();
  const state = stateOf(call);
  const phone = (body.contacts ?? []).find((c) => c.type === 'Phone' || c.type === 'MobilePhone')?.value ?? '';
  const id = call.state.nextCustomerId++;
  call.state.customers.push({ id, tenantId: call.tenant.tenantId, name: body.name, phone, active: true, createdOn: now });
  const norm = (a: Address): FakeAddress => ({ street: a.street, unit: a.unit ?? null, city: a.city, state: a.state, zip: a.zip, country: a.country });
  const locations = body.locations.map((l) => {
    const location: FakeLocation = { id: state.nextLocationId++, tenantId: call.tenant.tenantId, customerId: id, name: l.name, address: norm(l.address), createdOn: now };
    state.locations.push(location);
    return location;
  });
  state.creates.push({ tenantId: call.tenant.tenantId, operation: 'Customers_Create', body: parsed.value as Record<string, unknown>, id });
  return json({
    id,
    active: true,
    name: body.name,
    type: body.type ?? 'Residential',
    address: addressResponse(norm(body.address)),
    customFields: [],
    balance: 0,
    taxExempt: false,
    tagTypeIds: [],
    doNotMail: false,
    doNotService: false,
    nationalAccount: false,
    createdOn: now,
    createdById: 1,
    modifiedOn: now,
    mergedToId: null,
    paymentTermId: null,
    creditLimit: null,
    creditLimitBalance: null,
    externalData: [],
    locations: locations.map((l) => {
      const { taxZoneId, ...rest } = locationResponse(l);
      return { ...rest, taxZoneId, contacts: [] };
    }),
    contacts: (body.contacts ?? []).map((c, i) => ({ id: id * 10 + i, type: c.type, value: c.value, memo: c.memo ?? null })),
  });
}

export const customerRoutes: ApiRoute[] = [
  { module: 'crm', method: 'GET', pattern: /^\/locations$/, scope: 'tn.crm.locations:r', handle: listLocations },
  { module: 'crm', method: 'POST', pattern: /^\/customers$/, scope: 'tn.crm.customers:w', isCreate: true, handle: createCustomer },
];
