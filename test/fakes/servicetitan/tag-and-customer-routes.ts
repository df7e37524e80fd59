// GET /booking-provider-tags?name=… and GET /customers?phone=…
import type { ApiCall, ApiRoute } from './api-route.ts';
import { paginate } from './api-route.ts';
import type { FakeCustomer } from './fake-state.ts';
import type { Reply } from './reply.ts';

function listTags(call: ApiCall): Reply {
  const name = call.query.get('name')?.toLowerCase();
  const ids = call.query.get('ids')?.split(',').map((s) => Number(s.trim()));
  const tags = call.tenant.tags
    .filter((t) => !name || t.tagName.toLowerCase().includes(name))
    .filter((t) => !ids || ids.includes(t.id));
  return paginate(tags, call.query);
}

const digits = (s: string) => s.replace(/\D/g, '');

/** Crm.V2.Customers.CustomerResponse with the members the schema requires. */
function customerResponse(c: FakeCustomer) {
  return {
    id: c.id,
    active: c.active,
    name: c.name,
    type: 'Residential',
    address: { street: '', unit: null, city: '', state: '', zip: '', country: '', latitude: null, longitude: null },
    customFields: [],
    balance: 0,
    taxExempt: false,
    tagTypeIds: [],
    doNotMail: false,
    doNotService: false,
    nationalAccount: false,
    createdOn: c.createdOn,
    createdById: 1,
    modifiedOn: c.createdOn,
    mergedToId: null,
    paymentTermId: null,
    creditLimit: null,
    creditLimitBalance: null,
    externalData: [],
  };
}

function listCustomers(call: ApiCall): Reply {
  const phone = call.query.get('phone');
  const name = call.query.get('name')?.toLowerCase();
  const active = (call.query.get('active') ?? 'True').toLowerCase();
  // The phone format ServiceTitan expects is undocumented: the fake matches digits exactly, so
  // "5551234567" finds "(555) 123-4567" but "+15551234567" does not.
  const matches = call.state.customers
    .filter((c) => c.tenantId === call.tenant.tenantId)
    .filter((c) => active === 'any' || c.active === (active === 'true'))
    .filter((c) => !phone || digits(c.phone) === digits(phone))
    .filter((c) => !name || c.name.toLowerCase().includes(name))
    .map(customerResponse);
  return paginate(matches, call.query);
}

export const tagAndCustomerRoutes: ApiRoute[] = [
  { method: 'GET', pattern: /^\/booking-provider-tags$/, scope: 'tn.crm.bookingprovidertags:r', handle: listTags },
  { method: 'GET', pattern: /^\/customers$/, scope: 'tn.crm.customers:r', handle: listCustomers },
];
