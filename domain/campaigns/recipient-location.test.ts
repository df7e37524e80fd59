import { describe, expect, it } from 'vitest';
import { recipientLocation } from './recipient-location.ts';
import { stateFromRegion } from './us-states.ts';

describe('stateFromRegion', () => {
  it.each([
    ['Florida', 'FL'],
    ['Oklahoma', 'OK'],
    ['Maryland', 'MD'],
    ['San Francisco, CA', 'CA'],
    ['New York, NY', 'NY'],
    ['New York', 'NY'],
    ['Ontario', null],
    ['Somewhere, ZZ', null],
    [null, null],
  ] as const)('%s → %s', (region, code) => expect(stateFromRegion(region)).toBe(code));
});

describe('recipientLocation', () => {
  const tenant = 'America/Chicago';
  it.each([
    ['contact zone wins', { contactTimeZone: 'America/Denver', areaCodeTimeZones: ['America/New_York'], areaCodeRegion: 'Florida' }, 'America/Denver', 'FL', 'contact'],
    ['area code with one zone', { contactTimeZone: null, areaCodeTimeZones: ['America/Los_Angeles'], areaCodeRegion: 'San Francisco, CA' }, 'America/Los_Angeles', 'CA', 'area_code'],
    ['area code spanning zones falls back to the tenant', { contactTimeZone: null, areaCodeTimeZones: ['America/Chicago', 'America/Denver'], areaCodeRegion: 'Nebraska' }, tenant, 'NE', 'tenant'],
    ['unknown area code (555) falls back to the tenant', { contactTimeZone: null, areaCodeTimeZones: [], areaCodeRegion: null }, tenant, null, 'tenant'],
  ] as const)('%s', (_name, facts, zone, state, source) => {
    expect(recipientLocation({ ...facts, tenantTimeZone: tenant })).toEqual({ timeZone: zone, state, source });
  });
});
