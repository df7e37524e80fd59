// The demo tenant of `npm start`: "Comfort Air Heating & Plumbing" with an admin, a CSR, a Twilio number and
// a ServiceTitan configuration pointing at the fake. Its conversations are not written into tables: they are
// sent through the running product (signed Twilio webhooks to the API, the CSR's replies through the inbox
// API), so the workflow files them with the fake OpenAI and books them at the fake ServiceTitan — where a
// few customers' bookings are set to keep retrying or to fail. Booking health, the inbox chips and the
// Temporal UI (`BookingStatus="retrying"`, `"failed"`) therefore show the same conversations.
// Then the business turned on its AI receptionist (scripts/demo-assistant.ts): the demo number's assistant
// is enabled after those conversations (so they stay the CSRs' story), and the guide's three conversations
// with it are sent the same way — it answers them with tools on the fake ServiceTitan, seeded with the
// demo's customers, jobs, a dispatched appointment and capacity.
// Idempotent: the tenant is found by name; a conversation already in the inbox is not sent again.
import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Env } from '../config/env.ts';
import type { Database } from '../db/connection.ts';
import { hashPassword } from '../secrets/password.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { inboundSmsParams, inboundWebhookUrl, twilioSignature } from '../cli/simulated-inbound.ts';
import { demoBookingDefaults, enableDemoAssistant, ensureDemoAssistant, seedDemoServiceTitan } from './demo-assistant.ts';

export const demoTenantName = 'Comfort Air Heating & Plumbing';
export const demoTwilioNumber = '+15550100200';
const admin = { email: 'admin@demo.intellisend.test', password: 'demo-admin-pass' };
const csr = { email: 'csr@demo.intellisend.test', password: 'demo-csr-pass' };
/** Fake credentials, for the fake Twilio only. */
const demoTwilio = {
  accountSid: `AC${createHash('sha256').update('intellisend-demo-account').digest('hex').slice(0, 32)}`,
  authToken: createHash('sha256').update('intellisend-demo-token').digest('hex').slice(0, 32),
};
/** Matches test/fakes/servicetitan/demo-tenant.ts (fake credentials for the fake server). */
const demoServiceTitan = {
  tenantId: '1234567',
  clientId: 'cid.demo-intellisend',
  clientSecret: 'cs1.demo-secret-not-real',
  appKey: 'ak1.demo-app-key-not-real',
  bookingProvider: { id: 77, name: 'IntelliSend' },
};

/** What the seed needs of the fake ServiceTitan (test/fakes/servicetitan). */
interface FakeServiceTitanLike {
  url?: string;
  appKey: string;
  addTenant(init: { tenantId: string; clientId: string; clientSecret: string; bookingProviderTags?: Array<{ id: number; name: string }> }): unknown;
  failBookingsFor?(phone: string, failure: FakeFailure | null): void;
  state?: { nextBookingId: number };
}
interface FakeTwilioLike {
  url?: string;
  addAccount(accountSid: string, authToken: string): void;
}

export interface DemoSeedFakes {
  serviceTitanUrl?: string;
  serviceTitan?: FakeServiceTitanLike | null;
  twilioUrl?: string;
  twilio?: FakeTwilioLike | null;
  /** scripts/start.ts passes its fakes under these names. */
  servicetitan?: unknown;
  openai?: unknown;
}

export interface DemoSeedInput {
  db: Database;
  box: SecretBox;
  env: Pick<Env, 'PUBLIC_BASE_URL'>;
  fakes?: DemoSeedFakes;
}

export interface DemoSeedResult {
  tenantId: string;
  adminEmail: string;
  adminPassword: string;
  csrEmail: string;
  csrPassword: string;
  twilioNumber: string;
  /** The names scripts/start.ts reads for its banner. */
  email: string;
  password: string;
  phoneNumber: string;
  created: boolean;
}

