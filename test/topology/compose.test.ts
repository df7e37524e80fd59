// docker-compose.yml is valid and its service graph is the one the README describes. This machine has no
// Docker engine, but Debian's docker-compose (1.29) renders and validates the file (`config`); its output is
// parsed with python3's yaml module, which docker-compose itself depends on. Without docker-compose the raw
// file is parsed the same way (no validation, and a loud note); without either the test fails and says
// what to install. The server config template is rendered by the source-built server with the very
// environment compose gives the temporal service.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../config/env.ts';
import { searchAttributeArgs, temporalBinary } from '../../scripts/temporal-dev-server.ts';
import {
  dynamicConfigFile,
  searchAttributes,
  serverConfigArgs,
  temporalServerBinary,
  temporalServerVersion,
} from '../../scripts/temporal-server.ts';
import { sourceServerAvailability } from './source-server.ts';

const composeFile = join(projectRoot, 'docker-compose.yml');

/** Every variable compose must refuse to start without, and a value for each. */
const required: Record<string, string> = {
  POSTGRES_PASSWORD: 'superuser-pw',
  INTELLISEND_DB_PASSWORD: 'app-pw',
  TEMPORAL_DB_PASSWORD: 'temporal-pw',
  ENCRYPTION_KEY: 'a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=',
  SESSION_SECRET: 'session-secret-session-secret-session',
  PUBLIC_BASE_URL: 'https://sms.example.com',
  GRAFANA_ADMIN_PASSWORD: 'grafana-pw',
};

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  entrypoint?: string[];
  command?: string[] | string;
  environment?: Record<string, string | number | null>;
  ports?: Array<string | { target: number; published: number | string; host_ip?: string }>;
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: Array<string | { type: string; source: string; target: string }>;
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number | string };
}
interface Compose {
  services: Record<string, Service>;
}

const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const hasPythonYaml = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

function dockerCompose(args: string[], vars: Record<string, string>) {
  return spawnSync('docker-compose', ['-f', composeFile, ...args], {
    cwd: projectRoot,
    // Only what is given here: nothing from the caller's environment (or a stray .env) leaks in.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...vars },
    encoding: 'utf8',
  });
}

