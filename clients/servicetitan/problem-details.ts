// ServiceTitan error bodies follow RFC 7807: {type, title, status, traceId, errors: {field: [messages]}, data}.
// Parsed leniently: a gateway or proxy may answer with HTML or nothing at all.
import type { ServiceTitanFieldErrors } from './errors.ts';

export interface ProblemDetails {
  title?: string;
  detail?: string;
  traceId?: string;
  errors?: ServiceTitanFieldErrors;
}

function fieldErrors(value: unknown): ServiceTitanFieldErrors | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: ServiceTitanFieldErrors = {};
  for (const [field, messages] of Object.entries(value)) {
    if (Array.isArray(messages)) out[field] = messages.filter((m): m is string => typeof m === 'string');
    else if (typeof messages === 'string') out[field] = [messages];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function parseProblemDetails(bodyText: string): ProblemDetails {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return {};
  const record = json as Record<string, unknown>;
  const problem: ProblemDetails = {};
  if (typeof record.title === 'string') problem.title = record.title;
  if (typeof record.detail === 'string') problem.detail = record.detail;
  if (typeof record.traceId === 'string') problem.traceId = record.traceId;
  const errors = fieldErrors(record.errors);
  if (errors) problem.errors = errors;
  return problem;
}

/** Everything the body says, as one string, to recognise what it is about (app key, tenant, …). */
export function problemText(problem: ProblemDetails): string {
  const parts = [problem.title ?? '', problem.detail ?? ''];
  for (const [field, messages] of Object.entries(problem.errors ?? {})) parts.push(field, ...messages);
  return parts.join(' ');
}

/** `summary: The Summary field is required.; contacts: …`, cut to a readable length. */
export function describeFieldErrors(errors: ServiceTitanFieldErrors | undefined, max = 500): string {
  if (!errors) return '';
  const text = Object.entries(errors)
    .map(([field, messages]) => (field ? `${field}: ${messages.join(' ')}` : messages.join(' ')))
    .join('; ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
