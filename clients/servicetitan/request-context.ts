// What a request was for, so an error message can tell a tenant admin what to check.
export interface RequestContext {
  /** Human words: "create a booking", "list bookings", … */
  operation: string;
  /** The OAuth scope the endpoint needs (for the 403 message). */
  scope: string;
  serviceTitanTenantId: string;
  bookingProvider?: string;
  bookingId?: number;
}
