import { describe, expect, it } from 'vitest';
import { assistantViewState, sessionStanding, type SessionFacts } from './assistant-session.ts';

const at = new Date('2026-12-02T15:00:00Z');
const minutesBefore = (m: number) => new Date(at.getTime() - m * 60_000);
const facts = (over: Partial<SessionFacts>): SessionFacts => ({ latest: { endedReason: null }, previousMessageAt: minutesBefore(5), at, sessionMinutes: 30, ...over });

describe('sessionStanding', () => {
  it.each([
    ['no message before: new', facts({ previousMessageAt: null }), 'new'],
    ['no session yet: new', facts({ latest: null }), 'new'],
    ['quiet for longer than the session length (31 min): new, even after a handoff', facts({ previousMessageAt: minutesBefore(31), latest: { endedReason: 'handoff' } }), 'new'],
    ['within it, an open session continues', facts({}), 'open'],
    ['within it, a handed-over session stays with the person', facts({ latest: { endedReason: 'handoff' } }), 'handedOff'],
    ['within it, a taken-over session stays with the person', facts({ latest: { endedReason: 'taken_over' } }), 'takenOver'],
    ['after "bye" the next message starts a new session', facts({ latest: { endedReason: 'bye' } }), 'new'],
  ] as const)('%s', (_rule, input, expected) => {
    expect(sessionStanding(input)).toBe(expected);
  });
});

describe('assistantViewState', () => {
  it('is off for an opted-out contact, a disabled assistant or mode off; otherwise who is speaking', () => {
    expect(assistantViewState({ enabled: true, mode: 'auto', contactOptedOut: true, standing: 'open' })).toBe('off');
    expect(assistantViewState({ enabled: false, mode: 'auto', contactOptedOut: false, standing: 'open' })).toBe('off');
    expect(assistantViewState({ enabled: true, mode: 'off', contactOptedOut: false, standing: 'open' })).toBe('off');
    expect(assistantViewState({ enabled: true, mode: 'auto', contactOptedOut: false, standing: 'new' })).toBe('answering');
    expect(assistantViewState({ enabled: true, mode: 'draft', contactOptedOut: false, standing: 'open' })).toBe('draft');
    expect(assistantViewState({ enabled: true, mode: 'auto', contactOptedOut: false, standing: 'handedOff' })).toBe('handedOff');
    expect(assistantViewState({ enabled: true, mode: 'draft', contactOptedOut: false, standing: 'takenOver' })).toBe('takenOver');
  });
});