function isFakeServiceTitan(v: unknown): v is FakeServiceTitanLike {
  return typeof v === 'object' && v !== null && typeof (v as FakeServiceTitanLike).addTenant === 'function' && typeof (v as FakeServiceTitanLike).appKey === 'string';
}
function isFakeTwilio(v: unknown): v is FakeTwilioLike {
  return typeof v === 'object' && v !== null && typeof (v as FakeTwilioLike).addAccount === 'function';
}

// ---------------------------------------------------------------------------------------------------------
// The story. Each conversation is a customer's texts and the CSR's replies, in order; the fake OpenAI files
// each text by its words (test/fakes/openai/heuristic-classifier.ts), opt-out keywords need no AI.

/** How the fake ServiceTitan treats this customer's booking. */
type BookingFate =
  /** ServiceTitan answers 503 (Retry-After 5 min) to every try: `retrying` for the day Temporal keeps at it. */
  | 'retrying'
  /** ServiceTitan refuses it as invalid every time: `failed`; "Retry failed bookings" fails again, saying why. */
  | 'failed'
  /** Refused once (a setting fixed in ServiceTitan since): `failed` until an admin retries it, then created. */
  | 'failedOnce';

type Line = { from: 'customer' | 'csr'; text: string };
interface DemoConversation {
  first: string | null;
  last: string | null;
  lines: Line[];
  booking?: BookingFate;
}

const customer = (text: string): Line => ({ from: 'customer', text });
const reply = (text: string): Line => ({ from: 'csr', text });
const convo = (first: string | null, last: string | null, lines: Line[], booking?: BookingFate): DemoConversation => ({
  first,
  last,
  lines,
  ...(booking ? { booking } : {}),
});

