// Filing an inbound message twice — a local activity whose first try committed but whose result never
// reached the workflow runs again — still asks for the booking the first filing decided, until it begins.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../secrets/secret-box.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { createConversation, createMessage, createPhoneNumber, createTenant } from '../test/support/factories.ts';
import { fileInboundMessage } from './file-inbound-message.ts';

let test: TestDatabase;
let tenantId: string;
let phoneNumberId: string;

beforeAll(async () => {
  test = await createTestDatabase();
  const { tenant } = await createTenant(test.db, new SecretBox(randomBytes(32).toString('base64')));
  tenantId = tenant.id;
  phoneNumberId = (await createPhoneNumber(test.db, { tenantId })).id;
});

afterAll(async () => {
  await test?.drop();
});

const filing = { category: 'engaged' as const, confidence: 0.9, reason: 'Asks for a visit.', source: 'ai' as const };

describe('fileInboundMessage run again', () => {
  it('asks again for a booking that never began, and not once it has', async () => {
    const conversation = await createConversation(test.db, { tenantId, phoneNumberId });
    const message = await createMessage(test.db, { conversationId: conversation.id, direction: 'inbound', filedAt: null });
    const file = fileInboundMessage({ db: test.db });

    const first = await file({ messageId: message.id, route: 'classify', filing });
    expect(first).toMatchObject({ category: 'engaged', booking: 'start' });
    // The first try's answer was lost: the retry must not answer "nothing to do".
    expect(await file({ messageId: message.id, route: 'classify', filing })).toMatchObject({ booking: 'start', episode: first!.episode });

    await conversation.reload();
    await conversation.update({ bookingStatus: 'pending' });
    expect(await file({ messageId: message.id, route: 'classify', filing })).toMatchObject({ booking: 'keep' });
  });
});
