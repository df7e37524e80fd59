// Once per browser-test run: the shared Temporal + PostgreSQL setup, and a fresh web build if needed.
import type { TestProject } from 'vitest/node';
import setupServers from '../support/global-setup.ts';
import { buildWebIfStale } from './web-build.ts';

export default async function setup(project: TestProject) {
  buildWebIfStale();
  return setupServers(project);
}
