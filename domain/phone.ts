// Phone numbers are stored in E.164. These helpers never guess a country for ambiguous input.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
const e164 = /^\+[1-9]\d{7,14}$/;

export function isE164(value: string): boolean {
  return e164.test(value);
}

/** Accepts E.164 with spaces, dashes, dots or parentheses; returns null when it is not a phone number. */
export function normalizeE164(value: string): string | null {
  const trimmed = value.trim();
  if (!trimmed.startsWith('+')) return null;
  const compact = '+' + trimmed.slice(1).replace(/[\s().-]/g, '');
  return isE164(compact) ? compact : null;
}

/** `+15555550142` → `(555) 555-0142` for North American numbers; others stay E.164. */
export function formatPhoneForDisplay(value: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(value);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : value;
}

/** The 10-digit national number ServiceTitan's customer search is most likely to match. */
export function nationalNumber(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}

/**
 * A phone number as a person typed it, read in the tenant's country ("(555) 555-0142" in the US) → E.164;
 * null when it cannot be a phone number. Numbers that are merely possible (fictional 555 numbers) pass.
 */
export function parsePhone(input: string, country: string = 'US'): string | null {
  const defaultCountry: CountryCode = isSupportedCountry(country) ? country : 'US';
  const parsed = parsePhoneNumberFromString(input.trim(), { defaultCountry });
  return parsed && parsed.isPossible() ? parsed.number : null;
}
