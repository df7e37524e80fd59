// Twilio SIDs: a two-letter type prefix and 32 lowercase hex digits.
import { randomBytes } from 'node:crypto';

export function twilioSid(prefix: 'SM' | 'AC' | 'MG' | 'PN'): string {
  return prefix + randomBytes(16).toString('hex');
}

export const messageSid = () => twilioSid('SM');
export const accountSid = () => twilioSid('AC');
