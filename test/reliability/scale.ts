// How big the reliability run is. `RELIABILITY_SCALE=full|ci` is read only in the global setup
// (scale-setup.ts) and handed to the test files through vitest's `provide`; `ci` is the default and
// is what `npm test` runs.
export type ReliabilityScaleName = 'full' | 'ci';

export interface ReliabilityScale {
  name: ReliabilityScaleName;
  soak: {
    /** Conversations, each ending with exactly one booking. */
    conversations: number;
    /** Every n-th conversation texts 2–3 messages instead of one. */
    multiMessageEvery: number;
    /** Share of ServiceTitan API calls that fail while the faults are on. */
    faultRate: number;
    /** The worker is SIGKILLed and restarted this often while the faults are on. */
    killEveryMs: number;
    /** Webhooks per second while sending. */
    sendRatePerSecond: number;
    /** After the last message: faults and kills go on at least this long. */
    chaosTailMs: number;
    /** PostgreSQL is stopped this long once, half way through the messages. */
    postgresDownMs: number;
  };
  temporalOutage: { outageMs: number; messages: number; customers: number };
  openai: { conversationsWhileDown: number; conversationsAfter: number };
  badInput: { webhookRuns: number; jsonRuns: number; seed: number };
}

export const scales: Record<ReliabilityScaleName, ReliabilityScale> = {
  full: {
    name: 'full',
    soak: { conversations: 500, multiMessageEvery: 5, faultRate: 0.3, killEveryMs: 10_000, sendRatePerSecond: 8, chaosTailMs: 30_000, postgresDownMs: 20_000 },
    temporalOutage: { outageMs: 30_000, messages: 100, customers: 50 },
    openai: { conversationsWhileDown: 20, conversationsAfter: 10 },
    badInput: { webhookRuns: 1_000, jsonRuns: 150, seed: 20_260_512 },
  },
  ci: {
    name: 'ci',
    soak: { conversations: 60, multiMessageEvery: 5, faultRate: 0.3, killEveryMs: 10_000, sendRatePerSecond: 4, chaosTailMs: 8_000, postgresDownMs: 17_000 },
    temporalOutage: { outageMs: 8_000, messages: 100, customers: 50 },
    openai: { conversationsWhileDown: 6, conversationsAfter: 4 },
    badInput: { webhookRuns: 100, jsonRuns: 30, seed: 20_260_512 },
  },
};

export function scaleFrom(value: string | undefined): ReliabilityScale {
  if (value === undefined || value === '' || value === 'ci') return scales.ci;
  if (value === 'full') return scales.full;
  throw new Error(`RELIABILITY_SCALE must be "full" or "ci", not "${value}"`);
}
