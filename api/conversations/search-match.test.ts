import { describe, expect, it } from 'vitest';
import { describeMatch, messageSnippet, nameRanges, phoneRanges } from './search-match.ts';
import { searchTerms } from './search.ts';

const terms = (text: string) => searchTerms(text)!;
const marked = (text: string, ranges: Array<[number, number]>) => ranges.map(([s, e]) => text.slice(s, e));

describe('what a search matched', () => {
  it('marks every word of the search in the name, any case', () => {
    expect(marked('Maria Garcia', nameRanges('Maria Garcia', terms('garc MAR')))).toEqual(['Mar', 'Garc']);
    expect(nameRanges('Anna Hanna', terms('ann'))).toEqual([[0, 3], [6, 9]]);
  });

  it('marks the digits in the stored number, overlapping occurrences joined', () => {
    expect(marked('+15555550142', phoneRanges('+15555550142', terms('0142')))).toEqual(['0142']);
    expect(phoneRanges('+15555550142', terms('55'))).toEqual([[2, 8]]);
  });

  it('marks the start of each message word a search word begins', () => {
    const snippet = messageSnippet('My WATER heater is leaking in the garage', terms('leak heat'));
    expect(marked(snippet.text, snippet.ranges)).toEqual(['heat', 'leak']);
    expect(messageSnippet('a b', terms('a')).ranges).toEqual([[0, 1]]);
  });

  it('cuts a long message around its first match, with … where text was left out', () => {
    const body = `${'word '.repeat(40)}the dehumidifier in the crawlspace is dripping ${'again '.repeat(40)}`;
    const snippet = messageSnippet(body, terms('dehumid'));
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text.length).toBeLessThanOrEqual(143);
    expect(marked(snippet.text, snippet.ranges)).toEqual(['dehumid']);
  });

  it('names the first that applies: name, then number, then message', () => {
    const facts = { firstName: 'Maria', lastName: 'Garcia', phone: '+15555550142', message: null };
    expect(describeMatch(terms('maria'), { ...facts, nameMatched: true, phoneMatched: false })).toEqual({ field: 'name', text: 'Maria Garcia', ranges: [[0, 5]] });
    expect(describeMatch(terms('0142'), { ...facts, nameMatched: false, phoneMatched: true })).toEqual({ field: 'phone', text: '+15555550142', ranges: [[8, 12]] });
    const message = { id: 'm1', direction: 'inbound' as const, body: 'No heat since last night', createdAt: '2026-01-01T00:00:00.000Z', latest: false };
    expect(describeMatch(terms('heat'), { ...facts, nameMatched: false, phoneMatched: false, message })).toEqual({
      field: 'message',
      text: 'No heat since last night',
      ranges: [[3, 7]],
      message: { id: 'm1', direction: 'inbound', createdAt: '2026-01-01T00:00:00.000Z', latest: false },
    });
  });
});
