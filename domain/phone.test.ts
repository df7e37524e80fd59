import { describe, expect, it } from 'vitest';
import { formatPhoneForDisplay, isE164, nationalNumber, normalizeE164, parsePhone } from './phone.ts';

describe('parsePhone', () => {
  it.each([
    ['(555) 555-0142', 'US', '+15555550142'],
    ['555-555-0142', 'US', '+15555550142'],
    ['555.555.0142', 'US', '+15555550142'],
    ['  5555550142 ', 'US', '+15555550142'],
    ['1 (415) 555-2671', 'US', '+14155552671'],
    ['+1 415 555 2671', 'US', '+14155552671'],
    ['+15555550142', 'US', '+15555550142'],
    ['(416) 555-0199', 'CA', '+14165550199'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['030 901820', 'DE', '+4930901820'],
  ] as const)('%s in %s → %s', (input, country, expected) => {
    expect(parsePhone(input, country)).toBe(expected);
  });

  it('defaults to the US', () => {
    expect(parsePhone('(555) 555-0142')).toBe('+15555550142');
  });

  it.each([
    ['', 'empty'],
    ['hello', 'no digits'],
    ['555-0142', 'too short for the US'],
    ['+1555000', 'too short'],
    ['+1 555 555 0142 9', 'too long'],
    ['020 7946 0958', 'a UK number read as American'],
    ['call me at 555 555 0142', 'a number inside a sentence'],
    ['+0 555 555 0142', 'no such country code'],
  ])('%s → null (%s)', (input) => {
    expect(parsePhone(input)).toBeNull();
  });

  it('accepts the fictional 555 numbers libphonenumber calls invalid but possible', () => {
    // +1 555 numbers are not in an assigned range, so isValid() is false; demos and tests use them.
    expect(parsePhone('+15555550100')).toBe('+15555550100');
    expect(parsePhone('+15551234567')).toBe('+15551234567');
  });
});

describe('normalizeE164 (what carriers send: international only)', () => {
  it.each([
    ['+15555550142', '+15555550142'],
    [' +1 (555) 555-0142 ', '+15555550142'],
    ['+1.555.555.0142', '+15555550142'],
    ['+44 7911 123456', '+447911123456'],
    ['5555550142', null],
    ['(555) 555-0142', null],
    ['+1555', null],
    ['+', null],
    ['IntelliSend', null],
  ])('%s → %s', (input, expected) => {
    expect(normalizeE164(input)).toBe(expected);
  });
});

describe('isE164', () => {
  it.each([
    ['+15555550142', true],
    ['+447911123456', true],
    ['+1 555 555 0142', false],
    ['15555550142', false],
    ['+1555', false],
  ])('%s → %s', (input, expected) => {
    expect(isE164(input)).toBe(expected);
  });
});

describe('formatPhoneForDisplay', () => {
  it.each([
    ['+15555550142', 'US', '(555) 555-0142'],
    ['+14165550199', 'US', '(416) 555-0199'],
    ['+447911123456', 'US', '+44 7911 123456'],
    ['+442079460958', 'GB', '020 7946 0958'],
    ['+15555550142', 'GB', '+1 555 555 0142'],
    ['not a number', 'US', 'not a number'],
  ] as const)('%s for a tenant in %s → %s', (input, country, expected) => {
    expect(formatPhoneForDisplay(input, country)).toBe(expected);
  });

  it('defaults to the US', () => {
    expect(formatPhoneForDisplay('+15555550142')).toBe('(555) 555-0142');
  });
});

describe('nationalNumber', () => {
  it.each([
    ['+15555550142', '5555550142'],
    ['+447911123456', '7911123456'],
    ['+1 (555) 555-0142', '5555550142'],
  ])('%s → %s', (input, expected) => {
    expect(nationalNumber(input)).toBe(expected);
  });
});
