// The text one recipient of a campaign receives: merge fields filled, the opt-out line on their first
// marketing message (CTIA), and how many SMS segments it costs (GSM-7 or UCS-2, Twilio's own rules).
import { SegmentedMessage } from 'sms-segments-calculator';

export const optOutLine = 'Reply STOP to opt out.';
/** What `{firstName}` becomes for a contact without a first name. */
export const firstNameFallback = 'there';

export interface MergeFields {
  firstName: string | null;
  business: string;
}

export type MergeFieldName = 'firstName' | 'business';
export const mergeFieldNames: readonly MergeFieldName[] = ['firstName', 'business'];

/** `{name}` and `{name|fallback}` placeholders. */
const placeholder = /\{(\w+)(?:\|([^{}]*))?\}/g;

/** Placeholders in a template that are not merge fields: the campaign form refuses them. */
export function unknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>();
  for (const m of template.matchAll(placeholder)) {
    const name = m[1] ?? '';
    if (!(mergeFieldNames as readonly string[]).includes(name)) unknown.add(`{${name}}`);
  }
  return [...unknown];
}

export function renderCampaignMessage(template: string, fields: MergeFields, { firstMarketingMessage }: { firstMarketingMessage: boolean }): string {
  const text = template.replace(placeholder, (whole, name: string, fallback: string | undefined) => {
    if (name === 'firstName') return fields.firstName?.trim() || fallback?.trim() || firstNameFallback;
    if (name === 'business') return fields.business;
    return whole;
  });
  const body = text.trim();
  if (!firstMarketingMessage || /\bstop\b/i.test(body)) return body;
  return `${body}${/[.!?]$/.test(body) ? '' : '.'} ${optOutLine}`;
}

export interface SegmentInfo {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
}

export function segmentInfo(text: string): SegmentInfo {
  const m = new SegmentedMessage(text);
  return { encoding: m.encodingName === 'UCS-2' ? 'UCS-2' : 'GSM-7', segments: m.segmentsCount, characters: m.numberOfCharacters };
}
