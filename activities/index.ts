// The activity factory: every side effect of the conversation workflow, bound to its dependencies.
import { applyClassification } from './apply-classification.ts';
import { addCampaignRecipientPage, beginCampaign, dueCampaignRecipients, finishCampaign, markCampaignSending } from './campaign-run.ts';
import { classifyMessage } from './classify-message.ts';
import { createServiceTitanBooking } from './create-servicetitan-booking.ts';
import { fileInboundMessage } from './file-inbound-message.ts';
import { recordHelpReply } from './help-reply.ts';
import { importContacts, markContactImportFailed } from './import-contacts.ts';
import { recordBookingGaveUp, recordOutboundFailure } from './record-failures.ts';
import { recordInboundMessage } from './record-inbound-message.ts';
import { sendCampaignMessage } from './send-campaign-message.ts';
import { sendOutboundMessage } from './send-outbound-message.ts';
import type { ActivityDeps } from './types.ts';

export type { ActivityDeps, BookingOutcome, ClassificationResult } from './types.ts';
export type { FiledInbound, FirstBookingTry } from './file-inbound-message.ts';
export type { CampaignSendOutcome } from './send-campaign-message.ts';
export type { DueCampaignRecipients } from './campaign-run.ts';

export function createActivities(deps: ActivityDeps) {
  return {
    fileInboundMessage: fileInboundMessage(deps),
    recordInboundMessage: recordInboundMessage(deps),
    classifyMessage: classifyMessage(deps),
    applyClassification: applyClassification(deps),
    createServiceTitanBooking: createServiceTitanBooking(deps),
    recordBookingGaveUp: recordBookingGaveUp(deps),
    recordHelpReply: recordHelpReply(deps),
    sendOutboundMessage: sendOutboundMessage(deps),
    recordOutboundFailure: recordOutboundFailure(deps),
    importContacts: importContacts(deps),
    markContactImportFailed: markContactImportFailed(deps),
    beginCampaign: beginCampaign(deps),
    markCampaignSending: markCampaignSending(deps),
    addCampaignRecipientPage: addCampaignRecipientPage(deps),
    dueCampaignRecipients: dueCampaignRecipients(deps),
    sendCampaignMessage: sendCampaignMessage(deps),
    finishCampaign: finishCampaign(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
