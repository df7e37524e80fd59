// Validators compiled from ServiceTitan's JPM / dispatch / settings / CRM-locations OpenAPI document
// (a copy of /work/shared/servicetitan/jpm-dispatch-v2.openapi.json), the same way openapi-schemas.ts
// compiles the bookings document: the fake rejects exactly what the schema rejects.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const documentUrl = new URL('./jpm-dispatch-v2.openapi.json', import.meta.url);

function compileAll() {
  const document = JSON.parse(readFileSync(documentUrl, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  for (const format of ['int32', 'int64', 'decimal', 'double', 'float']) ajv.addFormat(format, true);
  ajv.addFormat('guid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  // Free text as ServiceTitan's UI edits it (a job summary's HTML, multi-line notes): any string. Declared
  // so Ajv does not warn about them on the console (npm start's terminal shows only its own lines).
  for (const format of ['html', 'multiline']) ajv.addFormat(format, true);
  ajv.addSchema({ $id: 'servicetitan-jpm-dispatch-v2', components: document.components });
  const schema = (name: string): ValidateFunction => ajv.compile({ $ref: `servicetitan-jpm-dispatch-v2#/components/schemas/${name}` });
  return {
    jobCreateRequest: schema('Jpm.V2.JobCreateRequest'),
    jobResponse: schema('Jpm.V2.JobResponse'),
    jobPage: schema('PaginatedResponse_Of_Jpm.V2.JobResponse'),
    appointmentPage: schema('PaginatedResponse_Of_Jpm.V2.AppointmentResponse'),
    capacityRequest: schema('Dispatch.V2.CapacityRequestArgs'),
    capacityResponse: schema('Dispatch.V2.CapacityResponse'),
    assignmentPage: schema('PaginatedResponse_Of_Dispatch.V2.AppointmentAssignmentResponse'),
    trackingResponse: schema('Dispatch.V2.TechnicianTrackingResponse'),
    locationPage: schema('PaginatedResponse_Of_Crm.V2.Locations.LocationResponse'),
    createCustomerRequest: schema('Crm.V2.Customers.CreateCustomerRequest'),
    createdCustomerResponse: schema('Crm.V2.Customers.CreatedCustomerResponse'),
  };
}

export type JpmDispatchSchemas = ReturnType<typeof compileAll>;
let compiled: JpmDispatchSchemas | undefined;

export function jpmDispatchSchemas(): JpmDispatchSchemas {
  compiled ??= compileAll();
  return compiled;
}
