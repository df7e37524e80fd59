// Fault injection for the fake's API routes (the token endpoint is never faulted).
//   '500' / '503' / '429'  answered with that status (429 and 503 carry Retry-After)
//   'timeout'              held without an answer until the client gives up or the fake closes
//   'lostAnswer'           the request takes effect (a create creates), then the socket is destroyed
import { seededRandom } from './seeded-random.ts';

export type FaultKind = '500' | '503' | '429' | 'timeout' | 'lostAnswer';
export type FaultScope = 'create' | 'all';

export interface FaultSettings {
  /** Share of eligible calls that fail, 0..1. */
  rate?: number;
  /** Drawn from at random when a call fails by `rate` (default: all kinds but timeout). */
  kinds?: FaultKind[];
  retryAfterSeconds?: number;
  /** Which calls are eligible: only booking creates, or every API call (default). */
  only?: FaultScope;
  /** PRNG seed, so a rate gives the same sequence on every run. */
  seed?: number;
}

interface Scripted {
  kind: FaultKind;
  only: FaultScope;
}

const defaultKinds: FaultKind[] = ['500', '503', '429', 'lostAnswer'];

export class FaultInjector {
  #settings: Required<Omit<FaultSettings, 'seed'>> = { rate: 0, kinds: defaultKinds, retryAfterSeconds: 1, only: 'all' };
  #random = seededRandom(1);
  #script: Scripted[] = [];

  set(settings: FaultSettings): void {
    const rate = settings.rate ?? 0;
    if (rate < 0 || rate > 1) throw new RangeError('fault rate must be between 0 and 1');
    this.#settings = {
      rate,
      kinds: settings.kinds && settings.kinds.length > 0 ? [...settings.kinds] : defaultKinds,
      retryAfterSeconds: settings.retryAfterSeconds ?? 1,
      only: settings.only ?? 'all',
    };
    this.#random = seededRandom(settings.seed ?? 1);
  }

  /** The next eligible calls fail with these kinds, in order, before any random fault. */
  next(kinds: FaultKind[], only: FaultScope = 'all'): void {
    this.#script.push(...kinds.map((kind) => ({ kind, only })));
  }

  clear(): void {
    this.set({});
    this.#script = [];
  }

  get retryAfterSeconds(): number {
    return this.#settings.retryAfterSeconds;
  }

  /** Scripted faults still waiting. */
  get pending(): number {
    return this.#script.length;
  }

  /** The fault for this call, if any; consumes a scripted one. */
  pick(isCreate: boolean): FaultKind | undefined {
    const head = this.#script[0];
    if (head && (head.only === 'all' || isCreate)) {
      this.#script.shift();
      return head.kind;
    }
    const { rate, kinds, only } = this.#settings;
    if (rate <= 0 || (only === 'create' && !isCreate)) return undefined;
    if (this.#random() >= rate) return undefined;
    return kinds[Math.floor(this.#random() * kinds.length)];
  }
}
