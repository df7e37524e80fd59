// The ServiceTitan settings form: what the API accepts, and how a draft (the request body) becomes
// the values to save or to test, with one message per field a person can act on.
import { z } from 'zod';
import {
  bookingPriorities,
  serviceTitanEnvironmentNames,
  urlsFor,
  type BookingPriority,
  type ServiceTitanEnvironment,
} from '../../clients/servicetitan/index.ts';
import { decideUrl, type EgressPolicy, type EgressRefusalReason } from '../../clients/egress/index.ts';
import type { ServiceTitanSettings } from '../../db/tenant-secrets.ts';

/** Text, a number (ids typed into a form arrive as either) or null; trimmed. Absent stays undefined. */
const loose = z
  .union([z.string(), z.number(), z.null()], { error: 'must be text' })
  .optional()
  .transform((v) => (v === undefined ? undefined : v === null ? '' : String(v).trim()));

const fieldShape = {
  environment: z.enum(serviceTitanEnvironmentNames, { error: 'must be production or integration' }).optional(),
  tenantApiBaseUrl: loose,
  authUrl: loose,
  serviceTitanTenantId: loose,
  clientId: loose,
  clientSecret: loose,
  appKey: loose,
  bookingProvider: loose,
  bookingSourceLabel: loose,
  complaintPriority: loose,
  businessUnitId: loose,
  jobTypeId: loose,
  campaignId: loose,
};

/** POST …/servicetitan-config: the whole form. Unknown members (e.g. `hasClientSecret` echoed back) are ignored. */
export const serviceTitanSaveSchema = z.object(
  { ...fieldShape, enabled: z.boolean({ error: 'must be true or false' }) },
  { error: 'must be a JSON object' },
);

/** A request body: the whole form (save) or any subset of it (test). */
export type ServiceTitanDraft = Partial<z.output<typeof serviceTitanSaveSchema>>;

/** POST …/servicetitan-test: any subset of the form, tried over the saved values. */
export const serviceTitanTestSchema = z
  .object({ ...fieldShape, enabled: z.boolean({ error: 'must be true or false' }).optional() }, { error: 'must be a JSON object' })
  .optional()
  .transform((v): ServiceTitanDraft => v ?? {});

/** What a save writes (secrets in the clear here; sealed by the caller) and what a test connects with. */
export interface ServiceTitanValues {
  environment: ServiceTitanEnvironment;
  tenantApiBaseUrl: string;
  authUrl: string;
  serviceTitanTenantId: string | null;
  clientId: string | null;
  clientSecret: string | null;
  appKey: string | null;
  /** A numeric tag id, or a tag name still to be resolved. */
  bookingProvider: string | null;
  enabled: boolean;
  bookingSourceLabel: string | null;
  complaintPriority: BookingPriority | null;
  businessUnitId: number | null;
  jobTypeId: number | null;
  campaignId: number | null;
}

export type RequiredField = 'serviceTitanTenantId' | 'clientId' | 'clientSecret' | 'appKey' | 'bookingProvider';

/** Everything a connection needs beyond the URLs (which always default from the environment). */
export const requiredFields: readonly RequiredField[] = ['serviceTitanTenantId', 'clientId', 'clientSecret', 'appKey', 'bookingProvider'];

const missingMessages: Record<RequiredField, string> = {
  serviceTitanTenantId: 'Enter the ServiceTitan tenant ID.',
  clientId: 'Enter the client ID.',
  clientSecret: 'Enter the client secret.',
  appKey: 'Enter the app key.',
  bookingProvider: 'Enter the booking provider tag: its numeric id or its name.',
};

export interface ResolveOptions {
  /** `save` takes the draft as the whole form; `test` lays it over the saved values. */
  mode: 'save' | 'test';
  /** Where ServiceTitan may be reached (the same policy every request is held to): a URL it refuses is not saved. */
  egress: EgressPolicy;
}

export interface Resolution {
  values: ServiceTitanValues;
  /** Field → message; empty when the values can be used. */
  fields: Record<string, string>;
  /** True when the draft brought a new client secret / app key (to seal), false when the saved one is kept. */
  newSecrets: { clientSecret: boolean; appKey: boolean };
}

/** After "The auth URL " / "The API base URL ": what is wrong, in words an admin can act on. */
const urlProblems: Record<EgressRefusalReason, string> = {
  not_a_url: 'must be a full URL starting with https://',
  scheme: 'must start with https://',
  credentials: 'must not contain a user name or password',
  query_or_fragment: 'must not contain a query (?…) or a fragment (#…)',
  host: "is not allowed: IntelliSend only connects to ServiceTitan's own servers. Leave it empty to use the selected environment's",
  port: "must not name a port: IntelliSend connects to ServiceTitan's servers on the standard HTTPS port (443)",
  address: "is not allowed: IntelliSend only connects to ServiceTitan's own servers. Leave it empty to use the selected environment's",
  redirect: 'answered with a redirect, which IntelliSend does not follow',
};

function checkUrl(value: string, egress: EgressPolicy): string | null {
  const decision = decideUrl(egress, value, { base: true });
  return decision.ok ? null : urlProblems[decision.refusal.reason];
}

const maxInt32 = 2_147_483_647;

