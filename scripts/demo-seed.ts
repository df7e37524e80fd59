// The demo tenant of `npm start`: "Comfort Air Heating & Plumbing" with an admin, a CSR, a Twilio number,
// a ServiceTitan configuration pointing at the fake, and ~50 realistic conversations written straight to
// the database (not through workflows). Idempotent: found by name; a second run only refreshes the fake
// registrations and the ServiceTitan URLs (the fakes' ports may change between runs).
import { createHash } from 'node:crypto';
import type { Env } from '../config/env.ts';
import type { Database } from '../db/connection.ts';
import type { BookingStatus, ConversationCategory, MessageDirection } from '../db/models/index.ts';
import { hashPassword } from '../secrets/password.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

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

interface FakeServiceTitanLike {
  url?: string;
  appKey: string;
  addTenant(init: { tenantId: string; clientId: string; clientSecret: string; bookingProviderTags?: Array<{ id: number; name: string }> }): unknown;
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

type Line = [MessageDirection, string];
interface Script {
  first: string | null;
  last: string | null;
  category: ConversationCategory;
  needsAttention: boolean;
  reason: string;
  source: 'keyword' | 'ai' | 'fallback' | 'csr';
  booking?: BookingStatus;
  bookingError?: string;
  lines: Line[];
}

const engaged = (first: string | null, last: string | null, needsAttention: boolean, lines: Line[], booking: BookingStatus = 'none', reason = 'The customer is asking for service.'): Script => ({
  first, last, category: 'engaged', needsAttention, reason, source: 'ai', booking, lines,
});
const complaint = (first: string, last: string, needsAttention: boolean, lines: Line[], booking: BookingStatus = 'none'): Script => ({
  first, last, category: 'complaint', needsAttention, reason: 'The customer is unhappy with the service and wants it made right.', source: 'ai', booking, lines,
});
const optOut = (first: string | null, last: string | null, lines: Line[], keyword = 'STOP'): Script => ({
  first, last, category: 'opt_out', needsAttention: false, reason: `The customer texted the opt-out keyword "${keyword}".`, source: 'keyword', lines,
});
const inb = (text: string): Line => ['inbound', text];
const out = (text: string): Line => ['outbound', text];

const scripts: Script[] = [
  engaged('Maria', 'Garcia', true, [inb('Hi, our furnace stopped working last night and the house is 58 degrees. Can someone come today?')], 'created'),
  engaged('James', 'Okafor', true, [inb('Water heater is leaking from the bottom, there is a puddle in the garage'), out('Sorry to hear that! Please turn the cold water valve on top to off. We can be there between 1 and 3pm.'), inb('Ok valve is off. 1-3 works, thank you')], 'created'),
  engaged('Aisha', 'Patel', true, [inb('The breaker for our kitchen keeps tripping whenever the microwave and dishwasher run together')], 'pending'),
  engaged('Chen', 'Wang', false, [inb('Can I get a quote for replacing a 15 year old AC unit? 3 bed, 2 bath, about 1800 sq ft'), out('Happy to help! A comfort advisor can come out for a free estimate. Would Thursday morning work?'), inb('Thursday at 9 is perfect'), out('You are booked for Thursday 9am. See you then!')], 'created'),
  engaged('Olivia', 'Rossi', true, [inb('I need to reschedule my maintenance appointment from Friday to next week please')]),
  engaged('Diego', 'Nguyen', false, [inb('Do you service tankless water heaters? Ours is showing error code 11'), out('We do! Error 11 is usually an ignition issue. We can send a tech tomorrow afternoon.'), inb('Great, tomorrow afternoon is fine')], 'created'),
  engaged('Priya', 'Smith', true, [inb('Toilet in the upstairs bathroom keeps running and the handle is loose')], 'failed', 'The customer needs a plumber.'),
  engaged('Noah', 'Johnson', false, [inb('AC is blowing warm air, thermostat says cooling. Filter was changed last month'), out('Thanks Noah. It could be low refrigerant or a capacitor. Earliest slot is tomorrow 10am-12pm.'), inb('Book it please'), out('Done! Tech will text when on the way.'), inb('Thanks!')], 'created'),
  engaged('Emily', 'Brooks', true, [inb('There is a burning smell coming from the vents when the heat kicks on. Is that dangerous?')], 'retrying'),
  engaged('Marcus', 'Lee', false, [inb('Can you install a new ceiling fan in the living room? We already bought the fan'), out('Absolutely. Installs run about an hour. Does Saturday morning work?')]),
  engaged('Sofia', 'Hernandez', true, [inb('Kitchen sink is completely clogged and backing up into the other side')], 'pending'),
  engaged('Liam', 'O\'Brien', false, [inb('What does your maintenance plan include and how much is it per year?'), out('Our Comfort Club is $189/yr: two tune-ups, priority scheduling and 15% off repairs.'), inb('Sounds good, sign me up'), out('Great! I will send the signup link by email.')]),
  engaged('Hannah', 'Kim', true, [inb('Our outlets in the bathroom stopped working but the breaker is not tripped'), out('It may be a GFCI outlet that tripped. Try pressing RESET on the outlet by the sink.'), inb('Tried that, nothing. Still dead')], 'created'),
  engaged('Ethan', 'Martinez', false, [inb('Thermostat screen is blank. Changed batteries, still blank')]),
  engaged('Grace', 'Thompson', true, [inb('Sump pump is making a loud grinding noise and the basement is getting damp')], 'created'),
  engaged('Lucas', 'Anderson', false, [inb('Can someone look at our water pressure? It is really low in the showers'), out('Sure thing. Low pressure in multiple fixtures is often the pressure regulator. We can come Monday.'), inb('Monday works')], 'created'),
  engaged('Chloe', 'Wilson', true, [inb('Our heat pump is covered in ice, is that normal?')]),
  engaged('Mateo', 'Lopez', false, [inb('Need an estimate for a panel upgrade to 200 amps, we are adding an EV charger'), out('Great project! An electrician can do a site visit Wednesday between 2 and 4.'), inb('See you Wednesday')], 'created'),
  engaged('Ava', 'Clark', false, [inb('Is the tech still coming today? We were told 10-12 and it is 12:30'), out('So sorry for the wait, he is finishing up a job and will be there by 1:15.'), inb('Ok thanks for letting me know')]),
  engaged('Benjamin', 'Wright', true, [inb('Garbage disposal just hums and does not spin')]),
  engaged('Mia', 'Scott', false, [inb('Our furnace filter size is 16x25x4, do you carry those?'), out('We do! We can drop two off with your tune-up next week.')]),
  engaged('Henry', 'Adams', true, [inb('Hot water only lasts about 5 minutes now. Tank is 8 years old')], 'pending'),
  engaged(null, null, true, [inb('Hello? Is this Comfort Air? My AC is leaking water inside the closet')], 'none', 'The customer reports an AC leak.'),
  engaged('Zoe', 'Baker', false, [inb('Can I move my appointment up? We have guests coming Friday'), out('We had a cancellation for Wednesday at 8am, want it?'), inb('Yes please!'), out('Moved to Wednesday 8am.')]),
  engaged('Jack', 'Nelson', false, [inb('Some of the lights in the house flicker when the AC turns on')], 'created'),
  engaged('Lily', 'Carter', true, [inb('Upstairs is 80 degrees and downstairs is 68, can you balance the system?')]),
  engaged('Samuel', 'Mitchell', false, [inb('Do you do gas line work? We want to add a gas range in the kitchen'), out('Yes, we run gas lines. A plumber can quote it on site, free of charge.'), inb('Great, what times do you have?'), out('Tuesday 1-3 or Thursday 9-11.'), inb('Tuesday'), out('Booked Tuesday 1-3pm.')], 'created'),
  engaged('Ella', 'Perez', false, [inb('Carbon monoxide detector went off near the furnace. We opened the windows')], 'created', 'Possible CO issue; urgent service.'),
  engaged('Owen', 'Roberts', true, [inb('Our outdoor spigot froze and now it drips constantly')]),
  engaged('Scarlett', 'Turner', false, [inb('Just confirming our tune-up on the 14th'), out('Confirmed! 14th, 8-10am window.')]),
  engaged('Daniel', 'Phillips', true, [inb('How much to replace a water heater? 50 gallon gas')], 'pending', 'The customer wants a quote.'),
  engaged('Layla', 'Campbell', false, [inb('Reschedule Monday please, kid is home sick'), out('No problem, how about Thursday same time?'), inb('Thursday works')]),
  complaint('Robert', 'Evans', true, [inb('Your tech was here Tuesday and the AC stopped working again the same night. I paid $480 for nothing.')], 'created'),
  complaint('Linda', 'Edwards', true, [inb('Nobody showed up for my 8-10 window and nobody called. I took the morning off work for this.'), out('I am so sorry Linda, that should not have happened. Can we come first thing tomorrow at no charge?'), inb('I guess. But this is the second time.')], 'created'),
  complaint('Michael', 'Collins', true, [inb('The plumber left muddy footprints all over my new carpet and did not clean up')], 'failed'),
  complaint('Patricia', 'Stewart', false, [inb('I was charged twice on my card for the same visit'), out('Thank you for letting us know, I have refunded the duplicate charge. It should post in 3-5 days.'), inb('Ok, thank you for fixing it quickly')], 'created'),
  complaint('David', 'Sanchez', true, [inb('This is ridiculous. Third visit for the same leak and it is still dripping. I want a manager to call me.')], 'retrying'),
  complaint('Barbara', 'Morris', false, [inb('The quote said $2,100 and the invoice is $2,650. Nobody told me about extra charges.')], 'created'),
  complaint('William', 'Rogers', true, [inb('The electrician was rude to my wife and left the panel cover off')]),
  optOut('Karen', 'Reed', [out('Hi Karen, this is Comfort Air. Your furnace tune-up is due! Reply to book.'), inb('STOP')]),
  optOut('Thomas', 'Cook', [inb('stop')], 'stop'),
  optOut(null, null, [out('Reminder: your appointment is tomorrow 9-11am.'), inb('UNSUBSCRIBE')], 'UNSUBSCRIBE'),
  optOut('Nancy', 'Morgan', [inb('Please stop texting me, I sold the house')], 'Please stop texting me'),
  optOut('Steven', 'Bell', [inb('Quit')], 'Quit'),
  optOut('Betty', 'Murphy', [out('Spring AC special: $79 tune-up this month only!'), inb('STOP ALL')], 'STOPALL'),
  optOut('Paul', 'Bailey', [inb('Cancel')], 'Cancel'),
  engaged('Rachel', 'Rivera', false, [inb('Thanks for coming out so quickly yesterday, the heat is working great')]),
  engaged('Kevin', 'Cooper', true, [inb('Can you send someone to look at a noisy furnace blower? It squeals on startup')]),
  engaged('Laura', 'Richardson', false, [inb('Do you offer financing on a new HVAC system?'), out('Yes! We offer 0% for 18 months on approved credit. I can send details.')]),
  engaged('Brian', 'Cox', true, [inb('Water is coming up through the basement floor drain')], 'pending'),
];

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
        enabled: true,
      }
    : null;

  const existing = await models.Tenant.findOne({ where: { name: demoTenantName } });
  if (existing) {
    if (serviceTitanConfig) {
      const config = await models.ServiceTitanConfig.findOne({ where: { tenantId: existing.id } });
      if (config) await config.update(serviceTitanConfig);
      else await models.ServiceTitanConfig.create({ tenantId: existing.id, ...serviceTitanConfig });
    }
    return result(existing.id, false);
  }

  const [adminHash, csrHash] = await Promise.all([hashPassword(admin.password), hashPassword(csr.password)]);
  const tenantId = await sequelize.transaction(async (transaction) => {
    const tenant = await models.Tenant.create(
      { name: demoTenantName, twilioAccountSid: demoTwilio.accountSid, twilioAuthToken: box.seal(demoTwilio.authToken) },
      { transaction },
    );
    await models.User.create({ tenantId: tenant.id, email: admin.email, passwordHash: adminHash, role: 'admin' }, { transaction });
    const csrUser = await models.User.create({ tenantId: tenant.id, email: csr.email, passwordHash: csrHash, role: 'csr' }, { transaction });
    const number = await models.PhoneNumber.create({ tenantId: tenant.id, phone: demoTwilioNumber, label: 'Main line' }, { transaction });
    if (serviceTitanConfig) await models.ServiceTitanConfig.create({ tenantId: tenant.id, ...serviceTitanConfig }, { transaction });

    const now = Date.now();
    let bookingId = 8_812_300;
    for (const [i, script] of scripts.entries()) {
      // Spread over the last 10 days; the first ones are the most recent.
      const lastAt = now - Math.round((i * 10 * 24 * 60 * 60 * 1000) / scripts.length) - ((i * 7919) % 3_600_000);
      const gapMs = 7 * 60 * 1000;
      const startedAt = new Date(lastAt - (script.lines.length - 1) * gapMs);
      const contact = await models.Contact.create(
        {
          tenantId: tenant.id,
          phone: `+1555555${String(1000 + i * 37).padStart(4, '0')}`,
          firstName: script.first,
          lastName: script.last,
          optedOut: script.category === 'opt_out',
          optedOutAt: script.category === 'opt_out' ? new Date(lastAt) : null,
          createdAt: startedAt,
        },
        { transaction },
      );
      const booking = script.booking ?? 'none';
      const conversation = await models.Conversation.create(
        {
          tenantId: tenant.id,
          contactId: contact.id,
          phoneNumberId: number.id,
          category: script.category,
          classificationConfidence: script.source === 'keyword' ? 1 : 0.86 + ((i * 13) % 13) / 100,
          classificationReason: script.reason,
          classificationSource: script.source,
          needsAttention: script.needsAttention,
          lastMessageAt: new Date(lastAt),
          bookingStatus: booking,
          bookingAttempts: booking === 'none' ? 0 : booking === 'failed' ? 3 : booking === 'retrying' ? 2 : 1,
          serviceTitanBookingId: booking === 'created' ? String(bookingId++) : null,
          serviceTitanBookingCreatedAt: booking === 'created' ? new Date(startedAt.getTime() + 60_000) : null,
          bookingLastError:
            booking === 'failed'
              ? 'ServiceTitan refused the booking: the booking provider tag 77 is inactive (400). Ask an admin to check the ServiceTitan settings.'
              : booking === 'retrying'
                ? 'ServiceTitan answered 503 Service Unavailable; retrying.'
                : null,
          createdAt: startedAt,
        },
        { transaction },
      );
      for (const [j, [direction, body]] of script.lines.entries()) {
        await models.Message.create(
          {
            tenantId: tenant.id,
            conversationId: conversation.id,
            direction,
            body,
            status: direction === 'inbound' ? 'received' : 'delivered',
            twilioSid: `SM${createHash('sha256').update(`demo-${i}-${j}`).digest('hex').slice(0, 32)}`,
            authorUserId: direction === 'outbound' && script.category !== 'opt_out' ? csrUser.id : null,
            createdAt: new Date(startedAt.getTime() + j * gapMs),
          },
          { transaction },
        );
      }
    }
    return tenant.id;
  });
  return result(tenantId, true);
}