export const demoConversations: DemoConversation[] = [
  convo('Maria', 'Garcia', [customer('Hi, our furnace stopped working last night and the house is 58 degrees. Can someone come today?')]),
  convo('James', 'Okafor', [
    customer('Water heater is leaking from the bottom, there is a puddle in the garage'),
    reply('Sorry to hear that! Please turn the cold water valve on top to off. We can be there between 1 and 3pm.'),
    customer('Ok valve is off. 1-3 works, thank you'),
  ]),
  convo('Aisha', 'Patel', [customer('The breaker for our kitchen keeps tripping whenever the microwave and dishwasher run together')]),
  convo('Chen', 'Wang', [
    customer('Can I get a quote for replacing a 15 year old AC unit? 3 bed, 2 bath, about 1800 sq ft'),
    reply('Happy to help! A comfort advisor can come out for a free estimate. Would Thursday morning work?'),
    customer('Thursday at 9 is perfect'),
    reply('You are booked for Thursday 9am. See you then!'),
  ]),
  convo('Priya', 'Smith', [customer('Toilet in the upstairs bathroom keeps running and the handle is loose')], 'failed'),
  convo('Noah', 'Johnson', [
    customer('AC is blowing warm air, thermostat says cooling. Filter was changed last month'),
    reply('Thanks Noah. It could be low refrigerant or a capacitor. Earliest slot is tomorrow 10am-12pm.'),
    customer('Book it please'),
    reply('Done! The tech will text when on the way.'),
  ]),
  convo('Emily', 'Brooks', [customer('There is a burning smell coming from the vents when the heat kicks on. Is that dangerous?')], 'retrying'),
  convo('Marcus', 'Lee', [
    customer('Can you install a new ceiling fan in the living room? We already bought the fan'),
    reply('Absolutely. Installs run about an hour. Does Saturday morning work?'),
  ]),
  convo('Sofia', 'Hernandez', [customer('Kitchen sink is completely clogged and backing up into the other side')]),
  convo('Hannah', 'Kim', [
    customer('Our outlets in the bathroom stopped working but the breaker is not tripped'),
    reply('It may be a GFCI outlet that tripped. Try pressing RESET on the outlet by the sink.'),
    customer('Tried that, nothing. Still dead'),
  ]),
  convo('Ethan', 'Martinez', [customer('Thermostat screen is blank. Changed batteries, still blank')], 'failedOnce'),
  convo('Grace', 'Thompson', [customer('Sump pump is making a loud grinding noise and the basement is getting damp')]),
  convo('Lucas', 'Anderson', [
    customer('Can someone look at our water pressure? It is really low in the showers'),
    reply('Sure thing. Low pressure in several fixtures is often the pressure regulator. We can come Monday.'),
    customer('Monday works'),
  ]),
  convo('Chloe', 'Wilson', [customer('Our heat pump is covered in ice, is that normal?')], 'retrying'),
  convo('Mateo', 'Lopez', [
    customer('Need an estimate for a panel upgrade to 200 amps, we are adding an EV charger'),
    reply('Great project! An electrician can do a site visit Wednesday between 2 and 4.'),
  ]),
  convo('Benjamin', 'Wright', [customer('Garbage disposal just hums and does not spin')]),
  convo('Henry', 'Adams', [customer('Hot water only lasts about 5 minutes now. Tank is 8 years old')]),
  convo(null, null, [customer('Hello? Is this Comfort Air? My AC is leaking water inside the closet')]),
  convo('Jack', 'Nelson', [customer('Some of the lights in the house flicker when the AC turns on')]),
  convo('Ella', 'Perez', [
    customer('Carbon monoxide detector went off near the furnace. We opened the windows'),
    reply('Please get everyone outside and call 911 if anyone feels unwell. A tech is on the way now.'),
  ]),
  convo('Owen', 'Roberts', [customer('Our outdoor spigot froze and now it drips constantly')]),
  convo('Robert', 'Evans', [customer('Your tech was here Tuesday and the AC stopped working again the same night. I paid $480 for nothing, this is unacceptable.')]),
  convo('Linda', 'Edwards', [
    customer('Nobody showed up for my 8-10 window and nobody called. Second no-show, I took the morning off work for this.'),
    reply('I am so sorry Linda, that should not have happened. Can we come first thing tomorrow at no charge?'),
    customer('Fine, 8am tomorrow. But I am really disappointed.'),
  ]),
  convo('Michael', 'Collins', [customer('The plumber left muddy footprints all over my new carpet and did not clean up. Really disappointed.')], 'failed'),
  convo('David', 'Sanchez', [customer('This is ridiculous. Third visit for the same leak and it is still dripping. I want a manager to call me.')], 'retrying'),
  convo('Barbara', 'Morris', [customer('The quote said $2,100 and the invoice is $2,650. Nobody told me about extra charges, I want a refund of the difference.')]),
  convo('Karen', 'Reed', [customer('STOP')]),
  convo('Thomas', 'Cook', [customer('stop')]),
  convo('Nancy', 'Morgan', [customer('Please stop texting me, I sold the house')]),
  convo('Steven', 'Bell', [customer('Unsubscribe')]),
  convo('Kevin', 'Cooper', [customer('Can you send someone to look at a noisy furnace blower? It squeals on startup')]),
  convo('Brian', 'Cox', [customer('Water is coming up through the basement floor drain')], 'failedOnce'),
];

/**
 * After the conversations above, the business switched its assistant on; these customers then texted it.
 * Customer texts only: the assistant answers each (first SMS, tools, booking). The guide's conversations:
 */
interface AssistantConversation {
  /** The guide's conversation it plays. */
  story: string;
  phone: string;
  /** The name the business has for the customer (null: a new customer, unknown to us and to ServiceTitan). */
  first: string | null;
  last: string | null;
  texts: string[];
}

const noahIndex = demoConversations.findIndex((c) => c.first === 'Noah');

