// What ends a conversation session. The assistant design's end words overlap the carrier opt-out
// keywords: STOP, QUIT, CANCEL and END are opt-outs first, always (domain/sms-keywords.ts decides
// them before anything else), so "cancel" never merely closes a session while automated texts could
// still follow. The remaining end words (goodbye, bye, exit, "that's all", …) close the session with
// one short line and opt nobody out.
import { matchKeyword } from '../../domain/sms-keywords.ts';

export type Closing = 'opt_out' | 'end' | null;

const endPhrases = [
  'bye',
  'bye bye',
  'goodbye',
  'good bye',
  'bye now',
  'exit',
  "that's all",
  'thats all',
  "that's it",
  'thats it',
  'all set',
  "i'm all set",
  'im all set',
  'thanks bye',
  'thank you bye',
  'ok bye',
  'okay bye',
  'no thanks bye',
];

const normalize = (text: string) =>
  text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** 'opt_out' for a carrier keyword (checked first), 'end' for an end word, null for anything else. */
export function closingOf(body: string): Closing {
  if (matchKeyword(body) === 'opt_out') return 'opt_out';
  const text = normalize(body);
  return endPhrases.includes(text) ? 'end' : null;
}
