// The JSON of the assistants API (contract.md, "Assistants (admin)", plus the extensions noted in
// /work/notes/assistant-readme.md: timeZone, businessHours, afterHours, afterHoursMessage, replyCap,
// createdAt; the sandbox's `outcome`). Types only, shared by the API's presenters and the web app.
export const assistantModes = ['auto', 'draft', 'off'] as const;
export type AssistantMode = (typeof assistantModes)[number];
export const bookingModes = ['request', 'job'] as const;
export type BookingMode = (typeof bookingModes)[number];
export const afterHoursChoices = ['answer', 'message', 'silent'] as const;
export type AfterHours = (typeof afterHoursChoices)[number];
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export interface AssistantTools {
  customerLookup: boolean;
  jobStatus: boolean;
  availability: boolean;
  booking: boolean;
}

/** Local "HH:MM" times in the assistant's time zone; null = closed that day. */
export type BusinessHours = Record<Weekday, { open: string; close: string } | null>;

export interface AssistantView {
  id: string;
  name: string;
  enabled: boolean;
  mode: AssistantMode;
  firstSms: string;
  smsPrompt: string;
  sessionMinutes: number;
  handoffMessage: string;
  tools: AssistantTools;
  bookingMode: BookingMode;
  phoneNumberIds: string[];
  /** Extension: IANA zone of the business hours. */
  timeZone: string;
  /** Extension: null = always open. */
  businessHours: BusinessHours | null;
  afterHours: AfterHours;
  afterHoursMessage: string;
  /** Extension: assistant replies per session before it hands over (default 10). */
  replyCap: number;
  createdAt: string;
  updatedAt: string;
}

export type SandboxTraceEntry =
  | { kind: 'model'; name: string; ms: number; tokens: { prompt: number; completion: number }; finishReason: string; toolCalls: string[]; error?: string }
  | { kind: 'tool'; name: string; ms: number; input: unknown; output: unknown; handoff: boolean }
  | { kind: 'guardrail'; name: string; ms: number; detail: string };

/** `POST /api/tenants/:tenantId/assistants/:id/test`. */
export interface SandboxAnswer {
  sessionId: string;
  replies: string[];
  handoff: { reason: string } | null;
  trace: SandboxTraceEntry[];
  /** Extension: replied | handoff | closed | opted_out | silent (after a handoff, for the rest of the session). */
  outcome: 'replied' | 'handoff' | 'closed' | 'opted_out' | 'silent';
}
