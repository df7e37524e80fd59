// A small, realistic inbox for the browser tests: one urgent conversation older than the rest (so only
// the attention ordering can put it on top), a second one still waiting below it (so a reply moves the
// first out of the needs-attention block), calm ones, a complaint, an opt-out, and a hostile body.
// Every number starts (555) 555-01…, like the demo's.
import type { Database } from '../../db/connection.ts';
import { createContact, createConversation, createMessage, createUser } from '../support/factories.ts';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

export interface SeededInbox {
  csr: { email: string; password: string };
  admin: { email: string; password: string };
  ids: { urgent: string; waiting: string; recent: string; quiet: string; complaint: string; optOut: string; hostile: string };
  phones: { quiet: string };
}

async function conversation(
  db: Database,
  tenantId: string,
  phoneNumberId: string,
  input: {
    firstName: string;
    lastName: string;
    phone: string;
    category?: 'engaged' | 'opt_out' | 'complaint';
    needsAttention?: boolean;
    optedOut?: boolean;
    /** Oldest first, alternating customer / agent unless `allFromCustomer`; the last one is `lastAt` minutes ago. */
    bodies: string[];
    allFromCustomer?: boolean;
    lastAt: number;
  },
): Promise<string> {
  const contact = await createContact(db, {
    tenantId,
    firstName: input.firstName,
    lastName: input.lastName,
    phone: input.phone,
    optedOut: input.optedOut ?? false,
  });
  const created = await createConversation(db, {
    tenantId,
    contactId: contact.id,
    phoneNumberId,
    category: input.category ?? 'engaged',
    needsAttention: input.needsAttention ?? false,
    createdAt: minutesAgo(input.lastAt + input.bodies.length * 3 + 5),
  });
  for (const [index, body] of input.bodies.entries()) {
    const fromCustomer = input.allFromCustomer || index % 2 === 0;
    await createMessage(db, {
      conversationId: created.id,
      body,
      direction: fromCustomer ? 'inbound' : 'outbound',
      status: fromCustomer ? 'received' : 'delivered',
      createdAt: minutesAgo(input.lastAt + (input.bodies.length - 1 - index) * 3),
    });
  }
  return created.id;
}

export async function seedInbox(db: Database, tenantId: string, phoneNumberId: string): Promise<SeededInbox> {
  const csr = await createUser(db, { tenantId, role: 'csr', email: 'dana.csr@comfortair.test', password: 'csr-password-1' });
  const admin = await createUser(db, { tenantId, role: 'admin', email: 'owner@comfortair.test', password: 'admin-password-1' });

  const urgent = await conversation(db, tenantId, phoneNumberId, {
    firstName: 'Maria',
    lastName: 'Garcia',
    phone: '+15555550142',
    needsAttention: true,
    bodies: ['Hi, our furnace is making a loud banging noise when it kicks on', 'Can someone come out tomorrow morning?'],
    allFromCustomer: true,
    lastAt: 180,
  });
  const waiting = await conversation(db, tenantId, phoneNumberId, {
    firstName: 'Rosa',
    lastName: 'Delgado',
    phone: '+15555550188',
    needsAttention: true,
    bodies: ['Is the annual maintenance plan still $149?'],
    lastAt: 240,
  });
  const recent = await conversation(db, tenantId, phoneNumberId, {
    firstName: 'Aisha',
    lastName: 'Patel',
    phone: '+15555550177',
    bodies: ['My water heater is leaking in the garage', 'Sorry to hear that! A tech can be there at 2pm.', 'Perfect, see you then'],
    lastAt: 5,
  });
  const quietPhone = '+15555550199';
  const quiet = await conversation(db, tenantId, phoneNumberId, {
    firstName: 'Chen',
    lastName: 'Wang',
    phone: quietPhone,
    bodies: ['Thanks for the tune-up last week, everything is running great.'],
    lastAt: 60 * 26,
  });
  const complaint = await conversation(db, tenantId, phoneNumberId, {
    firstName: 'Marcus',
    lastName: 'Garner',
    phone: '+15555550123',
    category: 'complaint',
    needsAttention: true,
    bodies: ['Your technician left mud all over my carpet and the AC still is not cooling. I want a refund.'],
    lastAt: 40,
  });
  const optOut = await conversation(db, tenantId, phoneNumberId, {
    firstName: 'Olivia',
    lastName: 'Rossi',
    phone: '+15555550111',
    category: 'opt_out',
    optedOut: true,
    bodies: ['STOP'],
    lastAt: 90,
  });
  const hostile = await conversation(db, tenantId, phoneNumberId, {
    firstName: 'Eve',
    lastName: 'Mallory',
    phone: '+15555550166',
    bodies: ['<img src=x onerror=alert(1)>'],
    lastAt: 300,
  });

  return {
    csr: { email: csr.user.email, password: csr.password },
    admin: { email: admin.user.email, password: admin.password },
    ids: { urgent, waiting, recent, quiet, complaint, optOut, hostile },
    phones: { quiet: quietPhone },
  };
}
