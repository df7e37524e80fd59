// Once per `vitest run`: one real Temporal dev server (in memory) and one PostgreSQL server for every test file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { dataDir } from '../../config/env.ts';
import { workflowsPath } from '../../worker.ts';
import { failureConverterPath } from '../../temporal/data-converter.ts';
import { startTemporalDevServer } from '../../scripts/temporal-dev-server.ts';
import { findOrStartTestPostgres } from '../../scripts/postgres-server.ts';
import { quietBundlerLogger } from './quiet-bundler-logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresAdminUrl: string;
    /** The workflow bundle, built once so each test worker starts in milliseconds. */
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const [temporal, postgres, bundle] = await Promise.all([
    startTemporalDevServer(),
    findOrStartTestPostgres(process.env.TEST_DATABASE_URL),
    bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quietBundlerLogger }),
  ]);
  const bundleDir = join(dataDir, 'test');
  mkdirSync(bundleDir, { recursive: true });
  const workflowBundlePath = join(bundleDir, `workflow-bundle-${process.pid}.js`);
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalAddress', temporal.address);
  project.provide('postgresAdminUrl', postgres.adminUrl);
  return async () => {
    await temporal.stop();
    await postgres.stop();
  };
}
