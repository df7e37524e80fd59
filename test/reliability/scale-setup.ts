// Global setup of `npm run test:reliability`: the one place RELIABILITY_SCALE is read. The sizes
// reach the test files through `inject('reliabilityScale')`.
import type { TestProject } from 'vitest/node';
import { scaleFrom, type ReliabilityScale } from './scale.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityScale: ReliabilityScale;
  }
}

export default function setup(project: TestProject) {
  const scale = scaleFrom(process.env.RELIABILITY_SCALE);
  project.provide('reliabilityScale', scale);
  console.info(`reliability scale: ${scale.name}`);
}
