// A CSR renames the customer of a conversation. What a name may be is the API's rule
// (PATCH /api/contacts/:id: each part at most 100 characters, empty clears it, a CSR may change names
// only); this sends the two fields and turns the API's refusal into what the form shows beside each field.
import { nameFields, type NameField, type NameFormFailure } from '#lib/contacts/name-form.ts';
import { ApiError, apiRequest } from './api.ts';

export type NameSaveOutcome = { saved: true } | { saved: false; status: number; failure: NameFormFailure };

const isNameField = (key: string): key is NameField => (nameFields as readonly string[]).includes(key);

export async function saveContactName(fetch: typeof globalThis.fetch, form: FormData): Promise<NameSaveOutcome> {
  const contactId = String(form.get('contactId') ?? '');
  const values = { firstName: String(form.get('firstName') ?? ''), lastName: String(form.get('lastName') ?? '') };
  if (!contactId) return { saved: false, status: 400, failure: { values, fields: {}, error: 'This conversation has no contact to rename.' } };
  try {
    await apiRequest(fetch, `/api/contacts/${encodeURIComponent(contactId)}`, { method: 'PATCH', json: values });
    return { saved: true };
  } catch (err) {
    if (!(err instanceof ApiError)) return { saved: false, status: 502, failure: { values, fields: {}, error: 'The name could not be saved. Try again.' } };
    const given = (err.body as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
    const fields: NameFormFailure['fields'] = {};
    for (const [key, message] of Object.entries(given)) if (isNameField(key) && typeof message === 'string') fields[key] = message;
    const aboutFields = err.status === 400 && Object.keys(fields).length > 0;
    return {
      saved: false,
      status: err.status >= 500 ? 502 : err.status,
      failure: { values, fields, error: aboutFields ? null : err.message || 'The name could not be saved. Try again.' },
    };
  }
}