export const demoAssistantConversations: AssistantConversation[] = [
  {
    // A ServiceTitan customer (a furnace repaired last winter, the address on file): windows, pick, the job booked.
    story: 'an existing customer books maintenance',
    phone: demoCustomerPhone(40),
    first: 'Olivia',
    last: 'Bennett',
    texts: ['Hi, I would like to book a maintenance visit for my AC before summer', 'The first one works for me'],
  },
  {
    // Noah's repair (booked by a CSR above) is dispatched today: the arrival window, Mike, the tracking link.
    story: 'when is my technician coming?',
    phone: demoCustomerPhone(noahIndex),
    first: 'Noah',
    last: 'Johnson',
    texts: ['When is my tech coming?'],
  },
  {
    // Nobody knows this number: the name and address come with the pick; the customer is created, then the job.
    story: 'a new customer asks for service',
    phone: demoCustomerPhone(41),
    first: null,
    last: null,
    texts: ['My furnace needs service, can someone come out this week?', 'The first one. My name is Daniel Ortiz, 48 Cedar Ln, Austin, TX 78704'],
  },
];

/** ServiceTitan's side of the story: Noah's visit is today; Olivia is a returning customer. */
const demoServiceTitanCustomers = {
  withVisit: { phone: demoCustomerPhone(noahIndex), name: 'Noah Johnson' },
  returning: { phone: demoCustomerPhone(40), name: 'Olivia Bennett' },
};

/**
 * The guide's conversations to play by hand (`npm run cli -- simulate:inbound`), as the banner and the
 * README name them: from Noah's number (a ServiceTitan customer with a visit today and an address on file),
 * and from a number nobody knows. The fake OpenAI reads "the first one" as the first window offered and
 * "My name is …, street, city, ST zip" as a new customer's details.
 */
export const demoPlayableConversations: Array<{ story: string; from: string; texts: string[] }> = [
  { story: 'An existing customer books maintenance', from: demoCustomerPhone(noahIndex), texts: ["Hi, I'd like to book maintenance", 'The first one'] },
  { story: 'When is my technician coming?', from: demoCustomerPhone(noahIndex), texts: ['When is my tech coming?'] },
  {
    story: 'A new customer asks for service',
    from: demoCustomerPhone(99),
    texts: ['My AC stopped working, can someone come out?', 'The first one. My name is Sam Lee, 5 Pine Rd, Austin, TX 78701'],
  },
];

/** Conversations the demo makes: one per customer (Noah's texts to the assistant continue his). */
export const demoConversationCount = new Set([...demoConversations.map((_, i) => demoCustomerPhone(i)), ...demoAssistantConversations.map((c) => c.phone)]).size;

/** The demo's customers have numbers in the fictional 555-01xx range of the North American plan. */
export function demoCustomerPhone(index: number): string {
  return `+1555555${String(1000 + index * 37).padStart(4, '0')}`;
}

/** Stable per line, so a demo message sent twice (an interrupted first start) is stored once. */
function demoMessageSid(index: number, line: number): string {
  return `SM${createHash('sha256').update(`intellisend-demo-${index}-${line}`).digest('hex').slice(0, 32)}`;
}
function assistantDemoMessageSid(index: number, line: number): string {
  return `SM${createHash('sha256').update(`intellisend-demo-assistant-${index}-${line}`).digest('hex').slice(0, 32)}`;
}

/** What ServiceTitan answers for each fate: realistic bodies, so the errors an admin reads make sense. */
interface FakeFailure {
  status: number;
  errors?: Record<string, string[]>;
  retryAfterSeconds?: number;
  times?: number;
}
const fateFailures: Record<BookingFate, FakeFailure> = {
  retrying: { status: 503, retryAfterSeconds: 300 },
  failed: { status: 400, errors: { 'contacts[0].value': ['The phone number is not a valid US phone number.'] } },
  failedOnce: { status: 400, errors: { bookingProvider: ['The booking provider IntelliSend is inactive.'] }, times: 1 },
};

