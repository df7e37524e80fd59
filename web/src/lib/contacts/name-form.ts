// The conversation view's name form: its fields, and what a refused save gives back to it
// (filled in by $lib/server/contact-name.ts, shown by ContactNameForm.svelte).

export const nameFields = ['firstName', 'lastName'] as const;
export type NameField = (typeof nameFields)[number];

export const nameFieldLabels: Record<NameField, string> = { firstName: 'First name', lastName: 'Last name' };

export interface NameFormFailure {
  /** What the person typed, shown again so nothing is lost. */
  values: Record<NameField, string>;
  /** The API's words per field, e.g. `{firstName: "must be at most 100 characters"}`. */
  fields: Partial<Record<NameField, string>>;
  /** A refusal that is about no one field (not found, no access, the API unreachable); null otherwise. */
  error: string | null;
}
