// Shapes of ServiceTitan CRM v2 bodies, written by hand from the OpenAPI document
// (/work/shared/servicetitan/crm-v2-bookings-customers.openapi.json). Only what IntelliSend uses;
// optional where the schema does not require a member, nullable where it allows null.

export type BookingContactType = 'Phone' | 'Email' | 'Fax' | 'MobilePhone';
export const bookingPriorities = ['Low', 'Normal', 'High', 'Urgent'] as const;
export type BookingPriority = (typeof bookingPriorities)[number];
export type CustomerType = 'Residential' | 'Commercial';
export type BookingStatus = 'New' | 'Converted' | 'Dismissed' | 'Accepted';

/** Crm.V2.BookingContactModel */
export interface BookingContact {
  type: BookingContactType;
  value: string;
  memo?: string | null;
}

/** Crm.V2.AddressModel: every member but `unit` is required when an address is sent. */
export interface BookingAddress {
  street: string;
  unit?: string | null;
  city: string;
  state: string;
  zip: string;
  country: string;
}

/** Crm.V2.CreateBookingRequest (additionalProperties: false — an unknown member is a 400). */
export interface CreateBookingBody {
  source: string;
  name: string;
  summary: string;
  isFirstTimeClient: boolean;
  /** Stable per conversation: the only way to find a booking whose create answer was lost. */
  externalId: string;
  contacts?: BookingContact[] | null;
  address?: BookingAddress | null;
  customerType?: CustomerType | null;
  /** UTC date-time. */
  start?: string | null;
  campaignId?: number | null;
  businessUnitId?: number | null;
  jobTypeId?: number | null;
  priority?: BookingPriority | null;
  uploadedImages?: string[] | null;
  isSendConfirmationEmail?: boolean | null;
}

/** Crm.V2.AddressPatchModel: a patched address is sent whole (unit included). */
export interface BookingAddressPatch {
  street: string;
  unit: string;
  city: string;
  state: string;
  zip: string;
  country: string;
}

/** Crm.V2.UpdateBookingRequest: everything optional, nothing nullable, no contacts. */
export interface PatchBookingBody {
  source?: string;
  name?: string;
  address?: BookingAddressPatch;
  customerType?: CustomerType;
  start?: string;
  summary?: string;
  campaignId?: number;
  businessUnitId?: number;
  jobTypeId?: number;
  priority?: BookingPriority;
  isFirstTimeClient?: boolean;
  uploadedImages?: string[];
  externalId?: string;
}

/** Crm.V2.BookingResponse. Contacts are not part of it (they live under …/bookings/{id}/contacts). */
export interface Booking {
  id: number;
  source: string;
  createdOn: string;
  name: string;
  /** Required by the schema; typed nullable because a booking may be created without one. */
  start: string | null;
  status: BookingStatus;
  externalId: string;
  bookingProviderId: number;
  modifiedOn: string;
  address?: BookingAddress | null;
  customerType?: CustomerType | null;
  campaignId?: number | null;
  businessUnitId?: number | null;
  isFirstTimeClient?: boolean | null;
  uploadedImages?: string[] | null;
  isSendConfirmationEmail?: boolean | null;
  dismissingReasonId?: number | null;
  /** Set once a CSR books a job from the booking. */
  jobId?: number | null;
  priority?: BookingPriority | null;
  jobTypeId?: number | null;
  summary?: string | null;
}

/** PaginatedResponse_Of_… */
export interface Page<T> {
  page: number;
  pageSize: number;
  hasMore: boolean;
  /** Only populated when `includeTotal` was asked for. */
  totalCount?: number | null;
  data: T[];
}

export interface ListBookingsQuery {
  externalId?: string;
  ids?: number[];
  createdOnOrAfter?: string;
  createdBefore?: string;
  modifiedOnOrAfter?: string;
  modifiedBefore?: string;
  page?: number;
  pageSize?: number;
  includeTotal?: boolean;
  /** `+Id`, `-CreatedOn`, … (fields Id, ModifiedOn, CreatedOn). */
  sort?: string;
}

/** Crm.V2.GetBookingProviderTagResponse. Its `id` is the `booking_provider` of the bookings paths. */
export interface BookingProviderTag {
  id: number;
  tagName: string;
  description: string;
  type: 'V1Api' | 'V2Api';
  createdOn: string;
  modifiedOn: string;
  active: boolean;
}

/** The part of Crm.V2.Customers.CustomerResponse we use. */
export interface CustomerSummary {
  id: number;
  name: string;
}

/** Booking provider tag id: a number, or its decimal string as typed by an admin. */
export type BookingProviderId = number | string;