// ---------------------------------------------------------------------------------------------------------
export async function seedDemoTenant(input: DemoSeedInput): Promise<DemoSeedResult> {
  const { db, box, fakes = {} } = input;
  const { models, sequelize } = db;
  const serviceTitanFake = isFakeServiceTitan(fakes.serviceTitan) ? fakes.serviceTitan : isFakeServiceTitan(fakes.servicetitan) ? fakes.servicetitan : null;
  const twilioFake = isFakeTwilio(fakes.twilio) ? fakes.twilio : null;
  const serviceTitanUrl = fakes.serviceTitanUrl ?? serviceTitanFake?.url ?? null;

  twilioFake?.addAccount(demoTwilio.accountSid, demoTwilio.authToken);
  serviceTitanFake?.addTenant({
    tenantId: demoServiceTitan.tenantId,
    clientId: demoServiceTitan.clientId,
    clientSecret: demoServiceTitan.clientSecret,
    bookingProviderTags: [demoServiceTitan.bookingProvider],
  });
  seedDemoServiceTitan(serviceTitanFake, demoServiceTitan.tenantId, demoServiceTitanCustomers);
  const appKey = serviceTitanFake?.appKey ?? demoServiceTitan.appKey;

  const result = (tenantId: string, created: boolean): DemoSeedResult => ({
    tenantId,
    adminEmail: admin.email,
    adminPassword: admin.password,
    csrEmail: csr.email,
    csrPassword: csr.password,
    twilioNumber: demoTwilioNumber,
    email: admin.email,
    password: admin.password,
    phoneNumber: demoTwilioNumber,
    created,
  });

  const serviceTitanConfig = serviceTitanUrl
    ? {
        environment: 'integration' as const,
        tenantApiBaseUrl: serviceTitanUrl,
        authUrl: `${serviceTitanUrl}/connect/token`,
        serviceTitanTenantId: demoServiceTitan.tenantId,
        clientId: demoServiceTitan.clientId,
        clientSecret: box.seal(demoServiceTitan.clientSecret),
        appKey: box.seal(appKey),
        bookingProvider: String(demoServiceTitan.bookingProvider.id),
        ...demoBookingDefaults,
        enabled: true,
      }
    : null;

  const existing = await models.Tenant.findOne({ where: { name: demoTenantName } });
  // The fake forgets its faults between starts, so they are set again, except a one-time refusal that an
  // earlier start already made (the admin's retry is to book it). A booked conversation never asks again.
  const sent = existing ? await phonesWithConversations(db, existing.id) : new Set<string>();
  // ServiceTitan's ids only grow: a fake started again continues after the bookings an earlier start made.
  if (existing && serviceTitanFake?.state) {
    const [row] = await sequelize.query<{ max: string | null }>(
      "SELECT max(service_titan_booking_id::bigint) AS max FROM conversations WHERE tenant_id = :tenantId AND service_titan_booking_id ~ '^[0-9]+$'",
      { replacements: { tenantId: existing.id }, type: QueryTypes.SELECT },
    );
    if (row?.max) serviceTitanFake.state.nextBookingId = Math.max(serviceTitanFake.state.nextBookingId, Number(row.max) + 1);
  }
  for (const [i, c] of demoConversations.entries()) {
    const phone = demoCustomerPhone(i);
    if (c.booking && !(c.booking === 'failedOnce' && sent.has(phone))) serviceTitanFake?.failBookingsFor?.(phone, { ...fateFailures[c.booking] });
  }
  /** The assistant's customers we know by name (Noah is one of the conversations above). */
  const namedAssistantCustomers = demoAssistantConversations.filter((c) => c.first !== null && !demoConversations.some((_, i) => demoCustomerPhone(i) === c.phone));
  // The assistant is switched on once the conversations from before it are in the inbox.
  const ensureAssistant = async (tenantId: string, enabled: boolean) => {
    const number = await models.PhoneNumber.findOne({ where: { tenantId, phone: demoTwilioNumber } });
    if (number) await ensureDemoAssistant(db, tenantId, { phoneNumberId: number.id, enabled, serviceTitan: serviceTitanConfig !== null });
  };
  if (existing) {
    if (serviceTitanConfig) {
      const config = await models.ServiceTitanConfig.findOne({ where: { tenantId: existing.id } });
      if (config) await config.update(serviceTitanConfig);
      else await models.ServiceTitanConfig.create({ tenantId: existing.id, ...serviceTitanConfig });
    }
    // A demo made before the assistant existed gets its customers and the assistant now.
    for (const c of namedAssistantCustomers) {
      await models.Contact.findOrCreate({ where: { tenantId: existing.id, phone: c.phone }, defaults: { tenantId: existing.id, phone: c.phone, firstName: c.first, lastName: c.last } });
    }
    await ensureAssistant(existing.id, demoConversations.every((_, i) => sent.has(demoCustomerPhone(i))));
    return result(existing.id, false);
  }

  const [adminHash, csrHash] = await Promise.all([hashPassword(admin.password), hashPassword(csr.password)]);
  const tenantId = await sequelize.transaction(async (transaction) => {
    const tenant = await models.Tenant.create(
      { name: demoTenantName, twilioAccountSid: demoTwilio.accountSid, twilioAuthToken: box.seal(demoTwilio.authToken) },
      { transaction },
    );
    await models.User.create({ tenantId: tenant.id, email: admin.email, passwordHash: adminHash, role: 'admin' }, { transaction });
    await models.User.create({ tenantId: tenant.id, email: csr.email, passwordHash: csrHash, role: 'csr' }, { transaction });
    await models.PhoneNumber.create({ tenantId: tenant.id, phone: demoTwilioNumber, label: 'Main line' }, { transaction });
    if (serviceTitanConfig) await models.ServiceTitanConfig.create({ tenantId: tenant.id, ...serviceTitanConfig }, { transaction });
    // The customers' names, as a CRM import would have them; their conversations come through the pipeline.
    for (const [i, c] of demoConversations.entries()) {
      await models.Contact.create({ tenantId: tenant.id, phone: demoCustomerPhone(i), firstName: c.first, lastName: c.last }, { transaction });
    }
    for (const c of namedAssistantCustomers) {
      await models.Contact.create({ tenantId: tenant.id, phone: c.phone, firstName: c.first, lastName: c.last }, { transaction });
    }
    return tenant.id;
  });
  await ensureAssistant(tenantId, false);
  return result(tenantId, true);
}

