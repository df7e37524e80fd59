// One shared ticking clock so every "5 min ago" stays true without a timer per row.
import { createSubscriber } from 'svelte/reactivity';

const subscribe = createSubscriber((update) => {
  const timer = setInterval(update, 30_000);
  return () => clearInterval(timer);
});

export const now = {
  get current(): number {
    subscribe();
    return Date.now();
  },
};

/**
 * False during server rendering and hydration. Local date formats depend on the browser's time zone,
 * which the server does not know; components show UTC until this flips, then the local time.
 */
export const localTime = $state({ ready: false });
