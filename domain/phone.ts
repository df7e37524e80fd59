// Phone numbers are stored in E.164 and parsed, checked and formatted by libphonenumber-js, with the
// tenant's country (default US) for numbers typed in national format.
//
// `libphonenumber-js/min`: its metadata knows each country's number lengths and formats, which is what
// we check. We accept numbers that are *possible* (right length for the country), not only *valid*
// (in a range a carrier has been assigned): the fictional +1 555-01xx numbers of demos and tests, and
// newly opened ranges the metadata has not caught up with, are real inputs to us; a number that cannot
// take SMS is Twilio's to refuse. Validity ranges are what /max adds, so /min is enough and smaller.
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/min';

export type { CountryCode };
export const defaultCountry: CountryCode = 'US';

/** A tenant's stored country as libphonenumber's code; an unknown one reads as the default. */
export function countryCode(value: string | null | undefined): CountryCode {
  return value && isSupportedCountry(value) ? value : defaultCountry;
}

function parse(input: string, country: CountryCode): PhoneNumber | undefined {
  // `extract: false`: the whole input must be the number, not a number found somewhere in a sentence.
  const parsed = parsePhoneNumberFromString(input.trim(), { defaultCountry: country, extract: false });
  return parsed?.isPossible() ? parsed : undefined;
}

/**
 * A number as a person types it — `(555) 555-0142`, `555.555.0142`, `+44 20 7946 0958` — in E.164, or
 * null when it is not a possible phone number. National formats are read in `country`.
 */
export function parsePhone(input: string, country: CountryCode = defaultCountry): string | null {
  return parse(input, country)?.number ?? null;
}

/** Whether `value` is already a possible number in E.164 exactly (no spaces or punctuation). */
export function isE164(value: string): boolean {
  return value.startsWith('+') && parsePhone(value) === value;
}

/**
 * International input only (it starts with `+`; spaces, dashes, dots and parentheses allowed) in E.164,
 * or null. For what a carrier sends, where a national number would mean we were guessing its country.
 */
export function normalizeE164(value: string): string | null {
  return value.trim().startsWith('+') ? parsePhone(value) : null;
}

/**
 * For people: the national format for numbers of the tenant's country (`(555) 555-0142` in the US),
 * the international one for others (`+44 20 7946 0958`); anything unparseable is shown as stored.
 */
export function formatPhoneForDisplay(value: string, country: CountryCode = defaultCountry): string {
  const parsed = parse(value, country);
  if (!parsed) return value;
  return parsed.countryCallingCode === getCountryCallingCode(country) ? parsed.formatNational() : parsed.formatInternational();
}

/** The national significant number (`5555550142`), what ServiceTitan's customer search matches. */
export function nationalNumber(value: string, country: CountryCode = defaultCountry): string {
  return parse(value, country)?.nationalNumber ?? value.replace(/\D/g, '');
}
