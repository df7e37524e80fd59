// Structured outputs as OpenAI enforces them: find the schema a request asked for (Chat Completions
// `response_format` or Responses `text.format`), reject schemas strict mode would reject, and make
// an answer that provably satisfies the schema (checked with Ajv, so the fake can't lie).
import { Ajv, type ValidateFunction } from 'ajv';

export interface RequestedSchema {
  name: string;
  strict: boolean;
  schema: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `json_schema` format of either API, or null for plain text / json_object. */
export function requestedSchema(body: Json): RequestedSchema | null {
  const chat = isObject(body.response_format) ? body.response_format : null;
  if (chat?.type === 'json_schema' && isObject(chat.json_schema)) {
    const js = chat.json_schema;
    return { name: String(js.name ?? ''), strict: js.strict === true, schema: isObject(js.schema) ? js.schema : {} };
  }
  const text = isObject(body.text) && isObject(body.text.format) ? body.text.format : null;
  if (text?.type === 'json_schema') {
    return { name: String(text.name ?? ''), strict: text.strict === true, schema: isObject(text.schema) ? text.schema : {} };
  }
  return null;
}

/** Keywords strict mode refuses (the list the official SDK strips before sending). */
const unsupportedInStrictMode = new Set([
  'allOf', 'not', 'if', 'then', 'else', 'oneOf', 'dependentRequired', 'dependentSchemas', 'dependencies',
  'patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'unevaluatedItems',
  'unevaluatedProperties', 'prefixItems', 'contains', 'minContains', 'maxContains', 'uniqueItems',
  'contentEncoding', 'contentMediaType', 'contentSchema',
]);

/** OpenAI's wording: "Invalid schema for response_format 'x': In context=(...), ...". Null when fine. */
export function strictSchemaProblem(requested: RequestedSchema): string | null {
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(requested.name)) return `Invalid 'name': '${requested.name}'. Expected a string matching ^[a-zA-Z0-9_-]{1,64}$.`;
  if (!requested.strict) return null;
  const problem = walk(requested.schema, []);
  return problem ? `Invalid schema for response_format '${requested.name}': ${problem}` : null;
}

function walk(schema: unknown, context: string[]): string | null {
  if (!isObject(schema)) return null;
  const where = `In context=(${context.map((c) => `'${c}'`).join(', ')})`;
  for (const key of Object.keys(schema)) {
    if (unsupportedInStrictMode.has(key)) return `${where}, '${key}' is not permitted.`;
  }
  if (schema.type === 'object' || isObject(schema.properties)) {
    if (schema.additionalProperties !== false) {
      return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties).find((p) => !required.includes(p));
    if (missing) return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    for (const [name, sub] of Object.entries(properties)) {
      const p = walk(sub, [...context, 'properties', name]);
      if (p) return p;
    }
  }
  if (schema.items !== undefined) return walk(schema.items, [...context, 'items']);
  for (const key of ['anyOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      for (const [i, sub] of list.entries()) {
        const p = walk(sub, [...context, key, String(i)]);
        if (p) return p;
      }
    }
  }
  for (const key of ['$defs', 'definitions'] as const) {
    const defs = schema[key];
    if (isObject(defs)) {
      for (const [name, sub] of Object.entries(defs)) {
        const p = walk(sub, [...context, key, name]);
        if (p) return p;
      }
    }
  }
  return null;
}

/** A minimal value of the schema's shape, for properties the fake has no opinion about. */
export function minimalInstance(schema: unknown): unknown {
  if (!isObject(schema)) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.anyOf)) return minimalInstance(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Json = {};
      const properties = isObject(schema.properties) ? schema.properties : {};
      for (const [k, v] of Object.entries(properties)) out[k] = minimalInstance(v);
      return out;
    }
    case 'array':
      return [];
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new WeakMap<object, ValidateFunction>();

/** Ajv's error text when `value` breaks the schema, else null. */
export function schemaViolation(schema: Json, value: unknown): string | null {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) ? null : ajv.errorsText(validate.errors);
}

/** True when the schema looks like a classification: an object whose `category` is an enum. */
export function categoryEnum(schema: Json): string[] | null {
  const props = isObject(schema.properties) ? schema.properties : null;
  const category = props && isObject(props.category) ? props.category : null;
  return category && Array.isArray(category.enum) ? category.enum.map(String) : null;
}