export function resolveServiceTitanDraft(
  draft: ServiceTitanDraft,
  saved: ServiceTitanSettings | null,
  options: ResolveOptions,
): Resolution {
  const fields: Record<string, string> = {};
  const overSaved = options.mode === 'test';
  /** The draft's value; in test mode an absent field falls back to the saved one. '' means cleared. */
  const pick = (name: keyof typeof fieldShape, savedValue: string | number | null | undefined): string => {
    const value = draft[name];
    if (value !== undefined) return value;
    return overSaved && savedValue !== null && savedValue !== undefined ? String(savedValue) : '';
  };
  const orNull = (s: string) => (s === '' ? null : s);

  const environment: ServiceTitanEnvironment = draft.environment ?? saved?.environment ?? 'production';
  const defaults = urlsFor(environment);
  // An empty URL means "the environment's"; a draft that changes only the environment gets its URLs too.
  const environmentOnly = overSaved && draft.environment !== undefined && draft.environment !== saved?.environment;
  const apiBase = (environmentOnly && draft.tenantApiBaseUrl === undefined ? '' : pick('tenantApiBaseUrl', saved?.tenantApiBaseUrl)) || defaults.apiBaseUrl;
  const authUrl = (environmentOnly && draft.authUrl === undefined ? '' : pick('authUrl', saved?.authUrl)) || defaults.authUrl;
  for (const [name, value] of [['tenantApiBaseUrl', apiBase], ['authUrl', authUrl]] as const) {
    const problem = value.length > 500 ? 'must be at most 500 characters' : checkUrl(value, options.egress);
    if (problem) fields[name] = `The ${name === 'authUrl' ? 'auth URL' : 'API base URL'} ${problem}.`;
  }

  const serviceTitanTenantId = orNull(pick('serviceTitanTenantId', saved?.serviceTitanTenantId));
  if (serviceTitanTenantId !== null && !/^\d{1,19}$/.test(serviceTitanTenantId)) {
    fields.serviceTitanTenantId = 'The ServiceTitan tenant ID is a number (digits only), shown in ServiceTitan under Settings → Integrations → API Application Access.';
  }
  const clientId = orNull(pick('clientId', saved?.clientId));
  if (clientId !== null && (clientId.length > 200 || /\s/.test(clientId))) {
    fields.clientId = 'The client ID must be at most 200 characters, without spaces.';
  }

  // Secrets: blank or absent keeps the stored one, in both modes.
  const secretOf = (name: 'clientSecret' | 'appKey', label: string) => {
    const typed = draft[name];
    if (typed) {
      if (typed.length > 500 || /\s/.test(typed)) fields[name] = `The ${label} must be at most 500 characters, without spaces.`;
      return { value: typed, isNew: true };
    }
    return { value: saved?.[name] ?? null, isNew: false };
  };
  const clientSecret = secretOf('clientSecret', 'client secret');
  const appKey = secretOf('appKey', 'app key');

  const bookingProvider = orNull(pick('bookingProvider', saved?.bookingProvider));
  if (bookingProvider !== null && bookingProvider.length > 200) fields.bookingProvider = 'The booking provider must be at most 200 characters.';

  const bookingSourceLabel = orNull(pick('bookingSourceLabel', saved?.bookingSourceLabel));
  if (bookingSourceLabel !== null && bookingSourceLabel.length > 100) fields.bookingSourceLabel = 'The source label must be at most 100 characters.';

  const priorityText = pick('complaintPriority', saved?.complaintPriority);
  const complaintPriority = bookingPriorities.find((p) => p.toLowerCase() === priorityText.toLowerCase()) ?? null;
  if (priorityText !== '' && complaintPriority === null) fields.complaintPriority = `The priority must be one of ${bookingPriorities.join(', ')}.`;

  const idOf = (name: 'businessUnitId' | 'jobTypeId' | 'campaignId', label: string): number | null => {
    const text = pick(name, saved?.[name]);
    if (text === '') return null;
    const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > maxInt32) {
      fields[name] = `The ${label} is a ServiceTitan id: a whole number (digits only), or leave it empty.`;
      return null;
    }
    return n;
  };
  const businessUnitId = idOf('businessUnitId', 'business unit');
  const jobTypeId = idOf('jobTypeId', 'job type');
  const campaignId = idOf('campaignId', 'campaign');

  const enabled = draft.enabled ?? (overSaved ? (saved?.enabled ?? false) : false);
  const values: ServiceTitanValues = {
    environment,
    tenantApiBaseUrl: apiBase.replace(/\/+$/, ''),
    authUrl,
    serviceTitanTenantId,
    clientId,
    clientSecret: clientSecret.value,
    appKey: appKey.value,
    bookingProvider,
    enabled,
    bookingSourceLabel,
    complaintPriority,
    businessUnitId,
    jobTypeId,
    campaignId,
  };

  // Turning the integration on (or testing it) needs every one of these; each missing one is named.
  if (enabled || options.mode === 'test') {
    for (const name of requiredFields) {
      if (values[name] === null && !fields[name]) {
        fields[name] = options.mode === 'save' ? `${missingMessages[name]} It is needed to turn the integration on.` : missingMessages[name];
      }
    }
  }
  return { values, fields, newSecrets: { clientSecret: clientSecret.isNew, appKey: appKey.isNew } };
}

/** A booking provider typed as a tag id (digits) needs no lookup. */
export function isTagId(value: string): boolean {
  return /^\d{1,10}$/.test(value);
}
