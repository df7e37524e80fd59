// Stand-alone fake ServiceTitan for the demo:
//   node test/fakes/servicetitan/main.ts [--port 4010] [--tenant-id …] [--client-id …] [--client-secret …]
//     [--app-key …] [--booking-provider-id 77] [--booking-provider-name IntelliSend] [--latency-ms 0]
// Prints one JSON line with the URLs and the demo tenant's ids (not its secret).
import { parseArgs } from 'node:util';
import { demoServiceTitanTenant as demo } from './demo-tenant.ts';
import { seedAssistantData } from './assistant-seed.ts';
import { startFakeServiceTitan } from './fake-servicetitan.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'tenant-id': { type: 'string', default: demo.tenantId },
    'client-id': { type: 'string', default: demo.clientId },
    'client-secret': { type: 'string', default: demo.clientSecret },
    'app-key': { type: 'string', default: demo.appKey },
    'booking-provider-id': { type: 'string', default: String(demo.bookingProvider.id) },
    'booking-provider-name': { type: 'string', default: demo.bookingProvider.name },
    'latency-ms': { type: 'string', default: '0' },
  },
});

const fake = await startFakeServiceTitan({
  port: Number(values.port),
  host: values.host,
  appKey: values['app-key'],
  latencyMs: Number(values['latency-ms']),
  tenants: [
    {
      tenantId: values['tenant-id'],
      clientId: values['client-id'],
      clientSecret: values['client-secret'],
      bookingProviderTags: [{ id: Number(values['booking-provider-id']), name: values['booking-provider-name'] }],
    },
  ],
});
// Customers, jobs, an appointment and capacity for the assistant's tools (the demo conversations).
seedAssistantData(fake, { tenantId: values['tenant-id'], timeZone: 'America/Chicago' });

console.log(
  JSON.stringify({
    fake: 'servicetitan',
    url: fake.url,
    authUrl: fake.authUrl,
    apiBaseUrl: fake.url,
    serviceTitanTenantId: values['tenant-id'],
    clientId: values['client-id'],
    bookingProvider: Number(values['booking-provider-id']),
  }),
);

const stop = () => {
  fake.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
