// Extensions of the inbox list's JSON (contract.md, "Inbox API") that the web app reads. Types only: the
// API's presenter builds exactly these (api/conversations/present-conversation.ts), and the web app's
// types re-export them, so a change to one side fails the other's type check.

/** What a search matched, so the list can show why a conversation is in it. */
export type SearchMatchField = 'name' | 'phone' | 'message';

/** `[start, end)` offsets (UTF-16 code units, as JavaScript strings count) into `text`. */
export type TextRange = [start: number, end: number];

export interface SearchMatch {
  /**
   * Where the search matched, the first that applies: the contact's name, their phone number, or a
   * message (the newest that matches).
   */
  field: SearchMatchField;
  /**
   * `name`: the contact's full name ("First Last"); `phone`: the number as stored (E.164); `message`: a
   * snippet of the message around the first match, with `…` where it was cut.
   */
  text: string;
  /** The matched parts of `text`, in order and not overlapping; may be empty when no part can be pointed at. */
  ranges: TextRange[];
  /** `message` only: which message the snippet is from. */
  message?: {
    id: string;
    direction: 'inbound' | 'outbound';
    createdAt: string;
    /** True when it is the conversation's newest message (the one the list already shows). */
    latest: boolean;
  };
}
