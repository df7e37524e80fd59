// The contacts import API's JSON (api/contacts/contact-imports.ts).
export type { ImportPreview, ImportView } from '../../../../api/contacts/contact-imports.ts';
export type { ImportField } from '../../../../domain/contacts/import-mapping.ts';

export const importFieldLabels = {
  phone: 'Phone (required)',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  tags: 'Tags',
  consent: 'Marketing consent (yes / no)',
} as const;
