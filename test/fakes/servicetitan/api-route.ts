// The shape of an API route of the fake and what it is given.
import type { FakeServiceTitanState, FakeTenant } from './fake-state.ts';
import { serviceTitanSchemas } from './openapi-schemas.ts';
import { json, problem, type Reply } from './reply.ts';

export interface ApiCall {
  state: FakeServiceTitanState;
  tenant: FakeTenant;
  /** Named groups of the route pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  bodyText: string;
  /** Set by fake.setBookingsFailWith: every booking create answers this. */
  bookingsFailure: Reply | undefined;
  schemas: ReturnType<typeof serviceTitanSchemas>;
}

export interface ApiRoute {
  /** The v2 module of the path (/{module}/v2/tenant/…); crm when absent. */
  module?: 'crm' | 'jpm' | 'dispatch' | 'settings';
  method: 'GET' | 'POST' | 'PATCH';
  /** Matched against the path after /{module}/v2/tenant/{tenant}. */
  pattern: RegExp;
  scope: string;
  /** Booking creates: what `faults … only: 'create'` targets. */
  isCreate?: boolean;
  handle(call: ApiCall): Reply;
}

export function parseJsonBody(bodyText: string): { value: unknown } | { reply: Reply } {
  try {
    return { value: JSON.parse(bodyText) };
  } catch {
    return { reply: problem(400, 'One or more validation errors occurred.', { $: ['The request body is not valid JSON.'] }) };
  }
}

function positiveInt(value: string | null, fallback: number): number {
  const n = value === null ? NaN : Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** ServiceTitan's page envelope: page from 1, pageSize default 50, totalCount only with includeTotal=true. */
export function paginate<T>(items: T[], query: URLSearchParams): Reply {
  const page = positiveInt(query.get('page'), 1);
  const pageSize = Math.min(positiveInt(query.get('pageSize'), 50), 5000);
  const start = (page - 1) * pageSize;
  return json({
    page,
    pageSize,
    hasMore: items.length > start + pageSize,
    totalCount: query.get('includeTotal')?.toLowerCase() === 'true' ? items.length : null,
    data: items.slice(start, start + pageSize),
  });
}

export function validationFailure(errors: Record<string, string[]>): Reply {
  return problem(400, 'One or more validation errors occurred.', errors);
}
