// The assistants API's wire types (contract/assistants.ts), for the Settings → Assistants page.
export type { AssistantView, SandboxAnswer, SandboxTraceEntry, Weekday, BusinessHours } from '../../../../contract/assistants.ts';
export { weekdays, assistantModes, bookingModes, afterHoursChoices } from '../../../../contract/assistants.ts';
