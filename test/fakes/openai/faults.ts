// What the fake OpenAI should do wrong, and for how many calls.
/**
 * `garbage`: 200 with content that is not JSON. `offSchema`: 200 with JSON that ignores the
 * requested schema (what a model without structured outputs may do).
 */
export type FakeOpenAIFaultMode = 'none' | 'down' | 'rateLimited' | 'timeout' | 'garbage' | 'offSchema';

export interface FakeOpenAIFault {
  mode: FakeOpenAIFaultMode;
  /** Only the next N calls misbehave, then the fake recovers. Unlimited when absent. */
  times?: number;
  /** HTTP status for `down` (default 500). */
  status?: 500 | 502 | 503;
  /** `retry-after` seconds for `rateLimited` (default 1). */
  retryAfterSeconds?: number;
  /** `toolCalling`: only the assistant's (tool-calling) requests misbehave; the classifier keeps answering. */
  only?: 'toolCalling';
}

export interface FakeOpenAIFaults {
  set(fault: FakeOpenAIFault): void;
  clear(): void;
  readonly current: FakeOpenAIFault;
  /** The fault for this call, counting it against `times`. */
  take(call?: { toolCalling: boolean }): FakeOpenAIFault;
}

export function createFaults(): FakeOpenAIFaults {
  let fault: FakeOpenAIFault = { mode: 'none' };
  let remaining = Infinity;
  return {
    set(next) {
      fault = { ...next };
      remaining = next.times ?? Infinity;
    },
    clear() {
      fault = { mode: 'none' };
      remaining = Infinity;
    },
    get current() {
      return fault;
    },
    take(call) {
      if (fault.mode === 'none' || remaining <= 0) return { mode: 'none' };
      if (fault.only === 'toolCalling' && !call?.toolCalling) return { mode: 'none' };
      remaining -= 1;
      return fault;
    },
  };
}
