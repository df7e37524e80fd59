// One workflow per contacts import: the import activity does the rows (it resumes from its own committed
// progress, so Temporal's retries are safe); a failure that retries cannot fix is recorded on the import.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

const work = proxyActivities<Activities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 10, nonRetryableErrorTypes: ['ContactImportFileError'] },
});
const store = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: { initialInterval: '1s', maximumInterval: '30s' } });

export interface ContactImportInput {
  importId: string;
  tenantId: string;
}

export function contactImportWorkflowId(tenantId: string, importId: string): string {
  return `contact-import-${tenantId}-${importId}`;
}

export async function contactImportWorkflow({ importId }: ContactImportInput): Promise<void> {
  try {
    await work.importContacts({ importId });
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const failure = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : 'The import could not finish.';
    await store.markContactImportFailed({ importId, failure });
  }
}
