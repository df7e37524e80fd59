// The tenant's live feed (`GET /api/events`). EventSource reconnects by itself after a drop.

export interface ConversationUpdated {
  id: string;
}

/**
 * Calls `onUpdated` for each `conversation.updated` event, and `onResync` when events may have been
 * missed: when the server says so, after a reconnect, and when the feed first opens (an update committed
 * between the page's load and the connection would otherwise never show). Returns the unsubscribe function.
 */
export function subscribeToConversationEvents(
  onUpdated: (event: ConversationUpdated) => void,
  onResync: () => void,
): () => void {
  const source = new EventSource('/api/events');
  const onOpen = () => onResync();
  const listener = (message: MessageEvent<string>) => {
    try {
      const data: unknown = JSON.parse(message.data);
      if (data && typeof data === 'object' && typeof (data as { id?: unknown }).id === 'string') {
        onUpdated({ id: (data as { id: string }).id });
      }
    } catch {
      // A malformed event is not worth breaking the page for.
    }
  };
  source.addEventListener('conversation.updated', listener);
  source.addEventListener('resync', onResync);
  source.addEventListener('open', onOpen);
  return () => {
    source.removeEventListener('conversation.updated', listener);
    source.removeEventListener('resync', onResync);
    source.removeEventListener('open', onOpen);
    source.close();
  };
}

/** Runs `work` once, `ms` after the last call: a burst of events becomes one refresh. */
export function debounce(work: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    clearTimeout(timer);
    timer = setTimeout(work, ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}
