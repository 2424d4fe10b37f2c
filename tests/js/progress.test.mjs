// scripts/lib/progress.sh, the progress lines of the long Wasm dependency build, with fast
// fake steps (never the real build): step numbers, durations, reminder lines while a step
// runs, and for a failing step its own last 30 lines, the log's path and its exit status.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';

import {projectRoot} from './paths.mjs';

const scratch = mkdtempSync(path.join(tmpdir(), 'veto-progress-'));
after(() => rmSync(scratch, {recursive: true, force: true}));
const library = path.join(projectRoot, 'scripts/lib/progress.sh');

// Runs `body` in bash with the library sourced and `set -euo pipefail`, as wasm-deps.sh does.
function run(body, env = {}) {
  const started = Date.now();
  const r = spawnSync('bash', ['-c', `set -euo pipefail\nsource "${library}"\n${body}`],
                      {encoding: 'utf8', env: {...process.env, ...env}});
  return {...r, seconds: (Date.now() - started) / 1000};
}

test('durations read as people write them', () => {
  const r = run('for s in 0 45 59 60 200 3599 3720; do progress_duration $s; echo; done');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'),
                   ['0 s', '45 s', '59 s', '1 min 0 s', '3 min 20 s', '59 min 59 s', '1 h 02 min']);
});

test('steps are numbered, timed and quiet; a long step says it is still running', () => {
  const log = path.join(scratch, 'ok.log');
  const r = run(`
fetch() { echo "fetched the sources"; }
slow() { echo "compiling"; sleep 2.6; echo "compiled"; }
progress_init deps 2 "${log}"
progress_step "fetch sources" fetch
progress_step "ICU" slow
echo "after: $progress_done of $progress_total"
`, {VETO_PROGRESS_INTERVAL: '1'});
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'after: 2 of 2\n');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines[0], 'deps: [1/2] fetch sources ...');
  assert.match(lines[1], /^deps: \[1\/2\] fetch sources done in \d+ s \(all steps: \d+ s\)$/);
  assert.equal(lines[2], 'deps: [2/2] ICU ...');
  const reminders = lines.filter((l) => l.startsWith('deps: [2/2] still building ICU, '));
  assert.ok(reminders.length >= 2, r.stderr);
  for (const l of reminders) assert.match(l, /^deps: \[2\/2\] still building ICU, \d+ s \(all steps: \d+ s\)$/);
  assert.match(lines.at(-1), /^deps: \[2\/2\] ICU done in [23] s \(all steps: [23] s\)$/);
  // The steps' own output goes to the log only, under a header per step.
  assert.ok(!r.stderr.includes('compiling'));
  assert.equal(readFileSync(log, 'utf8'),
               '===== [1/2] fetch sources\nfetched the sources\n===== [2/2] ICU\ncompiling\ncompiled\n');
  // The reminder loop ends with its step: nothing keeps stderr open afterwards.
  assert.ok(r.seconds < 5, `took ${r.seconds} s`);
});

test('a failing step shows its own last 30 lines and the log, and stops the build', () => {
  const log = path.join(scratch, 'failed.log');
  const r = run(`
first() { for i in $(seq 1 40); do echo "first step line $i"; done; }
broken() {
  for i in $(seq 1 50); do echo "broken step line $i"; done
  false
  echo "not reached: set -e holds inside a step"
}
progress_init deps 3 "${log}"
progress_step "fetch sources" first
progress_step "libphonenumber" broken
echo "not reached: the build stops"
`);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  const failed = lines.findIndex((l) => l.startsWith('deps: [2/3] libphonenumber FAILED'));
  assert.match(lines[failed], /^deps: \[2\/3\] libphonenumber FAILED after \d+ s \(exit 1\); its last 30 lines:$/);
  const shown = lines.slice(failed + 1, failed + 31);
  assert.deepEqual(shown, Array.from({length: 30}, (_, i) => `    broken step line ${i + 21}`));
  assert.equal(lines[failed + 31], `deps: the whole log: ${log}`);
  assert.equal(lines.length, failed + 32);
  assert.ok(!r.stderr.includes('first step line'));
  assert.ok(!readFileSync(log, 'utf8').includes('not reached'));
});

test('a short failing step shows all its lines; progress_failed names it for the caller', () => {
  const log = path.join(scratch, 'short.log');
  const r = run(`
fine() { echo "fetched"; }
oops() { echo "configure: error: no compiler"; exit 3; }
progress_init deps 2 "${log}"
progress_step "fetch sources" fine
trap 'echo "status $? in $progress_failed"' EXIT
progress_step "ICU" oops
`);
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stdout, 'status 3 in ICU\n');
  assert.match(r.stderr, /\(exit 3\); its last 30 lines:\n {4}===== \[2\/2\] ICU\n {4}configure: error: no compiler\ndeps: the whole log: /);
  assert.ok(!r.stderr.includes('fetched'));
});
