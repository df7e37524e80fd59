// The fake's stand-in for a model: deterministic keyword rules, so tests can say exactly which
// category a message gets. Opt-out is checked first because a request to stop texting must win
// even when it is angry ("stop texting me, worst company ever").
export type FakeCategory = 'engaged' | 'opt_out' | 'complaint';

export interface FakeClassification {
  category: FakeCategory;
  confidence: number;
  reason: string;
}

const optOutPhrases = [
  'stop texting',
  'stop messaging',
  'stop sending',
  'unsubscribe',
  'remove me',
  "don't text",
  'dont text',
  'do not text',
  'do not contact',
  "don't contact",
  'no more texts',
  'opt out',
  'opt me out',
  'take me off',
  'lose my number',
];

const complaintWords = [
  'terrible',
  'worst',
  'refund',
  'angry',
  'unacceptable',
  'complain',
  'awful',
  'horrible',
  'furious',
  'ridiculous',
  'rip off',
  'ripoff',
  'scam',
  'disappointed',
  'never showed',
  'no show',
  'no-show',
];

function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'").replace(/\s+/g, ' ');
}

export function classifyByKeywords(text: string): FakeClassification {
  const t = normalise(text);
  const optOut = optOutPhrases.find((p) => t.includes(p));
  if (optOut) return { category: 'opt_out', confidence: 0.97, reason: `The customer asks to stop being texted ("${optOut}").` };
  const complaint = complaintWords.find((w) => t.includes(w));
  if (complaint) return { category: 'complaint', confidence: 0.9, reason: `The customer is dissatisfied ("${complaint}").` };
  return { category: 'engaged', confidence: 0.75, reason: 'The customer is replying without a complaint or opt-out request.' };
}
