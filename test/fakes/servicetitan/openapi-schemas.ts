// Validators compiled from ServiceTitan's own OpenAPI document (a copy of the one in
// /work/shared/servicetitan), so the fake rejects exactly what the schema rejects.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FieldErrors } from './reply.ts';

const documentUrl = new URL('./crm-v2-bookings-customers.openapi.json', import.meta.url);

interface OpenApiDocument {
  components: { schemas: Record<string, unknown> };
}

function compileAll() {
  const document = JSON.parse(readFileSync(documentUrl, 'utf8')) as OpenApiDocument;
  // strict: false because OpenAPI adds annotations (x-enumNames, example) JSON Schema does not know.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // .NET number formats and guid: annotations only, as in ServiceTitan's own model binding.
  for (const format of ['int32', 'int64', 'decimal', 'double', 'float']) ajv.addFormat(format, true);
  ajv.addFormat('guid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  // The document's $refs are `#/components/schemas/…`: register it whole under an id and point into it.
  ajv.addSchema({ $id: 'servicetitan-crm-v2', components: document.components });
  const schema = (name: string): ValidateFunction =>
    ajv.compile({ $ref: `servicetitan-crm-v2#/components/schemas/${name}` });
  return {
    createBookingRequest: schema('Crm.V2.CreateBookingRequest'),
    updateBookingRequest: schema('Crm.V2.UpdateBookingRequest'),
    bookingResponse: schema('Crm.V2.BookingResponse'),
    bookingPage: schema('PaginatedResponse_Of_Crm.V2.BookingResponse'),
    bookingProviderTagPage: schema('PaginatedResponse_Of_Crm.V2.GetBookingProviderTagResponse'),
    customerPage: schema('PaginatedResponse_Of_Crm.V2.Customers.CustomerResponse'),
    apiErrorResponse: schema('ApiErrorResponse'),
  };
}

export type ServiceTitanSchemas = ReturnType<typeof compileAll>;
let compiled: ServiceTitanSchemas | undefined;

/** Compiled once per process: ajv compilation is the slow part of starting a fake. */
export function serviceTitanSchemas(): ServiceTitanSchemas {
  compiled ??= compileAll();
  return compiled;
}

/** `/contacts/0/type` → `contacts[0].type`, the way ASP.NET names fields in its errors. */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (child) parts.push(child);
  return parts.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** ajv errors → the RFC 7807 `errors` map: one entry per field, messages ServiceTitan-like. */
export function fieldErrorsFrom(errors: ErrorObject[] | null | undefined): FieldErrors {
  const out: FieldErrors = {};
  const add = (field: string, message: string) => {
    const key = field || '$';
    const list = (out[key] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const e of errors ?? []) {
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
      add(fieldName(e.instancePath, missing), `The ${missing} field is required.`);
    } else if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      add(fieldName(e.instancePath, extra), `Could not find member '${extra}' on the request object.`);
    } else if (e.keyword === 'oneOf' || e.keyword === 'if') {
      // The branch errors say what was wrong; the oneOf summary adds nothing.
    } else {
      add(fieldName(e.instancePath), `The value is not valid: ${e.message ?? e.keyword}.`);
    }
  }
  return out;
}
