// Pulls the text out of a Chat Completions `messages` array or a Responses `input`, which both
// allow either a plain string or a list of typed content parts.
export type OpenAIEndpoint = 'chat.completions' | 'responses';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .filter((part) => part.type === 'text' || part.type === 'input_text' || part.type === 'output_text')
    .map((part) => String(part.text ?? ''))
    .join('\n');
}

function turns(body: Json, endpoint: OpenAIEndpoint): Array<{ role: string; text: string }> {
  if (endpoint === 'chat.completions') {
    const messages = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
    return messages.map((m) => ({ role: String(m.role ?? ''), text: contentText(m.content) }));
  }
  if (typeof body.input === 'string') return [{ role: 'user', text: body.input }];
  const items = Array.isArray(body.input) ? body.input.filter(isObject) : [];
  return items
    .filter((item) => item.type === undefined || item.type === 'message')
    .map((item) => ({ role: String(item.role ?? 'user'), text: contentText(item.content) }));
}

export function lastUserText(body: Json, endpoint: OpenAIEndpoint): string {
  return turns(body, endpoint).filter((t) => t.role === 'user').at(-1)?.text ?? '';
}

export function allPromptText(body: Json, endpoint: OpenAIEndpoint): string {
  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  return [instructions, ...turns(body, endpoint).map((t) => t.text)].join('\n');
}