async function phonesWithConversations(db: Database, tenantId: string): Promise<Set<string>> {
  const rows = await db.sequelize.query<{ phone: string }>(
    'SELECT DISTINCT ct.phone FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id WHERE cv.tenant_id = :tenantId',
    { replacements: { tenantId }, type: QueryTypes.SELECT },
  );
  return new Set(rows.map((r) => r.phone));
}

// ---------------------------------------------------------------------------------------------------------
export interface SendDemoInput {
  db: Database;
  /** Where the API listens (npm start: http://localhost:PORT). */
  apiUrl: string;
  /** What the webhook signature covers (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  seed: DemoSeedResult;
  /** How many conversations are sent side by side. */
  concurrency?: number;
  /** Checked between steps: true stops sending (npm start is stopping). */
  stopped?: () => boolean;
  /** The longest wait for one step (a message filed, a booking tried). */
  stepTimeoutMs?: number;
}

export interface SendDemoResult {
  /** Conversations sent now. */
  sent: number;
  /** Conversations already in the inbox (an earlier start sent them). */
  present: number;
}

interface ConversationRow {
  id: string;
  classification_source: string | null;
  booking_status: string;
  category: string;
  messages: string;
  inbound_sids: string[] | null;
}

/** Sends every demo conversation not yet in the inbox through the running API, as Twilio and the CSR would. */
export async function sendDemoConversations(input: SendDemoInput): Promise<SendDemoResult> {
  const { db, apiUrl, publicBaseUrl, seed } = input;
  const stopped = input.stopped ?? (() => false);
  const stepTimeoutMs = input.stepTimeoutMs ?? 60_000;
  const session = await signIn(apiUrl, seed.csrEmail, seed.csrPassword);

  const conversationOf = async (phone: string): Promise<ConversationRow | null> => {
    const [row] = await db.sequelize.query<ConversationRow>(
      `SELECT cv.id, cv.classification_source, cv.booking_status, cv.category,
              (SELECT count(*) FROM messages m WHERE m.conversation_id = cv.id) AS messages,
              (SELECT array_agg(m.twilio_sid) FROM messages m WHERE m.conversation_id = cv.id AND m.direction = 'inbound') AS inbound_sids
         FROM conversations cv JOIN contacts ct ON ct.id = cv.contact_id
        WHERE ct.tenant_id = :tenantId AND ct.phone = :phone
        ORDER BY cv.created_at DESC LIMIT 1`,
      { replacements: { tenantId: seed.tenantId, phone }, type: QueryTypes.SELECT },
    );
    return row ?? null;
  };

  /** Polls the database until the pipeline has done its part; the demo is made once, on a first start. */
  const settle = async <T>(what: string, probe: () => Promise<T | null>): Promise<T | null> => {
    const deadline = Date.now() + stepTimeoutMs;
    while (!stopped()) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`The demo timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return null;
  };

  const sendOne = async (index: number): Promise<'sent' | 'present'> => {
    const script = demoConversations[index];
    const phone = demoCustomerPhone(index);
    if (!script) return 'present';
    const before = await conversationOf(phone);
    if (before && Number(before.messages) > 0) return 'present';
    for (const [j, line] of script.lines.entries()) {
      if (stopped()) return 'sent';
      if (line.from === 'customer') {
        const messageSid = demoMessageSid(index, j);
        await postInbound(publicBaseUrl, apiUrl, { to: seed.twilioNumber, from: phone, body: line.text, messageSid });
        // Filed (and, for a first message that needs a person, its first booking try made) before the next line.
        await settle(`the demo message ${messageSid} to be filed`, async () => {
          const c = await conversationOf(phone);
          const filed = c && c.classification_source !== null && (c.inbound_sids ?? []).includes(messageSid);
          return filed && c.booking_status !== 'pending' && (c.booking_status !== 'none' || c.category === 'opt_out') ? c : null;
        });
      } else {
        const c = await conversationOf(phone);
        if (!c) throw new Error(`no conversation for demo customer ${phone}`);
        await session.post(`/api/conversations/${c.id}/messages`, { body: line.text });
      }
    }
    return 'sent';
  };

  /**
   * A customer's text to the assistant, once it has arrived: its turn (once recorded) and how many of the
   * turn's replies are not handed to Twilio yet (no SID; Twilio's `queued` stays until its status callback).
   */
  const answerTo = async (messageSid: string) => {
    const [row] = await db.sequelize.query<{ turnId: string | null; unsent: string }>(
      `SELECT m.assistant_turn_id AS "turnId",
              (SELECT count(*) FROM messages r
                WHERE r.assistant_turn_id = m.assistant_turn_id AND r.direction = 'outbound'
                  AND r.twilio_sid IS NULL AND r.status IN ('queued', 'sending')) AS unsent
         FROM messages m
        WHERE m.tenant_id = :tenantId AND m.twilio_sid = :messageSid AND m.direction = 'inbound'`,
      { replacements: { tenantId: seed.tenantId, messageSid }, type: QueryTypes.SELECT },
    );
    return row ?? null;
  };

  const textAssistant = async (index: number): Promise<'sent' | 'present'> => {
    const script = demoAssistantConversations[index];
    if (!script) return 'present';
    let outcome: 'sent' | 'present' = 'present';
    for (const [j, body] of script.texts.entries()) {
      if (stopped()) return outcome;
      const messageSid = assistantDemoMessageSid(index, j);
      if (await answerTo(messageSid)) continue;
      outcome = 'sent';
      await postInbound(publicBaseUrl, apiUrl, { to: seed.twilioNumber, from: script.phone, body, messageSid });
      // Answered before the customer texts again, as they would wait for it.
      await settle(`the assistant's answer to the demo message ${messageSid}`, async () => {
        const answer = await answerTo(messageSid);
        return answer && answer.turnId !== null && Number(answer.unsent) === 0 ? answer : null;
      });
    }
    return outcome;
  };

  const concurrency = input.concurrency ?? 4;
  const outcomes = await inParallel(demoConversations.map((_, i) => i), concurrency, sendOne, stopped);
  // Then the business switches its assistant on, and its customers text it.
  const assistantIndexes = demoAssistantConversations.map((_, i) => i);
  if (!stopped() && (await assistantTextsLeft(db, seed.tenantId)) && (await enableDemoAssistant(db, seed.tenantId))) {
    outcomes.push(...(await inParallel(assistantIndexes, concurrency, textAssistant, stopped)));
  } else if (!stopped()) {
    outcomes.push(...assistantIndexes.map(() => 'present' as const));
  }
  return { sent: outcomes.filter((o) => o === 'sent').length, present: outcomes.filter((o) => o === 'present').length };
}

