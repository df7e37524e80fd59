// The assistant the tests and the benchmark put on a number: "Riley", auto mode, every tool on, booking
// requests, always open (no business hours), so a message is answered whatever the time a run happens at.
import type { AssistantFields } from '../../db/repositories/assistants.ts';

export const testHandoffMessage = 'Thanks! A team member will text you back shortly.';

export function testAssistantFields(overrides: Partial<AssistantFields> = {}): AssistantFields {
  return {
    name: 'Riley',
    enabled: true,
    mode: 'auto',
    firstSms: 'Hi {firstName}! This is Riley at {business}.',
    smsPrompt: 'You book HVAC maintenance and repair visits and answer questions about appointments.',
    sessionMinutes: 30,
    handoffMessage: testHandoffMessage,
    tools: { customerLookup: true, jobStatus: true, availability: true, booking: true },
    bookingMode: 'request',
    timeZone: 'America/Chicago',
    businessHours: null,
    afterHours: 'answer',
    afterHoursMessage: '',
    replyCap: 10,
    ...overrides,
  };
}
