// The workflow bundle's entry point: every workflow the worker runs.
export { conversationWorkflow } from './conversation.ts';
export { contactImportWorkflow } from './contact-import.ts';
export { campaignWorkflow } from './campaign.ts';
