// Carrier-standard SMS keywords, decided without AI: a whole message that is one of these words,
// ignoring case, surrounding whitespace and punctuation ("STOP", "stop.", " Stop ").
export type KeywordIntent = 'opt_out' | 'opt_in' | 'help';

const intents: Record<string, KeywordIntent> = {
  STOP: 'opt_out',
  STOPALL: 'opt_out',
  UNSUBSCRIBE: 'opt_out',
  CANCEL: 'opt_out',
  END: 'opt_out',
  QUIT: 'opt_out',
  REVOKE: 'opt_out',
  OPTOUT: 'opt_out',
  START: 'opt_in',
  UNSTOP: 'opt_in',
  YES: 'opt_in',
  HELP: 'help',
  INFO: 'help',
};

export function matchKeyword(body: string): KeywordIntent | null {
  // Strip everything that is not a letter or digit at either end; inner punctuation makes it a sentence.
  const word = body.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toUpperCase();
  return intents[word] ?? null;
}