/** `run` over `items`, `n` at a time, in order of the items; stops taking new ones once `stopped()`. */
async function inParallel<T, R>(items: T[], n: number, run: (item: T) => Promise<R>, stopped: () => boolean): Promise<R[]> {
  const queue = [...items];
  const results: R[] = [];
  const workers = Array.from({ length: n }, async () => {
    for (let item = queue.shift(); item !== undefined && !stopped(); item = queue.shift()) results.push(await run(item));
  });
  await Promise.all(workers);
  return results;
}

/** Whether any of the demo's texts to the assistant has not reached the inbox yet. */
async function assistantTextsLeft(db: Database, tenantId: string): Promise<boolean> {
  const sids = demoAssistantConversations.flatMap((c, i) => c.texts.map((_, j) => assistantDemoMessageSid(i, j)));
  const [row] = await db.sequelize.query<{ count: string }>(
    "SELECT count(*) FROM messages WHERE tenant_id = :tenantId AND direction = 'inbound' AND twilio_sid IN (:sids)",
    { replacements: { tenantId, sids }, type: QueryTypes.SELECT },
  );
  return Number(row?.count ?? 0) < sids.length;
}

/** Whether a start has demo conversations left to send (npm start says so before sending them). */
export async function demoLeftToSend(db: Database, tenantId: string): Promise<boolean> {
  const [row] = await db.sequelize.query<{ count: string }>('SELECT count(*) FROM conversations WHERE tenant_id = :tenantId', {
    replacements: { tenantId },
    type: QueryTypes.SELECT,
  });
  return Number(row?.count ?? 0) < demoConversationCount || (await assistantTextsLeft(db, tenantId));
}

async function postInbound(publicBaseUrl: string, apiUrl: string, sms: { to: string; from: string; body: string; messageSid: string }): Promise<void> {
  const params = inboundSmsParams({ accountSid: demoTwilio.accountSid, ...sms });
  const signature = twilioSignature(demoTwilio.authToken, inboundWebhookUrl(publicBaseUrl), params);
  const res = await fetch(inboundWebhookUrl(apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  if (res.status !== 200) throw new Error(`the demo's webhook answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

/** The CSR's session: the demo's replies go through the inbox API like a person's. */
async function signIn(apiUrl: string, email: string, password: string) {
  const login = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`the demo CSR could not sign in (${login.status})`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return {
    async post(path: string, body: unknown): Promise<void> {
      const res = await fetch(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`the demo's POST ${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    },
  };
}
