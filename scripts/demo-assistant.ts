// The demo tenant's AI receptionist and what the demo's ServiceTitan knows for it. The assistant answers
// the demo number in auto mode and books in job mode: picking a window creates the job and its
// appointment at (the fake) ServiceTitan and the reply names the job number, which is what an AI
// receptionist wired to ServiceTitan is for. It is made through the settings code (validation included),
// as an admin would make it in Settings → Assistants. The fake ServiceTitan forgets everything when it
// stops, so its customers, jobs, the dispatched appointment and the capacity are seeded on every start.
import { createTenantAssistant, updateTenantAssistant, type NewAssistantInput } from '../api/settings/assistants.ts';
import type { AssistantTools, BusinessHours } from '../contract/assistants.ts';
import type { Database } from '../db/connection.ts';
import { listAssistants } from '../db/repositories/assistants.ts';
import { formatPhoneForDisplay } from '../domain/phone.ts';
import { FakeServiceTitan, seedAssistantData, type AssistantSeed } from '../test/fakes/servicetitan/index.ts';

export const demoAssistantName = 'Riley';
/** Comfort Air is in Austin (the fake's seeded addresses): its hours and the windows' labels are Central time. */
export const demoTimeZone = 'America/Chicago';
/** The business unit, job type and campaign the fake's capacity and jobs use: the booking defaults the availability and job tools need. */
export const demoBookingDefaults = { businessUnitId: 11, jobTypeId: 21, campaignId: 31 } as const;

const weekday = { open: '07:00', close: '19:00' };
const businessHours: BusinessHours = { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: { open: '08:00', close: '14:00' }, sun: null };

const smsPrompt = [
  'You are Riley, the texting assistant of Comfort Air Heating & Plumbing, a family-owned HVAC and plumbing company in Austin, TX.',
  'We repair and maintain furnaces, heat pumps, air conditioners, water heaters and plumbing, and install new systems.',
  'Help customers book a visit: check availability and offer only the windows it returns, then book the one they pick.',
  'Existing customers are booked at the address we have on file; for a new customer ask for their name and service address first.',
  'When someone asks when their technician is coming, look up their appointment and give the arrival window and the tracking link, never a time you were not given.',
  'Maintenance (tune-ups) is $89 per system; repair visits have a $79 diagnostic fee that is waived if they go ahead with the repair. Do not quote repair or replacement prices: a technician or comfort advisor does that on site.',
  'If they smell gas or have a carbon monoxide alarm, tell them to leave the house and call 911 and the gas company, then hand off to a person.',
  'Hand off to a person for complaints, billing questions, estimates for new systems, or whenever they ask for one.',
  'Be warm and brief: one or two short sentences per text.',
].join('\n');

export const demoAssistantSettings = {
  name: demoAssistantName,
  mode: 'auto',
  firstSms: "Hi {firstName}! This is Riley, {business}'s automated assistant. I can book a visit or check on your appointment.",
  smsPrompt,
  sessionMinutes: 30,
  handoffMessage: 'Thanks! Someone from our team will text you back shortly.',
  bookingMode: 'job',
  timeZone: demoTimeZone,
  businessHours,
  // After hours it still answers and books (the windows are the next days'): the demo works at any hour.
  afterHours: 'answer',
  afterHoursMessage: '',
  replyCap: 10,
} satisfies NewAssistantInput;

const allTools: AssistantTools = { customerLookup: true, jobStatus: true, availability: true, booking: true };
const noTools: AssistantTools = { customerLookup: false, jobStatus: false, availability: false, booking: false };

/**
 * Makes the demo assistant on the number unless the tenant already has it (by name) or the number has an
 * assistant (an admin's own): an admin's changes are never undone. `enabled` is false while the demo's
 * conversations from before the assistant are still to be sent (enableDemoAssistant turns it on after them).
 */
export async function ensureDemoAssistant(
  db: Database,
  tenantId: string,
  input: { phoneNumberId: string; enabled: boolean; serviceTitan: boolean },
): Promise<void> {
  const assistants = await listAssistants(db, tenantId);
  if (assistants.some((a) => a.name === demoAssistantName || a.phoneNumberIds.includes(input.phoneNumberId))) return;
  await createTenantAssistant(db, tenantId, {
    ...demoAssistantSettings,
    enabled: input.enabled,
    // The ServiceTitan tools need the integration (the settings refuse them without it).
    tools: input.serviceTitan ? allTools : noTools,
    phoneNumberIds: [input.phoneNumberId],
  });
}

/** Turns the demo assistant on (the moment in the story the business switched it on); true when it is on. */
export async function enableDemoAssistant(db: Database, tenantId: string): Promise<boolean> {
  const demo = (await listAssistants(db, tenantId)).find((a) => a.name === demoAssistantName);
  if (!demo) return false;
  if (!demo.enabled) await updateTenantAssistant(db, tenantId, demo.id, { enabled: true });
  return true;
}

export interface DemoServiceTitanCustomers {
  /** A customer whose technician is on the way today (an appointment with an arrival window, Mike, a tracking link). */
  withVisit: { phone: string; name: string };
  /** A returning customer with a finished job and a service address on file, nothing scheduled. */
  returning: { phone: string; name: string };
}

const demoOpenAvailability = 12;
const seeded = new WeakMap<FakeServiceTitan, AssistantSeed>();

/**
 * Gives the fake ServiceTitan the demo's customers, jobs, the dispatched appointment and two weeks of
 * capacity, once per fake (a fake is seeded again only when it is a new one: a new start). Null when the
 * ServiceTitan in use is not the in-process fake.
 */
export function seedDemoServiceTitan(fake: unknown, serviceTitanTenantId: string, customers: DemoServiceTitanCustomers): AssistantSeed | null {
  if (!(fake instanceof FakeServiceTitan)) return null;
  const already = seeded.get(fake);
  if (already) return already;
  const seed: AssistantSeed = seedAssistantData(fake, {
    tenantId: serviceTitanTenantId,
    timeZone: demoTimeZone,
    businessUnitId: demoBookingDefaults.businessUnitId,
    jobTypeId: demoBookingDefaults.jobTypeId,
    // Windows for as long as a demo is likely to keep running; the assistant offers the next three days'.
    days: 14,
    existingCustomerPhone: formatPhoneForDisplay(customers.withVisit.phone),
    existingCustomerName: customers.withVisit.name,
    otherCustomerPhone: formatPhoneForDisplay(customers.returning.phone),
    otherCustomerName: customers.returning.name,
  });
  // A shop with a few crews: room for several jobs per open window (a job takes 2), so the demo can be
  // played many times over before the next days fill up. Closed windows stay closed.
  for (const slot of seed.state.capacity) {
    if (slot.tenantId === serviceTitanTenantId && slot.openAvailability > 0) slot.openAvailability = demoOpenAvailability;
  }
  seeded.set(fake, seed);
  return seed;
}
