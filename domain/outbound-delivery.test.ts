import { describe, expect, it } from 'vitest';
import type { MessageStatus } from '../db/models/message.ts';
import { statusAfterCallback, type CallbackStatus } from './outbound-delivery.ts';

const sid = 'SM' + 'a'.repeat(32);

describe('statusAfterCallback', () => {
  it.each<[string, MessageStatus, string | null, CallbackStatus, MessageStatus | null]>([
    ['moves forward', 'queued', sid, 'sent', 'sent'],
    ['moves forward to delivered', 'sent', sid, 'delivered', 'delivered'],
    ['a late sent never undoes delivered', 'delivered', sid, 'sent', null],
    ['a late queued never undoes sent', 'sent', sid, 'queued', null],
    ['read follows delivered', 'delivered', sid, 'read', 'read'],
    ['undelivered after sent', 'sent', sid, 'undelivered', 'undelivered'],
    ['delivered after a failure report wins (carrier retried)', 'undelivered', sid, 'delivered', 'delivered'],
    ['unknown is resolved by delivered', 'unknown', null, 'delivered', 'delivered'],
    ['unknown is resolved by failed', 'unknown', null, 'failed', 'failed'],
    ['unknown is resolved by an early status too (Twilio has it)', 'unknown', null, 'queued', 'queued'],
    ['a send still waiting for its answer learns the truth', 'sending', null, 'sent', 'sent'],
    ['a guessed failure without a SID gives way to what Twilio reports', 'failed', null, 'delivered', 'delivered'],
  ])('%s', (_rule, status, twilioSid, reported, expected) => {
    expect(statusAfterCallback({ status, twilioSid }, reported)).toBe(expected);
  });
});
