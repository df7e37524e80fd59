// A CSR keeps their place: when the open conversation leaves the needs-attention block (a reply or
// "Mark handled" clears it), the list would re-sort it below every conversation still waiting, possibly
// past the loaded page. Instead it stays where the CSR was — just before the row that followed it — until
// they open another one, and is marked as moved; j/k continue from it. Rows of other conversations move
// as they always do.
import type { Category, Conversation } from '#lib/api-types.ts';

interface Pin {
  id: string;
  /** The row that followed it when it was pinned (null: it was last). */
  beforeId: string | null;
  index: number;
  /** The freshest copy of it (the list may no longer hold it: it sorts past the loaded page). */
  conversation: Conversation;
}

export interface Arranged {
  items: Conversation[];
  /** The pinned conversation, when it is not where the list's order would put it. */
  movedId: string | null;
}

export class PlaceKeeper {
  #shown: Conversation[] = [];
  #openId: string | null = null;
  #pin: Pin | null = null;

  /**
   * The list to show for a fresh page from the API. `open` is the open conversation as its own page
   * loaded it (fresher than an old list row); `category` is the tab's: a conversation filed elsewhere is
   * no longer pinned here.
   */
  arrange(fresh: Conversation[], openId: string | null, open: Conversation | null, category: Category): Arranged {
    if (openId !== this.#openId) this.#pin = null; // another conversation opened: the list's own order again
    this.#openId = openId;
    if (openId) {
      const before = this.#shown.findIndex((c) => c.id === openId);
      const was = this.#shown[before];
      const now = fresh.find((c) => c.id === openId) ?? (open?.id === openId ? open : null);
      const leftBlock = was?.needsAttention === true && now !== null && !now.needsAttention;
      if (!this.#pin && was && leftBlock && (now?.category ?? was.category) === category) {
        this.#pin = { id: openId, beforeId: this.#shown[before + 1]?.id ?? null, index: before, conversation: now ?? was };
      }
    }
    const pin = this.#pin;
    let result: Arranged = { items: fresh, movedId: null };
    if (pin) {
      const current = fresh.find((c) => c.id === pin.id) ?? (open?.id === pin.id ? open : pin.conversation);
      if (current.category !== category || current.needsAttention) {
        this.#pin = null; // filed under another tab, or waiting again: it belongs where the order puts it
      } else {
        pin.conversation = current;
        const rest = fresh.filter((c) => c.id !== pin.id);
        const anchor = pin.beforeId ? rest.findIndex((c) => c.id === pin.beforeId) : -1;
        const at = anchor >= 0 ? anchor : Math.min(pin.index, rest.length);
        const items = [...rest.slice(0, at), current, ...rest.slice(at)];
        const movedId = fresh.findIndex((c) => c.id === pin.id) === at ? null : pin.id;
        result = { items, movedId };
      }
    }
    this.#shown = result.items;
    return result;
  }
}
