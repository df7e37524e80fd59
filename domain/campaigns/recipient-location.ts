// Whose clock a campaign text follows: the contact's own time zone when we know it, else the one their area
// code lies in (libphonenumber's data; an area code spanning zones does not count), else the tenant's.
import { stateFromRegion } from './us-states.ts';

export type LocationSource = 'contact' | 'area_code' | 'tenant';

export interface RecipientLocation {
  timeZone: string;
  /** Two-letter US state when known (it decides stricter state rules), else null. */
  state: string | null;
  source: LocationSource;
}

export interface LocationFacts {
  contactTimeZone: string | null;
  /** The zones libphonenumber gives for the number's area code (one for most US area codes). */
  areaCodeTimeZones: readonly string[];
  /** The region libphonenumber's geocoder names for the area code ("Florida", "Miami, FL"), or null. */
  areaCodeRegion: string | null;
  tenantTimeZone: string;
}

export function recipientLocation(facts: LocationFacts): RecipientLocation {
  // The state comes from the area code even when the contact's zone is known: Florida's rule follows the
  // number, and a zone alone (America/New_York) does not name a state.
  const state = stateFromRegion(facts.areaCodeRegion);
  if (facts.contactTimeZone) return { timeZone: facts.contactTimeZone, state, source: 'contact' };
  const [onlyZone, ...others] = facts.areaCodeTimeZones;
  if (onlyZone && others.length === 0) return { timeZone: onlyZone, state, source: 'area_code' };
  return { timeZone: facts.tenantTimeZone, state, source: 'tenant' };
}
