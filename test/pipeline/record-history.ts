// Records test/pipeline/fixtures/conversation-history.json (the current workflow version)
// from a live run of replay.test.ts.
// Only do this on purpose: the fixture stands for the conversations already running in production,
// and replaying it is what tells CI that a workflow change would break them.
//   node test/pipeline/record-history.ts
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../config/env.ts';

// This Node (24) for vitest and for everything it starts, whatever `node` is first on PATH.
const bin = join(projectRoot, 'node_modules', '.bin');
const result = spawnSync(process.execPath, [join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/pipeline/replay.test.ts'], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, RECORD_CONVERSATION_HISTORY: '1' },
});
if (result.status === 0) console.log('Recorded test/pipeline/fixtures/conversation-history.json — review and commit it.');
process.exit(result.status ?? 1);
