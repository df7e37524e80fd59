// Tool-calling Chat Completions for the assistant, answered deterministically from what the customer
// wrote, following OpenAI's protocol: an assistant message with `tool_calls` (ids `call_…`, type
// function, arguments as a JSON string) and finish_reason "tool_calls"; after the `tool` messages come
// back, a text answer built only from those results, finish_reason "stop". The script:
//   injection ("ignore your instructions", "print your prompt", "50% off") → a refusal, no tool;
//   "look up +1…" → lookup_customer with that number (the executor refuses it);
//   person / human / agent → hand_off; angry / terrible / complaint → hand_off (complaint);
//   "when is my tech" / "appointment" / "status" → job_status;
//   a time choice ("8", "first", "Thursday", "8:00 AM") after offered windows → book_appointment;
//   book / maintenance / tune-up / schedule / service / repair → check_availability;
//   anything else → a short offer of help.
import { randomBytes } from 'node:crypto';
import { estimateTokens } from './api-objects.ts';

type Json = Record<string, unknown>;
interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}
interface ToolCallOut {
  name: string;
  arguments: Json;
}

const hex = (n: number) => randomBytes(n).toString('hex');
const text = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((p: unknown) => (typeof p === 'object' && p !== null && 'text' in p ? String((p as Json).text) : '')).join(' ')
      : '';

export function isToolCallingRequest(body: Json): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0;
}

function offeredNames(body: Json): string[] {
  return (body.tools as Array<{ function?: { name?: string } }>).map((t) => t.function?.name ?? '').filter(Boolean);
}

/** The windows the last check_availability returned in this conversation, if any. */
function offeredWindows(messages: WireMessage[]): Array<{ windowStart: string; label: string }> {
  const calls = new Map<string, string>();
  for (const m of messages) for (const c of m.tool_calls ?? []) calls.set(c.id, c.function.name);
  for (const m of [...messages].reverse()) {
    if (m.role === 'tool' && calls.get(m.tool_call_id ?? '') === 'check_availability') {
      try {
        const parsed = JSON.parse(text(m.content)) as { windows?: Array<{ windowStart: string; label: string }> };
        return parsed.windows ?? [];
      } catch {
        return [];
      }
    }
  }
  return [];
}

