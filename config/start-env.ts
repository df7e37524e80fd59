// The launcher's own knobs (`npm start`), apart from the app's environment (config/env.ts) that its
// children read: which ports the embedded services and fakes take, and how the background yields.
import { z } from 'zod';
import { singleMachineBackgroundNice } from './single-machine.ts';

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  /** The embedded PostgreSQL (when DATABASE_URL is not set). */
  START_POSTGRES_PORT: port.default(5433),
  /** The Temporal dev server's frontend and Web UI (when TEMPORAL_ADDRESS is not set). */
  START_TEMPORAL_PORT: port.default(7233),
  START_TEMPORAL_UI_PORT: port.default(8233),
  /** Fixed so the demo tenant's stored URLs stay right across restarts; a free port is used if one is taken. */
  START_FAKE_OPENAI_PORT: port.default(4010),
  START_FAKE_TWILIO_PORT: port.default(4011),
  START_FAKE_SERVICETITAN_PORT: port.default(4012),
  /**
   * nice of the worker and the Temporal dev server: on one machine the webhook's answer path (the API)
   * comes first and the durable pipeline catches up, as the benchmark runs them (0: the API's priority).
   */
  START_BACKGROUND_NICE: z.coerce.number().int().min(0).max(19).default(singleMachineBackgroundNice),
});

export type StartEnv = z.infer<typeof schema>;

export function loadStartEnv(source: Record<string, string | undefined>): StartEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('START_') && v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}
