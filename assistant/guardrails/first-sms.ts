// The first SMS of a session: the assistant's template with {business} and {firstName} filled in,
// and the disclosure that the customer is texting an automated assistant — added when the template
// does not already say so, because it must never be left out.
export const disclosure = "You're texting an automated assistant.";

const disclosed = /\b(automated|virtual|ai)\b.*\bassistant\b|\bassistant\b.*\b(automated|ai)\b|\bbot\b/i;

export interface FirstSmsValues {
  business: string;
  firstName: string | null;
}

/** Placeholders the template may use; any other {word} is left as written (and flagged by validation). */
export const firstSmsPlaceholders = ['business', 'firstName'] as const;

export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => !(firstSmsPlaceholders as readonly string[]).includes(name));
}

export function renderFirstSms(template: string, values: FirstSmsValues): string {
  const name = values.firstName?.trim() || '';
  let text = template.replace(/\{business\}/g, values.business.trim());
  // Without a name, "Hi {firstName}!" reads "Hi!", not "Hi !".
  text = name ? text.replace(/\{firstName\}/g, name) : text.replace(/[ \t]*,?[ \t]*\{firstName\}/g, '');
  text = text.replace(/[ \t]{2,}/g, ' ').trim();
  if (!disclosed.test(text)) text = text ? `${text}${/[.!?]$/.test(text) ? '' : '.'} ${disclosure}` : disclosure;
  return text;
}
