// An SMS in GSM-7 costs 153 characters a segment; one character outside it (an en dash, a curly quote)
// turns the whole text into UCS-2 at 67 a segment. The assistant's own labels ("8:00 AM–12:00 PM"), a
// model's typography and an admin's "{business}’s" are rewritten to their ASCII equivalents, so a reply
// stays GSM-7 wherever only punctuation stood in the way. Anything else (an emoji, a letter GSM-7 lacks)
// is kept: the text is then UCS-2, and split by its segments like any other (split-reply.ts).
const replacements: ReadonlyArray<[RegExp, string]> = [
  // hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign, small/full-width hyphen-minus
  [/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-'],
  // single quotes, prime, modifier apostrophe
  [/[\u2018\u2019\u201A\u201B\u2032\u02BC]/g, "'"],
  // double quotes, double prime, guillemets
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/\u2026/g, '...'],
  [/\u2022/g, '-'],
  // no-break, narrow no-break (ICU puts one before AM/PM), thin and other typographic spaces
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' '],
  // zero-width characters and the byte-order mark
  [/[\u200B-\u200D\u2060\uFEFF]/g, ''],
];

export function toGsmText(text: string): string {
  let out = text.normalize('NFC');
  for (const [pattern, ascii] of replacements) out = out.replace(pattern, ascii);
  return out;
}
