import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the calling thread's scheduling priority by `niceness` (Linux: setpriority on the thread id
 * changes that thread only). Returns the new niceness, or null where threads cannot be told apart.
 */
export function lowerThisThreadPriority(niceness: number): number | null {
  let threadId: number;
  try {
    // "<pid>/task/<tid>"
    threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
  if (!Number.isInteger(threadId) || threadId <= 0) return null;
  const next = Math.min(19, getPriority(threadId) + niceness);
  setPriority(threadId, next);
  return getPriority(threadId);
}
