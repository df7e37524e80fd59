// Helpers shared by the assistant endpoints' routes (customer-routes, jpm-routes, dispatch-routes).
import type { ApiCall } from './api-route.ts';
import { validationFailure } from './api-route.ts';
import { assistantStateOf, type AssistantOperation, type FakeAssistantState } from './assistant-state.ts';
import { fieldErrorsFrom } from './openapi-schemas.ts';
import { problem, type Reply } from './reply.ts';
import type { ValidateFunction } from 'ajv';

export function stateOf(call: ApiCall): FakeAssistantState {
  return assistantStateOf(call.state);
}

/** The forced failure of this operation (fake.assistant.failing), if any. */
export function forcedFailure(call: ApiCall, operation: AssistantOperation): Reply | undefined {
  const status = stateOf(call).failing.get(operation);
  if (status === undefined) return undefined;
  return problem(status, status >= 500 ? 'An unexpected error occurred.' : 'The request was rejected.', {}, status === 429 || status === 503 ? { 'retry-after': '1' } : undefined);
}

export function invalidAgainst(validate: ValidateFunction, value: unknown): Reply | undefined {
  return validate(value) ? undefined : validationFailure(fieldErrorsFrom(validate.errors));
}

export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : NaN;
}

export function idsParam(query: URLSearchParams, name: string): number[] | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  return raw.split(',').map((s) => Number(s.trim())).filter(Number.isFinite);
}

export const badQuery = (name: string, message: string) => problem(400, 'One or more validation errors occurred.', { [name]: [message] });
