// The TypeScript declarations shipped beside veto.mjs type-check a real use of the API, and
// they describe the real rulesets: the shipped one as written, and as loaded.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';

import {cli, projectRoot} from './paths.mjs';

function tsc(file) {
  const compiler = path.join(projectRoot, 'node_modules/typescript/bin/tsc');
  return spawnSync(process.execPath, [compiler, '--noEmit', '--strict', '--target', 'es2022',
                                      '--module', 'nodenext', '--moduleResolution', 'nodenext', file]);
}

test('veto.d.mts type-checks against tests/js/types.check.mts', () => {
  const r = tsc(path.join(projectRoot, 'tests/js/types.check.mts'));
  assert.equal(r.status, 0, r.stdout.toString() + r.stderr.toString());
});

test('the shipped ruleset, as written and as loaded, has the types RulesetInput and Ruleset', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-types-'));
  try {
    const written = readFileSync(path.join(projectRoot, 'src/data/ruleset.json'), 'utf8');
    const loaded = spawnSync(cli, ['ruleset']).stdout.toString();
    assert.ok(loaded.startsWith('{"id":'), loaded);
    const file = path.join(dir, 'rulesets.mts');
    const dist = path.join(projectRoot, 'build/wasm/dist/veto.mjs');
    // Object literals: tsc refuses any key the declarations do not know, and a missing one.
    writeFileSync(file, `import type {Ruleset, RulesetInput} from ${JSON.stringify(dist)};\n` +
                        `export const written: RulesetInput = ${written};\n` +
                        `export const loaded: Ruleset = ${loaded};\n`);
    const r = tsc(file);
    assert.equal(r.status, 0, r.stdout.toString() + r.stderr.toString());
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
