// "No price and no time that a tool did not return": every clock time and every money amount in a
// reply must appear in this turn's (or the session's) tool results. The check compares meanings, not
// spellings: "8 AM", "8:00 am" and the "08:00" of a label are the same time; "$120" and "$120.00"
// the same price. A reply that fails is not sent (the turn hands over instead).

/** Clock times as minutes after midnight: "8 AM", "8:30pm", "14:00", "noon". */
export function clockTimes(text: string): Set<number> {
  const out = new Set<number>();
  const twelve = /\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\.?(?![a-z])/gi;
  for (const m of text.matchAll(twelve)) {
    const hour = Number(m[1]) % 12;
    out.add((hour + (m[3]!.toLowerCase() === 'p' ? 12 : 0)) * 60 + Number(m[2] ?? 0));
  }
  // A range's first end often drops its am/pm: "8–10 AM", "8-10am". Count it with the second's.
  for (const m of text.matchAll(/\b(\d{1,2})(?::(\d{2}))?\s*[–-]\s*(\d{1,2})(?::\d{2})?\s*([ap])\.?\s?m\.?(?![a-z])/gi)) {
    const first = Number(m[1]);
    const second = Number(m[3]);
    const pm = m[4]!.toLowerCase() === 'p';
    const firstPm = pm && first <= second && second !== 12;
    out.add(((first % 12) + (firstPm ? 12 : 0)) * 60 + Number(m[2] ?? 0));
  }
  for (const m of text.matchAll(/\b([01]?\d|2[0-3]):([0-5]\d)\b(?!\s*[ap]\.?\s?m)/gi)) out.add(Number(m[1]) * 60 + Number(m[2]));
  if (/\bnoon\b/i.test(text)) out.add(12 * 60);
  if (/\bmidnight\b/i.test(text)) out.add(0);
  return out;
}

/** Money amounts in cents: "$120", "$1,200.50", "120 dollars", "USD 80". */
export function moneyAmounts(text: string): Set<number> {
  const out = new Set<number>();
  const add = (raw: string) => out.add(Math.round(Number(raw.replace(/,/g, '')) * 100));
  for (const m of text.matchAll(/(?:\$|USD\s?)\s*(\d[\d,]*(?:\.\d{1,2})?)/gi)) add(m[1]!);
  for (const m of text.matchAll(/\b(\d[\d,]*(?:\.\d{1,2})?)\s*(?:dollars|bucks|usd)\b/gi)) add(m[1]!);
  return out;
}

/** Percent discounts are prices too ("50% off"). */
function percents(text: string): Set<number> {
  return new Set([...text.matchAll(/\b(\d{1,3})\s?%/g)].map((m) => Number(m[1])));
}

export interface GroundingProblem {
  kind: 'time' | 'price';
  value: string;
}

const minutesLabel = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** What the reply states that no tool result contains; empty when it is grounded. */
export function ungroundedFacts(reply: string, toolResults: readonly string[]): GroundingProblem[] {
  const source = toolResults.join('\n');
  const knownTimes = clockTimes(source);
  const knownMoney = moneyAmounts(source);
  const knownPercents = percents(source);
  const problems: GroundingProblem[] = [];
  for (const t of clockTimes(reply)) if (!knownTimes.has(t)) problems.push({ kind: 'time', value: minutesLabel(t) });
  for (const c of moneyAmounts(reply)) if (!knownMoney.has(c)) problems.push({ kind: 'price', value: `$${(c / 100).toFixed(2)}` });
  for (const p of percents(reply)) if (!knownPercents.has(p)) problems.push({ kind: 'price', value: `${p}%` });
  return problems;
}
