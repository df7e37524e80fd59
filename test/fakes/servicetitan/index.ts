// The fake ServiceTitan's public surface for tests, benchmarks and the demo.
export { FakeServiceTitan, startFakeServiceTitan, type CustomerBookingFailure, type FakeServiceTitanOptions } from './fake-servicetitan.ts';
export { FaultInjector, type FaultKind, type FaultScope, type FaultSettings } from './faults.ts';
export { demoServiceTitanTenant } from './demo-tenant.ts';
export { serviceTitanSchemas } from './openapi-schemas.ts';
export {
  defaultScopes,
  type FakeBookingResponse,
  type FakeCustomer,
  type FakeCustomerInit,
  type FakeTenant,
  type FakeTenantInit,
  type LoggedRequest,
  type StoredBooking,
} from './fake-state.ts';
export { assistantStateOf, FakeAssistantState, type AssistantOperation, type FakeCreateRecord } from './assistant-state.ts';
export { seedAssistantData, type AssistantSeed, type AssistantSeedOptions } from './assistant-seed.ts';
export { jpmDispatchSchemas } from './jpm-dispatch-schemas.ts';
