import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { uniquePhone } from '../support/factories.ts';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline();
});
afterAll(async () => {
  await p?.close();
});

describe('a customer replies by SMS', () => {
  it('is acknowledged with empty TwiML, recorded, classified and booked once with the whole story', async () => {
    const customer = uniquePhone();
    const res = await p.sendInbound({ from: customer, body: 'Hi, our furnace is making a banging noise. Can someone come Thursday?' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toMatch(/<Response\/>$/);

    const conversation = await waitFor(
      async () => {
        const c = await p.conversationWith(customer);
        return c?.serviceTitanBookingId ? c : null;
      },
      { what: 'the booking id on the conversation' },
    );
    expect(conversation.category).toBe('engaged');
    expect(conversation.classificationSource).toBe('ai');
    expect(conversation.needsAttention).toBe(true);
    expect(conversation.bookingStatus).toBe('created');
    expect(conversation.serviceTitanBookingCreatedAt).toBeInstanceOf(Date);

    const { models } = p.test.db;
    const contact = await models.Contact.findOne({ where: { tenantId: p.tenant.id, phone: customer } });
    expect(contact?.optedOut).toBe(false);
    const messages = await models.Message.findAll({ where: { conversationId: conversation.id } });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.direction).toBe('inbound');
    expect(messages[0]!.body).toContain('banging noise');

    const bookings = p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId);
    expect(bookings).toHaveLength(1);
    const booking = bookings[0]!;
    expect(String(booking.booking.id)).toBe(conversation.serviceTitanBookingId);
    expect(booking.body.externalId).toBe(`intellisend-conversation-${conversation.id}-episode-1`);
    const summary = String(booking.body.summary);
    expect(summary).toContain(p.tenant.name);
    expect(summary).toContain(p.ourNumber);
    expect(summary).toContain('Last customer message: Hi, our furnace is making a banging noise');
    expect(summary).toContain('Recent SMS conversation:\nCustomer: Hi, our furnace');
    expect(summary).toContain('ENGAGED');
    expect(summary).toContain(`https://intellisend.test/conversations/${conversation.id}`);
    expect(booking.body.name).toMatch(/\(\d{3}\) \d{3}-\d{4}/);
    expect(booking.body.contacts).toEqual([expect.objectContaining({ type: 'MobilePhone', value: customer.slice(2) })]);
    expect(booking.body.isFirstTimeClient).toBe(true);
  });

  it('files a complaint with High priority and still books exactly once across later messages', async () => {
    const customer = uniquePhone();
    await p.sendInbound({ from: customer, body: 'This is unacceptable, the technician never showed up. Worst service ever.' });
    const conversation = await waitFor(async () => {
      const c = await p.conversationWith(customer);
      return c?.serviceTitanBookingId ? c : null;
    });
    expect(conversation.category).toBe('complaint');
    await p.sendInbound({ from: customer, body: 'Still waiting for someone to call me back.' });
    await waitFor(async () => (await p.test.db.models.Message.count({ where: { conversationId: conversation.id } })) === 2);
    // Give the workflow time to finish the second message's classification.
    await waitFor(async () => {
      const c = await p.conversationWith(customer);
      return c?.category === 'engaged' || c?.category === 'complaint' ? c : null;
    });
    const mine = p.fakes.serviceTitan
      .bookings(p.serviceTitan.tenantId)
      .filter((b) => b.body.externalId === `intellisend-conversation-${conversation.id}-episode-1`);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body.priority).toBe('High');
    expect(String(mine[0]!.body.summary)).toContain('COMPLAINT');
  });
});
