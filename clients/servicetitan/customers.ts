// CRM customers and their locations, for the assistant's customer lookup and "new customer" booking:
// GET /crm/v2/…/customers?phone=, GET /locations?customerId=, POST /customers (locations included).
// The phone search is only ever asked for the texting customer's own number (the tool executor's rule).
import { nationalNumber } from '../../domain/phone.ts';
import type { ServiceTitanClient } from './client.ts';
import { pageOf, unexpectedAnswer, withMembers } from './shape-checks.ts';

export const customerScopes = {
  read: 'tn.crm.customers:r',
  write: 'tn.crm.customers:w',
  locationsRead: 'tn.crm.locations:r',
} as const;

/** Crm.V2.Customers.CustomerAddress */
export interface CustomerAddress {
  street: string;
  unit?: string | null;
  city: string;
  state: string;
  zip: string;
  country: string;
}

/** The part of Crm.V2.Customers.CustomerResponse the assistant uses. */
export interface CustomerRecord {
  id: number;
  name: string;
  active: boolean;
  type?: 'Residential' | 'Commercial';
}

/** The part of Crm.V2.Locations.LocationResponse the assistant uses. */
export interface LocationRecord {
  id: number;
  customerId: number;
  name: string;
  active: boolean;
  address: CustomerAddress;
}

/** Crm.V2.Customers.CreateCustomerRequest (additionalProperties: false). */
export interface CreateCustomerBody {
  name: string;
  type?: 'Residential' | 'Commercial' | null;
  address: CustomerAddress;
  locations: Array<{ name: string; address: CustomerAddress; contacts?: Array<{ type: string; value: string; memo?: string | null }> | null }>;
  contacts?: Array<{ type: 'Phone' | 'MobilePhone' | 'Email' | 'Fax'; value: string; memo?: string | null }> | null;
  externalData?: { applicationGuid: string; externalData: Array<{ key: string; value: string }> } | null;
}

/** Crm.V2.Customers.CreatedCustomerResponse: the new customer with the ids of its new locations. */
export interface CreatedCustomer extends CustomerRecord {
  locations: LocationRecord[];
}

const asCustomer = (v: unknown) => withMembers<CustomerRecord>(v, 'a customer', { id: 'number', name: 'string', active: 'boolean' });
const asLocation = (v: unknown) =>
  withMembers<LocationRecord>(v, 'a location', { id: 'number', customerId: 'number', name: 'string', address: 'object' });

/** Active customers whose phone is this number (asked as the 10-digit national number). */
export async function findCustomersByPhone(client: ServiceTitanClient, phoneE164: string): Promise<CustomerRecord[]> {
  const json = await client.call({
    method: 'GET',
    module: 'crm',
    path: '/customers',
    query: { phone: nationalNumber(phoneE164), pageSize: 10 },
    operation: 'search customers by phone',
    scope: customerScopes.read,
  });
  return pageOf(json, 'customers', asCustomer).filter((c) => c.active);
}

export async function listLocations(client: ServiceTitanClient, customerId: number): Promise<LocationRecord[]> {
  const json = await client.call({
    method: 'GET',
    module: 'crm',
    path: '/locations',
    query: { customerId, pageSize: 50 },
    operation: "list a customer's locations",
    scope: customerScopes.locationsRead,
  });
  return pageOf(json, 'locations', asLocation).filter((l) => l.active);
}

/** Creates a customer with its service location(s). There is no idempotency key: the caller looks it up by phone first. */
export async function createCustomer(client: ServiceTitanClient, body: CreateCustomerBody): Promise<CreatedCustomer> {
  const json = await client.call({
    method: 'POST',
    module: 'crm',
    path: '/customers',
    body,
    operation: 'create a customer',
    scope: customerScopes.write,
  });
  const customer = asCustomer(json) as CreatedCustomer;
  if (!Array.isArray(customer.locations)) throw unexpectedAnswer('a created customer');
  customer.locations = customer.locations.map(asLocation);
  return customer;
}
