// Search-attribute changes made within one activation go out as one upsert: every upsert is a history
// event and a visibility write, and a filing usually changes two at once (the category, and the booking
// going `pending`). The flush is a microtask, so it runs before the activation completes.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';

export function batchedSearchAttributes(): (pair: SearchAttributeUpdatePair) => void {
  const pending = new Map<string, SearchAttributeUpdatePair>();
  const flush = () => {
    upsertSearchAttributes([...pending.values()]);
    pending.clear();
  };
  return (pair) => {
    if (pending.size === 0) void Promise.resolve().then(flush);
    pending.set(pair.key.name, pair);
  };
}
