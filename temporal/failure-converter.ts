// Failure messages and stack traces travel as an encoded payload (sealed by the payload codec) instead
// of in plain text, because an error text can quote what it failed on (a phone number, a message).
// Loaded by path (the worker's dataConverter.failureConverterPath) and by the client as an instance.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
