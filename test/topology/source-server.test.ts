// Our API and real worker processes on the production Temporal topology: the server built from source on
// PostgreSQL, configured from deploy/temporal (the files compose mounts), set up by the schema and
// namespace jobs compose runs. What a user or an operator would notice: the booking, the search attributes
// ops filter on, a long conversation carrying on in a new run, the metrics Prometheus scrapes, and the jobs
// being safe to run again on every deploy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMetrics, type MetricsServer } from '../../api/metrics/metrics-server.ts';
import { runNamespaceJob, runSchemaJob, searchAttributes } from '../../scripts/temporal-server.ts';
import { freePort } from '../../scripts/temporal-dev-server.ts';
import { startChildWorker, type ChildWorker } from '../support/child-worker.ts';
import { uniquePhone } from '../support/factories.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { listWorkflows, sample, scrape, sourceServerAvailability, startTestCluster, temporalCli, type TestCluster } from './source-server.ts';

/** A namespace whose conversations are told to continue as new early (the production threshold is 4096 events). */
const shortHistoryNamespace = 'short-history';

const availability = sourceServerAvailability();

describe.skipIf(!availability.ok)('the production topology: our workers on the source-built Temporal server on PostgreSQL', () => {
  let cluster: TestCluster;
  let p: Pipeline;
  let worker: ChildWorker;
  let workerMetricsUrl: string;
  let apiMetrics: MetricsServer;

  beforeAll(async () => {
    cluster = await startTestCluster({
      extraNamespaces: [shortHistoryNamespace],
      dynamicConfigExtra: [
        'limit.historyCount.suggestContinueAsNew:',
        '  - value: 40',
        '    constraints:',
        `      namespace: ${shortHistoryNamespace}`,
      ].join('\n'),
    });
    // The real worker process (`node worker.ts`, Runtime with Prometheus) and the API in this process.
    p = await startPipeline({ temporalAddress: cluster.server.address, worker: false });
    const workerMetricsPort = await freePort();
    worker = await startChildWorker({ ...p.env, WORKER_METRICS_PORT: workerMetricsPort, METRICS_HOST: '127.0.0.1' });
    workerMetricsUrl = `http://127.0.0.1:${workerMetricsPort}/metrics`;
    // What api/main.ts does with METRICS_PORT.
    apiMetrics = await serveMetrics(p.app.metrics.registry, { port: 0, host: '127.0.0.1' });
  }, 240_000);

  afterAll(async () => {
    await apiMetrics?.close();
    await worker?.stop();
    await p?.close();
    await cluster?.close();
  });

  async function bookedConversation(pipeline: Pipeline, body: string) {
    const customer = uniquePhone();
    const res = await pipeline.sendInbound({ from: customer, body });
    expect(res.status).toBe(200);
    const conversation = await waitFor(
      async () => {
        const c = await pipeline.conversationWith(customer);
        return c?.serviceTitanBookingId ? c : null;
      },
      { timeoutMs: 60_000, what: 'the booking id on the conversation' },
    );
    return { customer, conversation };
  }

  it('books a signed inbound message exactly once, and ops find the run by our search attributes', { timeout: 120_000 }, async () => {
    const { conversation } = await bookedConversation(p, 'Our furnace is making a banging noise, can someone come Thursday?');
    expect(conversation.category).toBe('engaged');
    expect(conversation.classificationSource).toBe('ai');
    expect(conversation.bookingStatus).toBe('created');
    const bookings = p.fakes.serviceTitan.bookings(p.serviceTitan.tenantId);
    expect(bookings).toHaveLength(1);
    expect(bookings[0]!.body.externalId).toBe(`intellisend-conversation-${conversation.id}-episode-1`);

    // What an operator types into the UI or the CLI; visibility on PostgreSQL is eventually consistent.
    const address = cluster.server.address;
    const found = await waitFor(
      async () => {
        const runs = await listWorkflows(address, 'default', `TenantId = '${p.tenant.id}' AND BookingStatus = 'created' AND ConversationCategory = 'engaged'`);
        return runs.length > 0 ? runs : null;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the run in visibility by TenantId, BookingStatus and ConversationCategory' },
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.type?.name).toBe('conversationWorkflow');
    // The run is in Temporal's PostgreSQL tables, not in memory.
    const rows = await cluster.queryTemporalDb<{ n: string }>('SELECT count(*) AS n FROM executions WHERE workflow_id = $1', [found[0]!.execution.workflowId]);
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(1);
  });

  it('keeps a conversation going across runs: continue-as-new carries it on, still one booking', { timeout: 180_000 }, async () => {
    const q = await startPipeline({ temporalAddress: cluster.server.address, temporalNamespace: shortHistoryNamespace });
    try {
      const { customer, conversation } = await bookedConversation(q, 'The AC is blowing warm air, please send someone.');
      const tenantRuns = (query: string) => listWorkflows(cluster.server.address, shortHistoryNamespace, `TenantId = '${q.tenant.id}'${query}`);
      // Each message adds events; the server suggests continue-as-new past 40 and the workflow takes it.
      let sent = 1;
      const continued = await waitFor(
        async () => {
          const runs = await tenantRuns(` AND ExecutionStatus = 'ContinuedAsNew'`);
          if (runs.length > 0) return runs;
          if (sent >= 12) return null;
          sent++;
          await q.sendInbound({ from: customer, body: `Any update? (message ${sent})` });
          await waitFor(async () => (await q.test.db.models.Message.count({ where: { conversationId: conversation.id } })) === sent, {
            timeoutMs: 30_000,
            what: `message ${sent} recorded`,
          });
          return null;
        },
        { timeoutMs: 150_000, intervalMs: 500, what: 'a run that continued as new' },
      );
      const workflowId = continued[0]!.execution.workflowId;
      const running = await waitFor(
        async () => {
          const runs = await tenantRuns(` AND ExecutionStatus = 'Running'`);
          return runs.length > 0 ? runs : null;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'the new run in visibility' },
      );
      expect(running.map((r) => r.execution.workflowId)).toEqual([workflowId]);
      expect(running[0]!.execution.runId).not.toBe(continued[0]!.execution.runId);

      // The new run still answers for the conversation: one more message is recorded and nothing is rebooked.
      sent++;
      await q.sendInbound({ from: customer, body: 'Thanks, Thursday works.' });
      await waitFor(async () => (await q.test.db.models.Message.count({ where: { conversationId: conversation.id } })) === sent, {
        timeoutMs: 30_000,
        what: 'the message after continue-as-new recorded',
      });
      const described = await temporalCli<{ workflowExecutionInfo: { status: string; execution: { runId: string } } }>(cluster.server.address, [
        'workflow', 'describe', '--namespace', shortHistoryNamespace, '--workflow-id', workflowId,
      ]);
      expect(described.workflowExecutionInfo.status).toMatch(/RUNNING|COMPLETED/);
      expect(q.fakes.serviceTitan.bookings(q.serviceTitan.tenantId)).toHaveLength(1);
    } finally {
      await q.close();
    }
  });

  it('answers on the metrics ports with the series the dashboard plots after one inbound message', { timeout: 120_000 }, async () => {
    await bookedConversation(p, 'My water heater is leaking.');
    const api = await scrape(apiMetrics.url);
    expect(sample(api, 'intellisend_webhook_duration_seconds_count{route="inbound",status_code="200"}')).toBeGreaterThanOrEqual(1);
    expect(sample(api, 'intellisend_bookings{status="created"}')).toBeGreaterThanOrEqual(1);
    expect(sample(api, 'intellisend_relay_backlog')).not.toBeNull();
    expect(sample(api, 'intellisend_relay_oldest_pending_seconds')).not.toBeNull();

    // The worker's SDK metrics (Runtime Prometheus exporter), written as the workflow task completes.
    const workerSeries = [
      'temporal_workflow_task_schedule_to_start_latency_bucket',
      'temporal_workflow_task_execution_latency_bucket',
      'temporal_local_activity_execution_latency_bucket',
      'temporal_workflow_task_queue_poll_succeed_total',
      'temporal_worker_task_slots_available',
    ];
    const missing = (text: string) => workerSeries.filter((series) => !new RegExp(`^${series}\\{`, 'm').test(text));
    // On a timeout the assertion below names what is missing.
    await waitFor(async () => missing(await scrape(workerMetricsUrl)).length === 0, { timeoutMs: 30_000, intervalMs: 500 }).catch(() => undefined);
    expect(missing(await scrape(workerMetricsUrl))).toEqual([]);
    // The server's own, which Prometheus scrapes too.
    const serverText = await scrape(cluster.server.metricsUrl);
    expect(serverText).toMatch(/^service_requests\{/m);
  });

  it('runs the schema job and the namespace job again without changing anything', { timeout: 120_000 }, async () => {
    const version = () => cluster.queryTemporalDb<{ curr_version: string }>('SELECT curr_version FROM schema_version');
    const before = await version();
    const schema = await runSchemaJob(cluster.server.databases);
    expect(schema.output).toContain(`database ${cluster.server.databases.database} is there`);
    expect(await version()).toEqual(before);

    const ns = await runNamespaceJob({ address: cluster.server.address, namespace: 'default' });
    expect(ns.output).toContain('namespace default exists');
    for (const { name } of await searchAttributes()) expect(ns.output).toContain(`search attribute ${name} already registered`);
    // The conversations already running are untouched.
    const runs = await listWorkflows(cluster.server.address, 'default', `TenantId = '${p.tenant.id}' AND ExecutionStatus = 'Running'`);
    expect(runs.length).toBeGreaterThanOrEqual(1);
  });
});
