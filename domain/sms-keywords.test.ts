import { describe, expect, it } from 'vitest';
import { matchKeyword } from './sms-keywords.ts';

describe('matchKeyword', () => {
  it.each(['STOP', 'stop.', ' Stop ', 'StopAll', 'unsubscribe!', 'CANCEL', 'end', 'Quit', 'revoke', 'OPTOUT', '  stop!!  '])(
    '%j opts out',
    (body) => expect(matchKeyword(body)).toBe('opt_out'),
  );
  it.each(['START', 'unstop', 'Yes.', ' yes '])('%j opts in', (body) => expect(matchKeyword(body)).toBe('opt_in'));
  it.each(['HELP', 'help?', 'Info'])('%j asks for help', (body) => expect(matchKeyword(body)).toBe('help'));
  it.each([
    'please stop texting me',
    'stop by tomorrow?',
    "don't stop",
    'STOP IT',
    'yes please come at 3',
    'stopp',
    'st op',
    '',
    '🙂',
  ])('%j is left to the classifier', (body) => expect(matchKeyword(body)).toBeNull());
});