function dockerComposeAsync(args: string[], vars: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker-compose', ['-f', composeFile, ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...vars },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

function yamlToJson(text: string): Compose {
  const r = spawnSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { input: text, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 yaml could not parse the compose file: ${r.stderr}`);
  return JSON.parse(r.stdout) as Compose;
}

/** The file as compose runs it (rendered and validated by docker-compose when it is there). */
function loadCompose(): Compose {
  if (!hasPythonYaml) {
    throw new Error(
      'Neither docker-compose nor python3-yaml is installed, so docker-compose.yml cannot be checked: ' +
        '`apt-get install -y docker-compose` (brings python3-yaml too).',
    );
  }
  if (!hasDockerCompose) {
    process.stderr.write('\n!!! docker-compose is not installed: docker-compose.yml is only parsed, not validated (apt-get install -y docker-compose)\n\n');
    return yamlToJson(readFileSync(composeFile, 'utf8'));
  }
  const r = dockerCompose(['config'], required);
  if (r.status !== 0) throw new Error(`docker-compose config failed:\n${r.stderr}`);
  return yamlToJson(r.stdout);
}

function dependsOn(s: Service): Record<string, string> {
  if (!s.depends_on) return {};
  if (Array.isArray(s.depends_on)) return Object.fromEntries(s.depends_on.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(s.depends_on).map(([d, v]) => [d, v.condition]));
}

/** Published ports as `host_ip:published:target` (host_ip empty when bound to every interface). */
function published(s: Service): string[] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'string') {
      const parts = p.replace(/\/tcp$/, '').split(':');
      return parts.length === 3 ? parts.join(':') : `:${parts.join(':')}`;
    }
    return `${p.host_ip ?? ''}:${p.published}:${p.target}`;
  });
}

function env(s: Service, name: string): string | undefined {
  const v = s.environment?.[name];
  return v === undefined || v === null ? undefined : String(v);
}

const compose = loadCompose();
const services = compose.services;

describe('docker-compose.yml', () => {
  it('validates (docker-compose config) and refuses to start while a required variable is unset', async () => {
    expect(Object.keys(services).sort()).toEqual(
      ['app', 'grafana', 'migrate', 'postgres', 'prometheus', 'temporal', 'temporal-namespace', 'temporal-schema', 'temporal-ui', 'worker'].sort(),
    );
    if (!hasDockerCompose) return;
    // Side by side: each docker-compose start costs seconds.
    const runs = await Promise.all(
      Object.keys(required).map(async (name) => {
        const rest = Object.fromEntries(Object.entries(required).filter(([k]) => k !== name));
        return { name, ...(await dockerComposeAsync(['config', '-q'], rest)) };
      }),
    );
    for (const { name, code, stderr } of runs) {
      expect(code, `docker-compose config without ${name}`).not.toBe(0);
      expect(stderr, `the error names ${name}`).toContain(name);
    }
  });

  it('starts each service only after what it needs, one-shot jobs run to completion first', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const target of Object.keys(dependsOn(s))) expect(services[target], `${name} depends on ${target}`).toBeDefined();
    }
    for (const job of ['temporal-schema', 'temporal-namespace', 'migrate']) expect(services[job]!.restart).toBe('no');
    expect(dependsOn(services['temporal-schema']!)).toEqual({ postgres: 'service_healthy' });
    expect(dependsOn(services.temporal!)).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    expect(dependsOn(services['temporal-namespace']!)).toEqual({ temporal: 'service_healthy' });
    expect(dependsOn(services['temporal-ui']!)).toEqual({ temporal: 'service_healthy' });
    expect(dependsOn(services.migrate!)).toEqual({ postgres: 'service_healthy' });
    for (const app of ['app', 'worker']) {
      expect(dependsOn(services[app]!)).toEqual({ migrate: 'service_completed_successfully', 'temporal-namespace': 'service_completed_successfully' });
    }
    // The jobs run the scripts npm run stack:server and test/topology run.
    expect(services['temporal-schema']!.entrypoint).toEqual(['sh', '/etc/intellisend/temporal/setup-schema.sh']);
    expect(services['temporal-namespace']!.entrypoint).toEqual(['sh', '/etc/intellisend/temporal/create-namespace.sh']);
  });

  it('registers on the production server every search attribute the dev server has (the namespace job reads one list)', async () => {
    const production = new Set((await searchAttributes()).map((a) => `${a.name}=${a.type}`));
    const dev = searchAttributeArgs.filter((a) => a !== '--search-attribute');
    for (const attribute of dev) expect(production, attribute).toContain(attribute);
  });

  it('publishes only the app on every interface; the UI, Prometheus and Grafana on localhost; nothing else', () => {
    const ports = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, published(s)]));
    expect(ports).toEqual({
      app: [':3000:3000'],
      'temporal-ui': ['127.0.0.1:8233:8080'],
      prometheus: ['127.0.0.1:9090:9090'],
      grafana: ['127.0.0.1:3001:3000'],
      postgres: [],
      'temporal-schema': [],
      temporal: [],
      'temporal-namespace': [],
      migrate: [],
      worker: [],
    });
  });

  it('runs our server version with 512 history shards, our config template and dynamic config', () => {
    const temporal = services.temporal!;
    expect(temporal.image).toBe(`temporalio/server:${temporalServerVersion}`);
    if (existsSync(temporalBinary)) {
      const version = spawnSync(temporalBinary, ['--version'], { encoding: 'utf8' }).stdout;
      expect(version, 'the dev server in .tools/bin/temporal').toContain(`Server ${temporalServerVersion}`);
    }
    expect(env(temporal, 'NUM_HISTORY_SHARDS')).toBe('512');
    expect(temporal.entrypoint).toEqual(['temporal-server', '--root', '/', '--config', '/etc/intellisend/temporal/config', '--env', 'server', '--allow-no-auth', 'start']);
    expect(env(temporal, 'DYNAMIC_CONFIG_FILE_PATH')).toBe('/etc/intellisend/temporal/dynamicconfig/production.yaml');
    const ui = /^temporalio\/ui:(\d+)\.(\d+)\.\d+$/.exec(services['temporal-ui']!.image ?? '');
    expect(ui, 'temporal-ui image').not.toBeNull();
    expect(Number(ui![1]) * 1000 + Number(ui![2]), 'UI >= 2.38 (Worker Versioning)').toBeGreaterThanOrEqual(2038);
    // Every file the services mount is in the repository.
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : v.type === 'bind' ? v.source : '';
        if (source.startsWith('/') || source.startsWith('.')) expect(existsSync(join(projectRoot, source.startsWith('/') ? source.slice(projectRoot.length) : source)), `${name} mounts ${source}`).toBe(true);
      }
    }
  });

  it('gives the app and Temporal their own database roles, and Postgres enough connections for every pool', () => {
    expect(env(services.app!, 'DATABASE_URL')).toBe(`postgres://intellisend:${required.INTELLISEND_DB_PASSWORD}@postgres:5432/intellisend`);
    expect(env(services.temporal!, 'TEMPORAL_DB_USER')).toBe('temporal');
    expect(env(services.temporal!, 'TEMPORAL_DB_PASSWORD')).toBe(required.TEMPORAL_DB_PASSWORD);
    const init = readFileSync(join(projectRoot, 'deploy', 'postgres', 'init-databases.sh'), 'utf8');
    for (const stmt of ['CREATE ROLE intellisend', 'CREATE DATABASE intellisend OWNER intellisend', 'CREATE ROLE temporal', 'CREATE DATABASE temporal OWNER temporal', 'CREATE DATABASE temporal_visibility OWNER temporal']) {
      expect(init).toContain(stmt);
    }
    // The comment's arithmetic, from the values in the file: API 20 + 4 + 1, 40 per worker (worker.ts), the
    // migrate job 3, Temporal's four services × (persistence + visibility), 20 for jobs and operators.
    const command = services.postgres!.command;
    const maxConnections = Number(/max_connections=(\d+)/.exec(Array.isArray(command) ? command.join(' ') : String(command))?.[1]);
    const workers = Number(services.worker!.deploy?.replicas ?? 1);
    const temporalConns = 4 * (Number(env(services.temporal!, 'TEMPORAL_DB_MAX_CONNS')) + Number(env(services.temporal!, 'TEMPORAL_VISIBILITY_DB_MAX_CONNS')));
    expect(workers).toBe(2);
    expect(maxConnections).toBeGreaterThanOrEqual(25 + 40 * workers + 3 + temporalConns + 20);
  });

  it('lets the app be ready while Temporal is down, and gives stopping workers time to finish', () => {
    expect(services.app!.healthcheck?.test.join(' ')).toContain('/api/health/ready');
    const grace = Number(env(services.worker!, 'WORKER_SHUTDOWN_GRACE_SECONDS'));
    expect(grace).toBeGreaterThan(0);
    const stop = /^(\d+)s$/.exec(services.worker!.stop_grace_period ?? '');
    expect(Number(stop?.[1])).toBeGreaterThan(grace);
  });

  it('has Prometheus scrape the app, the workers and Temporal on their metrics ports, and provisions the dashboard', () => {
    const prometheus = readFileSync(join(projectRoot, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8');
    expect(prometheus).toContain(`app:${env(services.app!, 'METRICS_PORT')}`);
    expect(prometheus).toMatch(new RegExp(`names: \\["worker"\\][\\s\\S]*port: ${env(services.worker!, 'WORKER_METRICS_PORT')}`));
    expect(prometheus).toContain(`temporal:${env(services.temporal!, 'PROMETHEUS_ENDPOINT')?.split(':')[1]}`);

    const dashboard = JSON.parse(readFileSync(join(projectRoot, 'deploy', 'grafana', 'dashboards', 'intellisend.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exprs = (title: RegExp) => dashboard.panels.filter((p) => title.test(p.title)).flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    expect(exprs(/webhook/i)).toContain('histogram_quantile(0.99');
    expect(exprs(/backlog/i)).toContain('intellisend_relay_backlog');
    expect(exprs(/workflow task schedule-to-start/i)).toContain('temporal_workflow_task_schedule_to_start_latency_bucket');
    expect(exprs(/activity schedule-to-start/i)).toContain('temporal_activity_schedule_to_start_latency_bucket');
    expect(exprs(/activity failures/i)).toMatch(/sum by \(activity_type\) \(rate\(temporal_activity_execution_failed_total/);
    expect(exprs(/bookings/i)).toContain('intellisend_bookings');
    // Every series of ours the dashboard plots is one the API defines.
    const apiMetrics = readFileSync(join(projectRoot, 'api', 'metrics', 'api-metrics.ts'), 'utf8');
    const ours = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/intellisend_[a-z_]+/g) ?? [])));
    for (const name of ours) expect(apiMetrics, name).toContain(`'${name.replace(/_(bucket|count|sum)$/, '')}'`);
  });
});

const availability = sourceServerAvailability();

describe.skipIf(!availability.ok)('the Temporal server config template, rendered with what compose gives the temporal service', () => {
  it('renders, with 512 shards, both stores on PostgreSQL and the mounted dynamic config, which the server accepts', () => {
    const temporal = services.temporal!;
    const vars = Object.fromEntries(Object.entries(temporal.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
    // The path inside the container, mapped onto the repository.
    vars.DYNAMIC_CONFIG_FILE_PATH = dynamicConfigFile;
    const r = spawnSync(temporalServerBinary, [...serverConfigArgs, 'render-config'], { env: { PATH: process.env.PATH ?? '', ...vars }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/numHistoryShards: 512/);
    expect(r.stdout).toMatch(/pluginName: postgres12/);
    expect(r.stdout).toMatch(/connectAddr: postgres:5432/);
    expect(r.stdout).toMatch(/databaseName: temporal_visibility/);
    expect(r.stdout).toMatch(/listenAddress: 0\.0\.0\.0:8000/);
    const dc = spawnSync(temporalServerBinary, ['validate-dynamic-config', dynamicConfigFile], { encoding: 'utf8' });
    expect(dc.status, dc.stdout + dc.stderr).toBe(0);
    expect(dc.stdout).not.toMatch(/error|warning/);
  });

  it('refuses to render without the dynamic config path rather than running without one', () => {
    const r = spawnSync(temporalServerBinary, [...serverConfigArgs, 'render-config'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('DYNAMIC_CONFIG_FILE_PATH');
  });
});
