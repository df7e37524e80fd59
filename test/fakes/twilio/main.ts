// Runs the fake Twilio on its own:
// `node test/fakes/twilio/main.ts --port 4020 [--host 127.0.0.1] [--account AC…:token …] [--callbacks off]`.
import { parseArgs } from 'node:util';
import { startFakeTwilio } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    account: { type: 'string', multiple: true, default: [] },
    callbacks: { type: 'string', default: 'on' },
  },
});

const accounts: Record<string, string> = {};
for (const pair of values.account) {
  const colon = pair.indexOf(':');
  if (colon < 0) throw new Error(`--account expects <AccountSid>:<AuthToken>, got "${pair.slice(0, 34)}"`);
  accounts[pair.slice(0, colon)] = pair.slice(colon + 1);
}

const fake = await startFakeTwilio({
  port: Number(values.port),
  host: values.host,
  accounts,
  statusCallbacks: values.callbacks === 'off' ? 'off' : {},
});
// Account SIDs only: auth tokens are never printed.
console.log(JSON.stringify({ msg: 'fake Twilio listening', url: fake.url, accounts: Object.keys(accounts) }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
