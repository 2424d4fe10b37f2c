// The TypeScript declarations shipped beside veto.mjs type-check a real use of the API.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {test} from 'node:test';

import {projectRoot} from './paths.mjs';

test('veto.d.mts type-checks against tests/js/types.check.mts', () => {
  const tsc = path.join(projectRoot, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022',
                                         '--module', 'nodenext', '--moduleResolution', 'nodenext',
                                         path.join(projectRoot, 'tests/js/types.check.mts')]);
  assert.equal(r.status, 0, r.stdout.toString() + r.stderr.toString());
});
