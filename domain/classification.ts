// How a message gets filed when no AI is asked (keywords) or the AI could not answer (fallback).
// Pure: the workflow uses it to decide keywords, the activities to fall back.
import type { Category } from '../workflows/definitions.ts';
import type { KeywordIntent } from './sms-keywords.ts';

export interface ClassificationResult {
  category: Category;
  confidence: number;
  reason: string;
  source: 'keyword' | 'ai' | 'fallback';
  /** START / UNSTOP / YES: the contact opts back in. */
  optIn?: boolean;
}

/** The filing an opt-out or opt-in keyword decides; null for any other message (HELP has no filing). */
export function keywordClassification(keyword: KeywordIntent | null, body: string): ClassificationResult | null {
  if (keyword === 'opt_out') {
    return { category: 'opt_out', confidence: 1, reason: `The customer texted the opt-out keyword "${body.trim()}".`, source: 'keyword' };
  }
  if (keyword === 'opt_in') {
    return { category: 'engaged', confidence: 1, reason: `The customer texted "${body.trim()}" to opt back in.`, source: 'keyword', optIn: true };
  }
  return null;
}

/** When OpenAI cannot answer, a person reads the message. */
export const fallbackClassification: ClassificationResult = {
  category: 'engaged',
  confidence: 0,
  reason: 'The classifier was unavailable; a person should read this.',
  source: 'fallback',
};

/** Engaged and complaint conversations need a person, and so a ServiceTitan booking; opt-outs do not. */
export function needsPerson(category: Category | null): boolean {
  return category === 'engaged' || category === 'complaint';
}
