import { describe, expect, it } from 'vitest';
import { searchTerms } from './search.ts';

describe('searchTerms', () => {
  it('is null for an empty search', () => {
    expect(searchTerms('   ')).toBeNull();
    expect(searchTerms(undefined)).toBeNull();
  });

  it('turns every word into a required prefix for the message word index', () => {
    expect(searchTerms('Water  HEATER leak')?.words).toBe('water:* & heater:* & leak:*');
  });

  it('lets only letters and digits through to to_tsquery', () => {
    expect(searchTerms("a' | !b & c:* <-> (d)")?.words).toBe('a & b & c & d');
    expect(searchTerms('%_\\')?.words).toBeNull();
    expect(searchTerms('Zoë 4412')?.words).toBe('zoë:* & 4412:*');
  });

  it('escapes LIKE wildcards in each name word', () => {
    const terms = searchTerms('50%_off  (555) 0142')!;
    expect(terms.namePatterns).toEqual(['%50\\%\\_off%', '%(555)%', '%0142%']);
    expect(terms.nameWords).toEqual(['50%_off', '(555)', '0142']);
  });

  it('looks for a number alone only in numbers and messages, not names', () => {
    expect(searchTerms('(555) 0142')?.namePatterns).toEqual([]);
    expect(searchTerms('55')?.words).toBe('55:*');
  });

  it('matches numbers from two digits when only a number is typed, from three beside words', () => {
    expect(searchTerms('55')?.phoneDigits).toBe('55');
    expect(searchTerms('(555) 0142')?.digits).toBe('%5550142%');
    expect(searchTerms('+1 555-555-0142')?.phoneDigits).toBe('15555550142');
    expect(searchTerms('5')?.phoneDigits).toBeNull();
    expect(searchTerms('unit 12')?.phoneDigits).toBeNull();
    expect(searchTerms('Maria 0142')?.phoneDigits).toBe('0142');
  });

  it('stops at eight words', () => {
    expect(searchTerms('a1 b2 c3 d4 e5 f6 g7 h8 i9 j10')?.words?.split(' & ')).toHaveLength(8);
  });
});
