// A reply is at most 320 characters (two SMS segments). A longer answer is sent as several texts,
// split where a sentence ends; a sentence longer than the limit is split between words. Never
// mid-word: only a single "word" longer than the limit (a long link) is ever cut.
export const maxReplyChars = 320;

function sentences(text: string): string[] {
  // A sentence ends at . ! ? (with closing quotes/brackets) followed by whitespace, or at a line break.
  const parts = text.match(/[^.!?\n]+(?:[.!?]+["')\]]*|$)|[.!?]+|\n/g) ?? [text];
  const out: string[] = [];
  let pending = '';
  for (const part of parts) {
    pending += part;
    // "8 a.m." or "No. 5" would end a sentence here too; a split there is still between words.
    if (/[.!?]["')\]]*$|\n$/.test(pending) || part === parts.at(-1)) {
      if (pending.trim()) out.push(pending.trim());
      pending = '';
    }
  }
  if (pending.trim()) out.push(pending.trim());
  return out;
}

function splitWords(sentence: string, max: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of sentence.split(/\s+/).filter(Boolean)) {
    if (word.length > max) {
      if (line) out.push(line);
      for (let i = 0; i < word.length; i += max) out.push(word.slice(i, i + max));
      line = '';
      continue;
    }
    const next = line ? `${line} ${word}` : word;
    if (next.length > max) {
      out.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line) out.push(line);
  return out;
}

/** The texts to send for `text`, each at most `max` characters, sentences kept whole where they fit. */
export function splitReply(text: string, max = maxReplyChars): string[] {
  const clean = text.trim();
  if (clean.length <= max) return clean ? [clean] : [];
  const pieces = sentences(clean).flatMap((s) => (s.length > max ? splitWords(s, max) : [s]));
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const next = current ? `${current} ${piece}` : piece;
    if (next.length > max) {
      out.push(current);
      current = piece;
    } else {
      current = next;
    }
  }
  if (current) out.push(current);
  return out;
}
