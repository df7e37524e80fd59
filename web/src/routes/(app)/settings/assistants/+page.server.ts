// Settings → Assistants: the tenant's assistants (create, edit, delete) and "Try it", the sandbox.
// State in the URL: ?new=1 or ?edit=<id> opens the form, ?try=<id> the sandbox.
import { error, fail, redirect } from '@sveltejs/kit';
import { weekdays, type AssistantView, type SandboxAnswer } from '#lib/settings/assistant-types.ts';
import type { FieldErrors, ServiceTitanConfig, TwilioSettings } from '#lib/settings/settings-types.ts';
import { ApiError, apiLoad, apiRequest } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

const forbidden = 'Settings are for admins. Ask an admin of your company to change them.';

function tenantBase(locals: App.Locals): string {
  if (locals.user?.role !== 'admin') error(403, forbidden);
  return `/api/tenants/${encodeURIComponent(locals.user.tenantId)}`;
}

export const load: PageServerLoad = async ({ locals, fetch, url }) => {
  const base = tenantBase(locals);
  const [list, twilio, serviceTitan] = await Promise.all([
    apiLoad<{ assistants: AssistantView[] }>(fetch, `${base}/assistants`),
    apiLoad<TwilioSettings>(fetch, `${base}/twilio-settings`),
    apiLoad<{ config: ServiceTitanConfig | null }>(fetch, `${base}/servicetitan-config`),
  ]);
  const editId = url.searchParams.get('edit');
  const tryId = url.searchParams.get('try');
  return {
    assistants: list.assistants,
    numbers: twilio.numbers,
    serviceTitanEnabled: serviceTitan.config?.enabled === true,
    editing: editId ? (list.assistants.find((a) => a.id === editId) ?? null) : null,
    creating: url.searchParams.get('new') === '1',
    trying: tryId ? (list.assistants.find((a) => a.id === tryId) ?? null) : null,
  };
};

function refusal(err: unknown, fallback: string): { status: number; error: string; fields: FieldErrors } {
  if (err instanceof ApiError) {
    const body = (err.body ?? {}) as { fields?: unknown };
    const fields = body.fields && typeof body.fields === 'object' ? (body.fields as FieldErrors) : {};
    return { status: err.status >= 500 ? 502 : err.status, error: err.message || fallback, fields };
  }
  return { status: 502, error: fallback, fields: {} };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '');
const whole = (value: string) => (/^\s*-?\d+\s*$/.test(value) ? Number(value) : value);

/** The form as the API takes it. Business hours: a day with no times is closed; no day at all is "always open". */
function assistantBody(form: FormData) {
  const hours = Object.fromEntries(
    weekdays.map((d) => {
      const open = text(form, `${d}-open`);
      const close = text(form, `${d}-close`);
      return [d, open || close ? { open, close } : null];
    }),
  );
  const anyHours = Object.values(hours).some((h) => h !== null);
  return {
    name: text(form, 'name'),
    enabled: form.get('enabled') === 'on',
    mode: text(form, 'mode'),
    firstSms: text(form, 'firstSms'),
    smsPrompt: text(form, 'smsPrompt'),
    sessionMinutes: whole(text(form, 'sessionMinutes')),
    handoffMessage: text(form, 'handoffMessage'),
    tools: {
      customerLookup: form.get('tool-customerLookup') === 'on',
      jobStatus: form.get('tool-jobStatus') === 'on',
      availability: form.get('tool-availability') === 'on',
      booking: form.get('tool-booking') === 'on',
    },
    bookingMode: text(form, 'bookingMode'),
    phoneNumberIds: form.getAll('phoneNumberIds').map(String),
    timeZone: text(form, 'timeZone'),
    businessHours: anyHours ? hours : null,
    afterHours: text(form, 'afterHours'),
    afterHoursMessage: text(form, 'afterHoursMessage'),
    replyCap: whole(text(form, 'replyCap')),
  };
}

export interface TranscriptLine {
  from: 'customer' | 'assistant' | 'system';
  text: string;
}

export const actions: Actions = {
  save: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const form = await request.formData();
    const id = text(form, 'id');
    const body = assistantBody(form);
    let saved: { assistant: AssistantView };
    try {
      saved = await apiRequest<{ assistant: AssistantView }>(fetch, id ? `${base}/assistants/${encodeURIComponent(id)}` : `${base}/assistants`, {
        method: id ? 'PATCH' : 'POST',
        json: body,
      });
    } catch (err) {
      const { status, error: message, fields } = refusal(err, 'The assistant could not be saved. Try again.');
      return fail(status, { action: 'save' as const, error: message, fields, values: body });
    }
    redirect(303, `/settings/assistants?edit=${encodeURIComponent(saved.assistant.id)}&saved=1`);
  },

  delete: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const id = text(await request.formData(), 'id');
    try {
      await apiRequest(fetch, `${base}/assistants/${encodeURIComponent(id)}`, { method: 'DELETE' });
    } catch (err) {
      const { status, error: message } = refusal(err, 'The assistant could not be deleted. Try again.');
      return fail(status, { action: 'delete' as const, error: message, fields: {} });
    }
    redirect(303, '/settings/assistants');
  },

  try: async ({ request, fetch, locals }) => {
    const base = tenantBase(locals);
    const form = await request.formData();
    const id = text(form, 'id');
    const from = text(form, 'from');
    const said = text(form, 'body');
    const sessionId = text(form, 'sessionId');
    let transcript: TranscriptLine[] = [];
    try {
      const parsed: unknown = JSON.parse(text(form, 'transcript') || '[]');
      if (Array.isArray(parsed)) transcript = (parsed as TranscriptLine[]).slice(-40);
    } catch {
      transcript = [];
    }
    try {
      const answer = await apiRequest<SandboxAnswer>(fetch, `${base}/assistants/${encodeURIComponent(id)}/test`, {
        method: 'POST',
        json: { from, body: said, ...(sessionId ? { sessionId } : {}) },
      });
      const lines: TranscriptLine[] = [
        ...transcript,
        { from: 'customer', text: said },
        ...answer.replies.map((r) => ({ from: 'assistant' as const, text: r })),
        ...(answer.handoff ? [{ from: 'system' as const, text: `Handed to a person: ${answer.handoff.reason}` }] : []),
        ...(answer.outcome === 'silent' ? [{ from: 'system' as const, text: 'The assistant stays silent: a person has this session.' }] : []),
      ];
      return { action: 'try' as const, answer, transcript: lines, from };
    } catch (err) {
      const { status, error: message, fields } = refusal(err, 'The assistant could not answer. Try again.');
      return fail(status, { action: 'try' as const, error: message, fields, transcript, from });
    }
  },
};
