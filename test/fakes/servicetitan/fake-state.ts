// Everything the fake remembers. Tests read it through `fake.state` (and the shortcuts on the fake).
import { assistantScopes } from './assistant-scopes.ts';
import type { FaultKind } from './faults.ts';

/** The scopes the fake grants unless a tenant is registered with fewer. */
export const defaultScopes = [
  'tn.crm.bookings:r',
  'tn.crm.bookings:w',
  'tn.crm.bookingprovidertags:r',
  'tn.crm.customers:r',
  // The assistant's endpoints (assistant-routes.ts).
  ...assistantScopes,
] as const;

export interface FakeTenantInit {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  bookingProviderTags?: Array<{ id: number; name: string }>;
  scopes?: string[];
}

/** Crm.V2.GetBookingProviderTagResponse */
export interface FakeBookingProviderTag {
  id: number;
  tagName: string;
  description: string;
  type: 'V1Api' | 'V2Api';
  createdOn: string;
  modifiedOn: string;
  active: boolean;
}

export interface FakeTenant {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tags: FakeBookingProviderTag[];
  scopes: string[];
}

export interface FakeToken {
  accessToken: string;
  tenantId: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

/** Crm.V2.BookingResponse as the fake answers it. */
export interface FakeBookingResponse {
  id: number;
  source: string;
  createdOn: string;
  name: string;
  address: Record<string, unknown> | null;
  customerType: string | null;
  start: string;
  campaignId: number | null;
  businessUnitId: number | null;
  isFirstTimeClient: boolean | null;
  uploadedImages: string[] | null;
  isSendConfirmationEmail: boolean | null;
  status: 'New' | 'Converted' | 'Dismissed' | 'Accepted';
  dismissingReasonId: number | null;
  jobId: number | null;
  externalId: string;
  priority: string | null;
  jobTypeId: number | null;
  bookingProviderId: number;
  modifiedOn: string;
  summary: string | null;
}

export interface FakeBookingContact {
  type: string;
  value: string;
  memo: string | null;
}

export interface StoredBooking {
  tenantId: string;
  bookingProviderId: number;
  /** The create body exactly as it arrived (parsed JSON). */
  body: Record<string, unknown>;
  /** What GET answers now (PATCHes applied). */
  booking: FakeBookingResponse;
  /** Contacts sent with the create; BookingResponse does not carry them. */
  contacts: FakeBookingContact[];
}

export interface FakeCustomerInit {
  /** Defaults to the only (or first) registered tenant. */
  tenantId?: string;
  name: string;
  /** Stored as given; the search compares digits only, so a format mismatch finds nothing, as it may in ServiceTitan. */
  phone: string;
  active?: boolean;
}

export interface FakeCustomer {
  id: number;
  tenantId: string;
  name: string;
  phone: string;
  active: boolean;
  createdOn: string;
}

export interface LoggedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** The status answered, or that would have been (lost answer); 0 for a held (timeout) request. */
  status: number;
  answered: boolean;
  fault?: FaultKind;
  at: string;
}

export class FakeServiceTitanState {
  tenants = new Map<string, FakeTenant>();
  tokens = new Map<string, FakeToken>();
  bookings: StoredBooking[] = [];
  customers: FakeCustomer[] = [];
  requests: LoggedRequest[] = [];
  /** Every call of the token endpoint, successful or not. */
  tokenRequests = 0;
  nextBookingId = 7_000_001;
  nextCustomerId = 5_000_001;

  /** Forgets activity (bookings, tokens, logs); keeps tenants and customers. */
  resetActivity(): void {
    this.tokens.clear();
    this.bookings = [];
    this.requests = [];
    this.tokenRequests = 0;
  }
}
