// Phone numbers as a person reads them, by libphonenumber (its small metadata): national format for North
// American numbers, `(555) 555-0142`, international format for others; anything unparseable as stored.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.countryCallingCode === '1' ? parsed.formatNational() : parsed.formatInternational();
}