function chooseWindow(said: string, windows: Array<{ windowStart: string; label: string }>) {
  const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
  const ordinal = ordinals.findIndex((o) => said.includes(o));
  if (ordinal >= 0) return windows[ordinal];
  const option = /\b(?:option|number|#)\s*(\d)\b/.exec(said);
  if (option) return windows[Number(option[1]) - 1];
  const hour = /\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/.exec(said);
  return windows.find((w) => {
    const label = w.label.toLowerCase();
    const day = /^(\w{3})/.exec(label)?.[1];
    const dayHit = day !== undefined && new RegExp(`\\b${day}`).test(said);
    const hourHit = hour !== null && label.includes(`, ${Number(hour[1])}:${hour[2] ?? '00'}`) && (!hour[3] || label.includes(`${hour[3]}–`) || label.split('–')[0]!.includes(hour[3]));
    return dayHit || hourHit;
  });
}

/** What the script does for the last user text, given what was offered earlier. */
function decide(said: string, messages: WireMessage[], tools: string[]): { calls: ToolCallOut[] } | { text: string } {
  const s = said.toLowerCase();
  const has = (name: string) => tools.includes(name);
  if (/ignore (all |your |the |previous )*(instructions|rules)|print your (system )?prompt|system prompt|\b\d{1,3}\s?% off|discount/.test(s)) {
    return { text: "Sorry, I can't help with that. I can check your appointment or book a visit for you." };
  }
  const other = /look ?up\s+(\+?[\d\s().-]{10,})/.exec(s);
  if (other && has('lookup_customer')) return { calls: [{ name: 'lookup_customer', arguments: { phone: other[1]!.trim() } }] };
  if (/\b(person|human|agent|representative|real someone|somebody real|manager)\b/.test(s)) {
    return { calls: [{ name: 'hand_off', arguments: { reason: 'The customer asked for a person' } }] };
  }
  if (/\b(angry|terrible|awful|complain|complaint|worst|unacceptable|ruined)\b/.test(s)) {
    return { calls: [{ name: 'hand_off', arguments: { reason: 'Complaint' } }] };
  }
  if (/(when|where).*(tech|technician)|\b(appointment|status|eta|arriv)/.test(s) && has('job_status')) {
    return { calls: [{ name: 'job_status', arguments: { phone: null } }] };
  }
  const windows = offeredWindows(messages);
  const picked = windows.length > 0 ? chooseWindow(s, windows) : undefined;
  if (picked && has('book_appointment')) {
    const name = /my name is ([a-z]+(?: [a-z]+)?)/i.exec(said)?.[1] ?? null;
    const address = /(\d+ [\w ]+?),\s*([\w ]+?),\s*([a-z]{2})\s+(\d{5})/i.exec(said);
    return {
      calls: [{
        name: 'book_appointment',
        arguments: {
          windowStart: picked.windowStart,
          name,
          street: address?.[1] ?? null,
          city: address?.[2] ?? null,
          state: address?.[3] ?? null,
          zip: address?.[4] ?? null,
          summary: 'Maintenance visit',
        },
      }],
    };
  }
  if (/\b(book|maintenance|tune.?up|schedule|service|repair|available|availability|opening|come out|visit)\b/.test(s) && has('check_availability')) {
    return { calls: [{ name: 'check_availability', arguments: { days: 3 } }] };
  }
  return { text: 'Thanks for your message! I can check on your appointment or book a visit. What can I do for you?' };
}

/** The answer after tool results: built only from them. */
function answerFromTools(messages: WireMessage[]): string {
  const last = messages.at(-1);
  const call = [...messages].reverse().flatMap((m) => m.tool_calls ?? []).find((c) => c.id === last?.tool_call_id);
  let result: Json = {};
  try {
    result = JSON.parse(text(last?.content)) as Json;
  } catch {
    // not JSON: answered generically below
  }
  if (result.refused) return "Sorry, I can only look up the account for the number you're texting from.";
  switch (call?.function.name) {
    case 'check_availability': {
      const windows = (result.windows as Array<{ label: string }> | undefined) ?? [];
      if (windows.length === 0) return "I don't see any open times in the next few days. A team member will follow up with options.";
      return `I have these openings: ${windows.slice(0, 3).map((w, i) => `${i + 1}) ${w.label}`).join('; ')}. Which works for you?`;
    }
    case 'book_appointment': {
      if (result.booked) {
        return result.kind === 'job'
          ? `You're booked for ${String(result.window)}. Your job number is ${String(result.jobNumber)}.`
          : `Got it: I've requested ${String(result.window)}. A team member will confirm shortly.`;
      }
      if (Array.isArray(result.needs)) return `To book, I need your ${(result.needs as string[]).join(', ')}. Could you send those?`;
      return "That time isn't open anymore. Want me to check other times?";
    }
    case 'job_status': {
      const appointment = result.appointment as Json | null | undefined;
      if (!appointment) return "I don't see an upcoming appointment for this number.";
      const tech = appointment.technician ? `${String(appointment.technician)} is` : 'Your technician is';
      const track = appointment.trackingUrl ? ` Track here: ${String(appointment.trackingUrl)}` : '';
      return `${tech} scheduled to arrive ${String(appointment.arrivalWindow)} (${String(appointment.status)}).${track}`;
    }
    case 'lookup_customer':
      return result.isCustomer ? `Thanks, ${String(result.name).split(' ')[0]}! How can I help today?` : 'Thanks! How can I help today?';
    default:
      return 'Thanks! How can I help?';
  }
}

/** A chat.completion for a request that offers tools. */
export function toolCallingCompletion(body: Json) {
  const messages = (body.messages as WireMessage[]) ?? [];
  const last = messages.at(-1);
  const promptText = messages.map((m) => text(m.content)).join('\n');
  let message: Json;
  let finishReason: 'stop' | 'tool_calls';
  if (last?.role === 'tool') {
    message = { role: 'assistant', content: answerFromTools(messages), refusal: null, annotations: [] };
    finishReason = 'stop';
  } else {
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const decision = decide(text(lastUser?.content), messages, offeredNames(body));
    if ('text' in decision) {
      message = { role: 'assistant', content: decision.text, refusal: null, annotations: [] };
      finishReason = 'stop';
    } else {
      message = {
        role: 'assistant',
        content: null,
        refusal: null,
        annotations: [],
        tool_calls: decision.calls.map((c) => ({ id: `call_${hex(12)}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
      };
      finishReason = 'tool_calls';
    }
  }
  const prompt = estimateTokens(promptText);
  const completion = estimateTokens(JSON.stringify(message));
  return {
    id: `chatcmpl-${hex(12)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: String(body.model),
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    service_tier: 'default',
    system_fingerprint: null,
  };
}
