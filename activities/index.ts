// The activity factory: every side effect of the conversation workflow, bound to its dependencies.
import { callAssistantModel } from './assistant-model-call.ts';
import { runAssistantTool } from './assistant-tool-call.ts';
import { assistantToolExecutorFor } from './assistant-tools.ts';
import { prepareAssistantTurn, recordAssistantTurn } from './assistant-turns.ts';
import { addCampaignRecipientPage, beginCampaign, campaignSendPlan, dueCampaignRecipients, finishCampaign, markCampaignSending } from './campaign-run.ts';
import { classifyMessage } from './classify-message.ts';
import { conversationLifecycle, resolveIfIdle } from './conversation-lifecycle.ts';
import { createServiceTitanBooking } from './create-servicetitan-booking.ts';
import { fileInboundMessage } from './file-inbound-message.ts';
import { recordHelpReply } from './help-reply.ts';
import { importContacts, markContactImportFailed } from './import-contacts.ts';
import { loadInbound } from './load-inbound.ts';
import { recordBookingEnded, recordOutboundFailure, recordProblem } from './record-failures.ts';
import { campaignSends } from './send-campaign-message.ts';
import { sendOutboundMessage } from './send-outbound-message.ts';
import type { ActivityDeps } from './types.ts';
import { updateServiceTitanBookingRequest } from './update-servicetitan-booking-request.ts';

export type { ActivityDeps, BookingOutcome, ClassificationResult } from './types.ts';
export type { Lifecycle } from './conversation-lifecycle.ts';
export type { CampaignBatchOutcome, CampaignSendOutcome } from './send-campaign-message.ts';
export type { CampaignSendPlan } from './campaign-run.ts';
export type { AssistantTurnPlan, RecordedTurnResult } from './assistant-turns.ts';
export type { BookingRequestUpdate } from './update-servicetitan-booking-request.ts';

export function createActivities(deps: ActivityDeps) {
  const sends = campaignSends(deps);
  return {
    loadInbound: loadInbound(deps),
    classifyMessage: classifyMessage(deps),
    fileInboundMessage: fileInboundMessage(deps),
    recordHelpReply: recordHelpReply(deps),
    sendOutboundMessage: sendOutboundMessage(deps),
    recordOutboundFailure: recordOutboundFailure(deps),
    createServiceTitanBooking: createServiceTitanBooking(deps),
    recordBookingEnded: recordBookingEnded(deps),
    recordProblem: recordProblem(deps),
    conversationLifecycle: conversationLifecycle(deps),
    resolveIfIdle: resolveIfIdle(deps),
    prepareAssistantTurn: prepareAssistantTurn(deps),
    callAssistantModel: callAssistantModel({ assistantModel: deps.assistantModel ?? null }),
    runAssistantTool: runAssistantTool({ toolExecutorFor: assistantToolExecutorFor(deps) }),
    updateServiceTitanBookingRequest: updateServiceTitanBookingRequest(deps),
    recordAssistantTurn: recordAssistantTurn(deps),
    importContacts: importContacts(deps),
    markContactImportFailed: markContactImportFailed(deps),
    beginCampaign: beginCampaign(deps),
    markCampaignSending: markCampaignSending(deps),
    addCampaignRecipientPage: addCampaignRecipientPage(deps),
    campaignSendPlan: campaignSendPlan(deps),
    dueCampaignRecipients: dueCampaignRecipients(deps),
    sendCampaignMessage: sends.one,
    sendCampaignMessages: sends.batch,
    finishCampaign: finishCampaign(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
