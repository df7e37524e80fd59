// The assistant's tools as OpenAI function-calling definitions (strict: every property required,
// null where optional, no other members). Their names are the contract between the prompt, the
// model and the executor; which of them a turn offers follows the assistant's `tools` switches.
export const toolNames = ['lookup_customer', 'job_status', 'check_availability', 'book_appointment', 'hand_off'] as const;
export type ToolName = (typeof toolNames)[number];

/** The assistant's switches (contract: tools {customerLookup, jobStatus, availability, booking}). */
export interface ToolSwitches {
  customerLookup: boolean;
  jobStatus: boolean;
  availability: boolean;
  booking: boolean;
}

export interface FunctionTool {
  type: 'function';
  function: { name: ToolName; description: string; strict: true; parameters: Record<string, unknown> };
}

const nullableString = (description: string) => ({ type: ['string', 'null'], description });
const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

const definitions: Record<ToolName, FunctionTool> = {
  lookup_customer: {
    type: 'function',
    function: {
      name: 'lookup_customer',
      description: "Whether the person texting is a customer, with their name and service addresses. Only for the number they text from.",
      strict: true,
      parameters: object({ phone: nullableString('Leave null: the number the customer texts from is used. Any other number is refused.') }),
    },
  },
  job_status: {
    type: 'function',
    function: {
      name: 'job_status',
      description: "The texting customer's upcoming appointment: arrival window, status, technician and a tracking link when there is one. There is no ETA.",
      strict: true,
      parameters: object({ phone: nullableString('Leave null: the number the customer texts from is used. Any other number is refused.') }),
    },
  },
  check_availability: {
    type: 'function',
    function: {
      name: 'check_availability',
      description: 'Open arrival windows for a visit in the next days, from the schedule. Offer only these.',
      strict: true,
      parameters: object({ days: { type: ['integer', 'null'], minimum: 1, maximum: 7, description: 'How many days ahead (default 3).' } }),
    },
  },
  book_appointment: {
    type: 'function',
    function: {
      name: 'book_appointment',
      description:
        'Books the window the customer chose (its windowStart from check_availability). A new customer needs their name and service address: ask for them first.',
      strict: true,
      parameters: object({
        windowStart: { type: 'string', description: 'windowStart of the chosen window, exactly as check_availability returned it.' },
        name: nullableString("New customer's full name"),
        street: nullableString('Service address: street and number'),
        city: nullableString('Service address: city'),
        state: nullableString('Service address: state'),
        zip: nullableString('Service address: ZIP code'),
        summary: nullableString('What the visit is for, in a few words'),
      }),
    },
  },
  hand_off: {
    type: 'function',
    function: {
      name: 'hand_off',
      description: 'Hands the conversation to a person: when the customer asks for one, complains, or you are unsure.',
      strict: true,
      parameters: object({ reason: { type: 'string', description: 'Why, in a few words' } }),
    },
  },
};

/** The tools a turn offers: the switched-on ServiceTitan tools (only while the integration is enabled), and always hand_off. */
export function offeredTools(switches: ToolSwitches, serviceTitanEnabled: boolean): FunctionTool[] {
  const names: ToolName[] = [];
  if (serviceTitanEnabled) {
    if (switches.customerLookup) names.push('lookup_customer');
    if (switches.jobStatus) names.push('job_status');
    if (switches.availability) names.push('check_availability');
    if (switches.booking) names.push('book_appointment');
  }
  names.push('hand_off');
  return names.map((n) => definitions[n]);
}

export function isToolName(name: string): name is ToolName {
  return (toolNames as readonly string[]).includes(name);
}
