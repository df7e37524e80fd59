// The JSON the settings API answers with (contract.md, "ServiceTitan settings API (admin)", and the
// extensions for Twilio, booking health and users). Types only, no imports: the API's presenters build
// exactly these, and the web app reads them, so a change to one side fails the other's type check.

export type ServiceTitanEnvironment = 'production' | 'integration';
export type UserRole = 'admin' | 'csr';

/** `GET|POST /api/tenants/:tenantId/servicetitan-config`. Secrets appear only as `has…`. */
export interface ServiceTitanConfigView {
  environment: ServiceTitanEnvironment;
  tenantApiBaseUrl: string | null;
  authUrl: string | null;
  serviceTitanTenantId: string | null;
  clientId: string | null;
  hasClientSecret: boolean;
  hasAppKey: boolean;
  bookingProvider: string | null;
  enabled: boolean;
  bookingSourceLabel: string | null;
  complaintPriority: string | null;
  businessUnitId: number | null;
  jobTypeId: number | null;
  campaignId: number | null;
  updatedAt: string;
}

export interface TwilioNumberView {
  id: string;
  phone: string;
  label: string | null;
  inboundWebhookUrl: string;
  statusCallbackUrl: string;
}

/** `GET|POST /api/tenants/:tenantId/twilio-settings`. The auth token appears only as `hasAuthToken`. */
export interface TwilioSettingsView {
  accountSid: string | null;
  hasAuthToken: boolean;
  helpReply: string;
  numbers: TwilioNumberView[];
}

export interface BookingProblem {
  conversationId: string;
  status: 'failed' | 'retrying';
  attempts: number;
  lastError: string | null;
  updatedAt: string;
  contact: { firstName: string | null; lastName: string | null; phone: string };
  /** The inbox page of the conversation. */
  link: string;
}

/** `GET /api/tenants/:tenantId/booking-health`. */
export interface BookingHealthView {
  windowHours: number;
  last24h: { created: number; retrying: number; failed: number };
  /** Every conversation whose booking is failed now, whatever its age: what "Retry failed bookings" retries. */
  failedTotal: number;
  problems: BookingProblem[];
  temporalUiUrl: string;
}

/** `GET|POST /api/tenants/:tenantId/users`, `PATCH …/users/:id`. */
export interface UserView {
  id: string;
  email: string;
  role: UserRole;
  createdAt: string;
}
