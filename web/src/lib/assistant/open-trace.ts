// The trace the conversation view shows under one of the assistant's messages (`?trace=<messageId>`),
// or why it cannot: a 404 is any message without one.
import type { MessageTraceAnswer } from '#lib/api-types.ts';

export type OpenTrace = { messageId: string; answer: MessageTraceAnswer; error: null } | { messageId: string; answer: null; error: string };
