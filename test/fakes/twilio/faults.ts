// What the fake Twilio should do wrong. `mode` affects REST calls; `failDelivery` affects what
// happens to messages after they were accepted (status callback 'undelivered', ErrorCode 30003).
export type FakeTwilioFaultMode = 'none' | 'down' | 'rateLimited' | 'timeout';

export interface FakeTwilioFault {
  mode?: FakeTwilioFaultMode;
  /** Only the next N REST calls misbehave. Unlimited when absent. */
  times?: number;
  /** HTTP status for `down` (default 500). */
  status?: 500 | 502 | 503;
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
