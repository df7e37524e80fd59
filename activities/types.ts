import type { Env } from '../config/env.ts';
import type { Database } from '../db/connection.ts';
import type { Logger } from '../logging/logger.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ModelCaller } from '../assistant/model-caller.ts';
import type { Classifier } from '../clients/openai/classifier.ts';
import type { TwilioSender } from '../clients/twilio/sender.ts';
import type { ServiceTitanTokenCache } from '../clients/servicetitan/token-cache.ts';

/** What every activity may touch; wired once in worker.ts. */
export interface ActivityDeps {
  env: Pick<Env, 'PUBLIC_BASE_URL'>;
  db: Database;
  box: SecretBox;
  /** Null when no OpenAI key is configured: every message then files as `engaged` by fallback. */
  classifier: Classifier | null;
  /** The assistant's model (function calling); null or absent without an OpenAI key: its turns hand over. */
  assistantModel?: ModelCaller | null;
  twilio: TwilioSender;
  serviceTitanTokens: ServiceTitanTokenCache;
  logger: Logger;
  /** "Now" for campaign checks (quiet hours, caps); tests set a wall-clock time of their choosing. */
  clock?: () => Date;
}

export type { ClassificationResult } from '../domain/classification.ts';

export type BookingOutcome = { status: 'created'; bookingId: string } | { status: 'skipped'; reason: string };
