// What the fake Twilio should do wrong. `mode` affects REST calls; `failDelivery` affects what
// happens to messages after they were accepted (status callback 'undelivered', ErrorCode 30003).
//   'down'         5xx with Twilio's error body, nothing created
//   'rateLimited'  429 (Retry-After: 1), nothing created
//   'timeout'      holds the request without an answer, nothing created
//   'lostAnswer'   creates the message (callbacks follow as usual), then drops the connection unanswered
//   'slowAnswer'   creates the message, answers only after `answerDelayMs` (or never, until close)
export type FakeTwilioFaultMode = 'none' | 'down' | 'rateLimited' | 'timeout' | 'lostAnswer' | 'slowAnswer';

export interface FakeTwilioFault {
  mode?: FakeTwilioFaultMode;
  /** Only the next N REST calls misbehave. Unlimited when absent. */
  times?: number;
  /** HTTP status for `down` (default 500). */
  status?: 500 | 502 | 503;
  /** For `slowAnswer`: how long the 201 is held back. Held until close when absent. */
  answerDelayMs?: number;
  failDelivery?: boolean;
}

export interface FakeTwilioFaults {
  set(fault: FakeTwilioFault): void;
  clear(): void;
  readonly current: FakeTwilioFault;
  /** The REST fault for this call, counting it against `times`. */
  take(): FakeTwilioFaultMode;
  readonly failDelivery: boolean;
}

export function createTwilioFaults(): FakeTwilioFaults {
  let fault: FakeTwilioFault = {};
  let remaining = Infinity;
  return {
    set(next) {
      fault = { ...next };
      remaining = next.times ?? Infinity;
    },
    clear() {
      fault = {};
      remaining = Infinity;
    },
    get current() {
      return fault;
    },
    take() {
      const mode = fault.mode ?? 'none';
      if (mode === 'none' || remaining <= 0) return 'none';
      remaining -= 1;
      return mode;
    },
    get failDelivery() {
      return fault.failDelivery === true;
    },
  };
}
