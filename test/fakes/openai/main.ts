// Runs the fake OpenAI on its own: `node test/fakes/openai/main.ts --port 4010 [--host 127.0.0.1] [--api-key k] [--latency-ms 0]`.
import { parseArgs } from 'node:util';
import { startFakeOpenAI } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'api-key': { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
  },
});

const fake = await startFakeOpenAI({
  port: Number(values.port),
  host: values.host,
  latencyMs: Number(values['latency-ms']),
  ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
});
console.log(JSON.stringify({ msg: 'fake OpenAI listening', url: fake.url }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
