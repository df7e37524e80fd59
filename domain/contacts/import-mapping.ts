// Which CSV column holds what, for a contacts import: guessed from the header row, confirmed by the admin.
export const importFields = ['phone', 'firstName', 'lastName', 'email', 'tags', 'consent'] as const;
export type ImportField = (typeof importFields)[number];

/** Field → the header of its column (exactly as in the file); phone is required. */
export type ImportMapping = Partial<Record<ImportField, string>> & { phone: string };

const synonyms: Record<ImportField, string[]> = {
  phone: ['phone', 'phone number', 'mobile', 'mobile phone', 'cell', 'cell phone', 'telephone', 'tel', 'number', 'sms'],
  firstName: ['first name', 'firstname', 'first', 'given name', 'forename'],
  lastName: ['last name', 'lastname', 'last', 'surname', 'family name'],
  email: ['email', 'e-mail', 'email address', 'mail'],
  tags: ['tags', 'tag', 'labels', 'groups', 'segments'],
  consent: ['consent', 'marketing consent', 'sms consent', 'opt in', 'opt-in', 'optin', 'marketing', 'subscribed'],
};

const normalize = (h: string) => h.trim().toLowerCase().replace(/[_\s]+/g, ' ');

/** The best guess for each field from the headers; null when no column looks like a phone number. */
export function guessMapping(headers: readonly string[]): Partial<Record<ImportField, string>> {
  const mapping: Partial<Record<ImportField, string>> = {};
  const taken = new Set<string>();
  for (const field of importFields) {
    const header = headers.find((h) => !taken.has(h) && synonyms[field].includes(normalize(h)));
    if (header !== undefined) {
      mapping[field] = header;
      taken.add(header);
    }
  }
  return mapping;
}

/** Problems with a mapping against the file's headers, for a 400 that says what to fix. */
export function mappingProblems(mapping: Partial<Record<ImportField, string>>, headers: readonly string[]): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!mapping.phone) problems.phone = 'choose the column that holds the phone number';
  const used = new Map<string, ImportField>();
  for (const field of importFields) {
    const header = mapping[field];
    if (header === undefined) continue;
    if (!headers.includes(header)) problems[field] = `the file has no column "${header}"`;
    const other = used.get(header);
    if (other) problems[field] = `"${header}" is already used for ${other}`;
    used.set(header, field);
  }
  return problems;
}
