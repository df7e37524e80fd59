import { describe, expect, it } from 'vitest';
import { renderCampaignMessage, segmentInfo, unknownPlaceholders } from './campaign-message.ts';

const business = 'Comfort Air';

describe('renderCampaignMessage', () => {
  it.each([
    ['first name filled', 'Hi {firstName}, tune-up time!', 'Dana', false, 'Hi Dana, tune-up time!'],
    ['empty name: default fallback', 'Hi {firstName}, tune-up time!', null, false, 'Hi there, tune-up time!'],
    ['blank name: own fallback', 'Hi {firstName|neighbor}!', '  ', false, 'Hi neighbor!'],
    ['business', '{business}: 10% off', null, false, 'Comfort Air: 10% off'],
    ['first marketing message gains the opt-out line', 'Hi {firstName}', 'Dana', true, 'Hi Dana. Reply STOP to opt out.'],
    ['ends in punctuation', 'Tune-up time!', null, true, 'Tune-up time! Reply STOP to opt out.'],
    ['a message that already says STOP is left alone', 'Reply STOP to end. Hi {firstName}', 'Dana', true, 'Reply STOP to end. Hi Dana'],
    ['later messages do not repeat it', 'Hi {firstName}', 'Dana', false, 'Hi Dana'],
    ['unknown placeholders stay visible', 'Hi {nickname}', 'Dana', false, 'Hi {nickname}'],
  ] as const)('%s', (_n, template, firstName, first, expected) => {
    expect(renderCampaignMessage(template, { firstName, business }, { firstMarketingMessage: first })).toBe(expected);
  });
});

describe('unknownPlaceholders', () => {
  it.each([
    ['Hi {firstName|there} from {business}', []],
    ['Hi {nickname} {firstname}', ['{nickname}', '{firstname}']],
  ] as const)('%s', (template, expected) => expect(unknownPlaceholders(template)).toEqual(expected));
});

describe('segmentInfo', () => {
  it.each([
    ['x'.repeat(160), 'GSM-7', 1],
    ['x'.repeat(161), 'GSM-7', 2],
    ['x'.repeat(306), 'GSM-7', 2],
    ['x'.repeat(307), 'GSM-7', 3],
    ['🙂' + 'x'.repeat(68), 'UCS-2', 1],
    ['🙂' + 'x'.repeat(69), 'UCS-2', 2],
  ] as const)('%#: %s segments', (text, encoding, segments) => {
    expect(segmentInfo(text)).toMatchObject({ encoding, segments });
  });
});
