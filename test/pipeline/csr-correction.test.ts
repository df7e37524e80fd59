import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
let cookie = '';
beforeAll(async () => {
  p = await startPipeline();
  const { user, password } = await createUser(p.test.db, { tenantId: p.tenant.id, role: 'csr' });
  const res = await fetch(`${p.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password }),
  });
  expect(res.status).toBe(200);
  cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
});
afterAll(async () => {
  await p?.close();
});

describe('a CSR re-files a conversation', () => {
  it('moving a keyword opt-out to complaint books it and updates the workflow', async () => {
    const customer = uniquePhone();
    await p.sendInbound({ from: customer, body: 'STOP' });
    const c = await waitFor(async () => {
      const conv = await p.conversationWith(customer);
      return conv?.category === 'opt_out' ? conv : null;
    });
    expect(c.serviceTitanBookingId).toBeNull();

    const res = await fetch(`${p.baseUrl}/api/conversations/${c.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ category: 'complaint', needsAttention: true }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).conversation.category).toBe('complaint');

    const booked = await waitFor(async () => {
      const conv = await p.conversationWith(customer);
      return conv?.serviceTitanBookingId ? conv : null;
    }, { what: 'a booking after the correction' });
    expect(booked.classificationSource).toBe('csr');
    const mine = p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId).filter((b) => b.body.externalId === `intellisend-conversation-${c.id}-episode-1`);
    expect(mine).toHaveLength(1);
    expect(String(mine[0]!.body.summary)).toContain('COMPLAINT');
  });
});
