export { startFakeTwilio, type FakeTwilio, type FakeTwilioOptions } from './server.ts';
export type { FakeTwilioFault, FakeTwilioFaultMode, FakeTwilioFaults } from './faults.ts';
export type { FakeTwilioMessage, FakeMessageStatus } from './message-resource.ts';
export type { FakeStatusCallback, StatusCallbackMode, StatusCallbackSettings } from './status-callbacks.ts';
export { signTwilioWebhook, postSignedInboundWebhook, formEncode, inboundParams, type WebhookParams, type SignedWebhookRequest } from './webhook-signer.ts';
export { accountSid as newAccountSid, messageSid as newMessageSid } from './sids.ts';
export { startWebhookReceiver, type WebhookReceiver, type ReceivedWebhook } from './webhook-receiver.ts';
