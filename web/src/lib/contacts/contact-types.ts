// The contacts API's JSON, shared with the API (contract/contacts.ts).
export type {
  ContactDetailView as ContactDetail,
  ContactPage,
  ContactView as ContactRecord,
  ConsentEventView as ConsentEvent,
  MarketingConsentStatus,
  OptOutSource,
} from '../../../../contract/contacts.ts';

export const contactPageSize = 50;

export const consentLabels = { granted: 'Consented to marketing', unknown: 'Consent unknown', revoked: 'Consent revoked' } as const;
export const optOutSourceLabels = {
  keyword: 'texted a stop word',
  classifier: 'asked to stop (read by the classifier)',
  person: 'recorded by a person',
  carrier: 'the carrier reported it',
} as const;

export function contactListUrl({ search, tag, cursor }: { search?: string; tag?: string; cursor?: string }): string {
  const params = new URLSearchParams({ limit: String(contactPageSize) });
  if (search) params.set('search', search);
  if (tag) params.set('tag', tag);
  if (cursor) params.set('cursor', cursor);
  return `/api/contacts?${params}`;
}
