// The assistant's activity factories: a model failure is a retryable ApplicationFailure unless it is a
// request error; no model configured is non-retryable; a tool call returns the executor's outcome.
import { ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { callAssistantModel } from './assistant-model-call.ts';
import { runAssistantTool } from './assistant-tool-call.ts';
import { createToolExecutor } from '../assistant/tools/tool-executor.ts';

const failing = (status?: number) => ({
  call: async () => {
    throw Object.assign(new Error('boom'), status === undefined ? {} : { status });
  },
});

describe('callAssistantModel', () => {
  it.each([
    [503, false],
    [429, false],
    [undefined, false],
    [400, true],
  ])('status %s → nonRetryable %s', async (status, nonRetryable) => {
    const error = await callAssistantModel({ assistantModel: failing(status) })({ messages: [], tools: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(nonRetryable);
  });

  it('without a model it fails for good', async () => {
    const error = await callAssistantModel({ assistantModel: null })({ messages: [], tools: [] }).catch((e: unknown) => e);
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
  });
});

describe('runAssistantTool', () => {
  it('hands over when ServiceTitan is not enabled, and refuses another number before that', async () => {
    const run = runAssistantTool({ toolExecutorFor: async () => createToolExecutor({ serviceTitan: null, applicationGuid: 'g' }) });
    const context = {
      customerPhone: '+15125550101',
      switches: { customerLookup: true, jobStatus: true, availability: true, booking: true },
      bookingMode: 'job' as const,
      defaults: { businessUnitId: 1, jobTypeId: 2, campaignId: 3, priority: 'Normal' },
      timeZone: 'America/Chicago',
      bookingKey: 'k',
      dryRun: false,
    };
    const mine = await run({ tenantId: 't', conversationId: 'c', call: { id: 'call_1', name: 'lookup_customer', arguments: '{"phone":null}' }, context });
    expect(mine).toMatchObject({ kind: 'handoff', reason: expect.stringContaining('not enabled') });
    const other = await run({ tenantId: 't', conversationId: 'c', call: { id: 'call_2', name: 'lookup_customer', arguments: '{"phone":"+1 512 555 0199"}' }, context });
    expect(other).toMatchObject({ kind: 'data', data: { refused: true } });
  });
});
