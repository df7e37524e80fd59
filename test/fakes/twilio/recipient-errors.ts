// Per-recipient refusals of the fake Twilio, with Twilio's codes and wording: a campaign test makes one
// number invalid (21211) or unsubscribed at the carrier (21610) while every other recipient goes through.
import { twilioError, type TwilioErrorBody } from './twilio-errors.ts';

const messages: Record<number, (to: string) => string> = {
  21211: (to) => `Invalid 'To' Phone Number: ${to}`,
  21610: () => 'Attempt to send to unsubscribed recipient',
  21614: (to) => `'To' number ${to} is not a valid mobile number`,
  30007: () => 'Message filtered by the carrier',
};

export interface FakeRecipientErrors {
  /** Every message to `phone` is refused with `code` (HTTP 400). */
  fail(phone: string, code: keyof typeof messages): void;
  clear(): void;
  problemFor(to: string): TwilioErrorBody | null;
}

export function createRecipientErrors(): FakeRecipientErrors {
  const failing = new Map<string, number>();
  return {
    fail: (phone, code) => void failing.set(phone, code),
    clear: () => failing.clear(),
    problemFor(to) {
      const code = failing.get(to);
      return code === undefined ? null : twilioError(400, code, messages[code]?.(to) ?? 'Refused');
    },
  };
}
