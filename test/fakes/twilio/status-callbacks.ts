// After accepting a message, Twilio moves it through its statuses and, when the message named a
// StatusCallback URL, POSTs each change there: form-encoded, signed with the account's auth token
// over that exact URL. This module plays that part for the fake.
import type { FakeMessageStatus, FakeTwilioMessage } from './message-resource.ts';
import { formEncode, signTwilioWebhook } from './webhook-signer.ts';

export interface StatusCallbackSettings {
  /** The statuses a delivered message goes through, in order. */
  statuses?: FakeMessageStatus[];
  /** Pause before each status change. */
  intervalMs?: number;
}

/** `'off'`: statuses still advance (GET shows them) but nothing is posted. */
export type StatusCallbackMode = StatusCallbackSettings | 'off';

export interface FakeStatusCallback {
  messageSid: string;
  url: string;
  status: FakeMessageStatus;
  params: Record<string, string>;
  signature: string;
  /** HTTP status our app answered with; null when the POST itself failed. */
  responseStatus: number | null;
  error: string | null;
  at: Date;
}

const defaultStatuses: FakeMessageStatus[] = ['queued', 'sent', 'delivered'];
const undeliveredError = { code: 30003, message: 'Unreachable destination handset' };

export interface StatusProgression {
  start(message: FakeTwilioMessage, mode: StatusCallbackMode, failDelivery: boolean): void;
  /** Resolves once every scheduled status change (and its callback) has happened. */
  idle(): Promise<void>;
  stop(): void;
}

export function createStatusProgression(deps: {
  authTokenFor: (accountSid: string) => string | undefined;
  record: (callback: FakeStatusCallback) => void;
}): StatusProgression {
  const running = new Set<Promise<void>>();
  /** Pending pauses, so stop() can cut them short and nothing is left waiting. */
  const timers = new Map<NodeJS.Timeout, () => void>();
  let stopped = false;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.set(t, resolve);
    });

  function plan(statuses: FakeMessageStatus[], failDelivery: boolean): FakeMessageStatus[] {
    if (!failDelivery) return statuses;
    const upToFinal = statuses.filter((s) => s !== 'delivered');
    return [...upToFinal, 'undelivered'];
  }

  async function post(message: FakeTwilioMessage, url: string): Promise<void> {
    const authToken = deps.authTokenFor(message.accountSid);
    if (!authToken) return;
    const params: Record<string, string> = {
      SmsSid: message.sid,
      SmsStatus: message.status,
      MessageStatus: message.status,
      To: message.to,
      MessageSid: message.sid,
      AccountSid: message.accountSid,
      From: message.from,
      ApiVersion: '2010-04-01',
    };
    if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
    if (message.status === 'delivered') params.RawDlrDoneDate = dlrDate(new Date());
    const signature = signTwilioWebhook(authToken, url, params);
    const callback: FakeStatusCallback = {
      messageSid: message.sid, url, status: message.status, params, signature, responseStatus: null, error: null, at: new Date(),
    };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1',
          'i-twilio-idempotency-token': crypto.randomUUID(),
        },
        body: formEncode(params),
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      callback.responseStatus = res.status;
    } catch (err) {
      callback.error = err instanceof Error ? err.message : String(err);
    }
    deps.record(callback);
  }

  async function advance(message: FakeTwilioMessage, mode: StatusCallbackMode, failDelivery: boolean): Promise<void> {
    const settings = mode === 'off' ? {} : mode;
    const url = mode === 'off' ? null : message.statusCallback;
    for (const status of plan(settings.statuses ?? defaultStatuses, failDelivery)) {
      await pause(settings.intervalMs ?? 25);
      if (stopped) return;
      message.status = status;
      message.dateUpdated = new Date();
      if (status === 'sent') message.dateSent = message.dateUpdated;
      if (status === 'undelivered') {
        message.errorCode = undeliveredError.code;
        message.errorMessage = undeliveredError.message;
      }
      if (url) await post(message, url);
    }
  }

  return {
    start(message, mode, failDelivery) {
      const run = advance(message, mode, failDelivery).finally(() => running.delete(run));
      running.add(run);
    },
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
    stop() {
      stopped = true;
      for (const [t, resolve] of timers) {
        clearTimeout(t);
        resolve();
      }
      timers.clear();
    },
  };
}

/** Carrier delivery-receipt time, YYMMDDhhmm. */
function dlrDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}
