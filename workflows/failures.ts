import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The activity's own failure (an ActivityFailure carries it as its cause). */
function activityCause(err: unknown): unknown {
  return err instanceof ActivityFailure && err.cause ? err.cause : err;
}

export function isConfigError(err: unknown): boolean {
  const cause = activityCause(err);
  return cause instanceof ApplicationFailure && cause.type === 'ServiceTitanConfigError';
}

export function failureMessage(err: unknown): string {
  const cause = activityCause(err);
  return cause instanceof Error ? cause.message : String(cause);
}
