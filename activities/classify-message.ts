import { ApplicationFailure } from '@temporalio/activity';
import { ClassifierError } from '../clients/openai/classifier.ts';
import type { ActivityDeps, ClassificationResult } from './types.ts';

/** Asks OpenAI to file one inbound message, with the few messages before it as context. */
export function classifyMessage({ db, classifier }: ActivityDeps) {
  return async (input: { conversationId: string; messageSid: string }): Promise<ClassificationResult> => {
    if (!classifier) throw ApplicationFailure.nonRetryable('No OpenAI API key is configured', 'ClassifierConfigError');
    const { models } = db;
    const message = await models.Message.findOne({ where: { twilioSid: input.messageSid } });
    if (!message) throw ApplicationFailure.nonRetryable(`Message ${input.messageSid} is not recorded`, 'ClassifierConfigError');
    const earlier = await models.Message.findAll({
      where: { conversationId: input.conversationId },
      order: [['createdAt', 'DESC']],
      limit: 6,
    });
    const conversation = await models.Conversation.findByPk(input.conversationId);
    const tenant = conversation ? await models.Tenant.findByPk(conversation.tenantId) : null;
    try {
      const result = await classifier.classify({
        body: message.body,
        recent: earlier
          .filter((m) => m.id !== message.id)
          .reverse()
          .map((m) => ({ direction: m.direction, body: m.body })),
        businessName: tenant?.name,
      });
      return { ...result, source: 'ai' };
    } catch (err) {
      if (err instanceof ClassifierError && !err.retryable) {
        throw ApplicationFailure.nonRetryable(err.message, 'ClassifierConfigError');
      }
      throw err;
    }
  };
}
