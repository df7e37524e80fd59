// zod schemas for the flag values the commands share. Messages read well after the flag name:
// "--phone must be E.164, like +15551234567".
import { z } from 'zod';
import { normalizeE164 } from '../domain/phone.ts';
import { passwordWeakness } from '../secrets/password.ts';

export const requiredText = (what = 'text') =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

/** Accepts `+1 (555) 123-4567` and stores `+15551234567`; refuses anything without the country code. */
export const e164Flag = requiredText('a phone number').transform((value, ctx) => {
  const phone = normalizeE164(value);
  if (!phone) {
    ctx.addIssue({ code: 'custom', message: `must be E.164, like +15551234567 (got "${value}")` });
    return z.NEVER;
  }
  return phone;
});

export const tenantIdFlag = requiredText('a tenant id').pipe(z.uuid({ error: 'must be a tenant id (a UUID)' }));

export const emailFlag = requiredText('an email address')
  .trim()
  .toLowerCase()
  .refine((v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), 'must be an email address');

export const passwordFlag = requiredText('a password').superRefine((value, ctx) => {
  const weakness = passwordWeakness(value);
  if (weakness) ctx.addIssue({ code: 'custom', message: `is too weak: ${weakness}` });
});

export const roleFlag = z.enum(['admin', 'csr'], { error: 'must be admin or csr' });
