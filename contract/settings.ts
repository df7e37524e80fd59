// The JSON the settings API answers with (contract.md, "ServiceTitan settings API (admin)", and the
// extensions for Twilio, booking health and users). Types only: the API's presenters build exactly
// these, and the web app reads them, so a change to one side fails the other's type check.
import type { ServiceTitanEnvironment } from '../clients/servicetitan/environments.ts';

export type { ServiceTitanEnvironment };
export type UserRole = 'admin' | 'csr';

/** A tenant's ServiceTitan settings that are not secret: stored as they are, and shown as they are. */
export interface ServiceTitanPlainFields {
  environment: ServiceTitanEnvironment;
  tenantApiBaseUrl: string | null;
  authUrl: string | null;
  serviceTitanTenantId: string | null;
  clientId: string | null;
  bookingProvider: string | null;
  enabled: boolean;
  bookingSourceLabel: string | null;
  complaintPriority: string | null;
  businessUnitId: number | null;
  jobTypeId: number | null;
  campaignId: number | null;
}

/** `GET|POST /api/tenants/:tenantId/servicetitan-config`. Secrets appear only as `has…`. */
export interface ServiceTitanConfigView extends ServiceTitanPlainFields {
  hasClientSecret: boolean;
  hasAppKey: boolean;
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

/** One retried booking as it stood when `POST …/bookings/retry-failed` answered. */
export interface RetriedBooking {
  conversationId: string;
  /** `created`; `failed` (refused again: see lastError); `retrying` (ServiceTitan unavailable, Temporal keeps
   * trying); `pending` or still `failed` with the old attempt count when the try had not ended in time. */
  status: 'pending' | 'retrying' | 'created' | 'failed' | 'skipped' | 'none';
  attempts: number;
  lastError: string | null;
  /** The new try ended (created, refused again, or handed to Temporal's retries) before the answer. */
  settled: boolean;
}

/** `POST /api/tenants/:tenantId/bookings/retry-failed`: waits a few seconds for the tries' outcomes. */
export interface RetryFailedBookingsView {
  /** Failed bookings whose workflow was asked to try again. */
  retried: number;
  /** …of which created at ServiceTitan now. */
  booked: number;
  /** …refused again (each one's reason in `bookings[].lastError`). */
  failedAgain: number;
  /** …still being tried when the answer was sent (ServiceTitan unavailable, or the try not ended yet). */
  stillTrying: number;
  /** Failed bookings whose workflow Temporal could not be reached for (they stay failed). */
  notReached: number;
  bookings: RetriedBooking[];
}

/** `GET|POST /api/tenants/:tenantId/users`, `PATCH …/users/:id`. */
export interface UserView {
  id: string;
  email: string;
  role: UserRole;
  createdAt: string;
}
