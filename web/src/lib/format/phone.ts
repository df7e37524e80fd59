import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * `+15555550142` → `(555) 555-0142`: national format for US numbers (the tenant's country), international
 * (`+44 7911 123456`) for others, as stored when it is not a possible number (libphonenumber-js, the
 * same rules as domain/phone.ts).
 */
export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164, { defaultCountry: 'US', extract: false });
  if (!parsed?.isPossible()) return e164;
  return parsed.countryCallingCode === '1' ? parsed.formatNational() : parsed.formatInternational();
}
