import { describe, expect, it } from 'vitest';
import { areaCodeFacts } from './phone-location.ts';

describe('areaCodeFacts (libphonenumber data)', () => {
  it.each([
    ['+13055550142', ['America/New_York'], 'Florida'],
    ['+14055550142', ['America/Chicago'], 'Oklahoma'],
    ['+14105550142', ['America/New_York'], 'Maryland'],
    ['+14155550142', ['America/Los_Angeles'], 'San Francisco, CA'],
    ['+18085550100', ['Pacific/Honolulu'], 'Hawaii'],
  ] as const)('%s', async (phone, zones, region) => {
    expect(await areaCodeFacts(phone)).toEqual({ areaCodeTimeZones: zones, areaCodeRegion: region });
  });

  it('a non-geographic area code (555) tells nothing', async () => {
    expect(await areaCodeFacts('+15555550142')).toEqual({ areaCodeTimeZones: [], areaCodeRegion: null });
  });
});
