// The same lines through the native CLI and through the Wasm module's validateJson must
// give byte-identical results, line for line (SPEC: both builds agree).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';

import {cli, moduleUrl} from '../js/paths.mjs';
import {makeCorpus} from './corpus.mjs';

const count = Number(process.env.VETO_DIFF_LINES ?? 12000);

test(`native CLI and Wasm validateJson agree on ${count} generated lines`, async () => {
  const entries = makeCorpus(count);
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-diff-'));
  const file = path.join(dir, 'corpus.jsonl');
  writeFileSync(file, Buffer.concat(entries.flatMap((e) => [e.bytes, Buffer.from('\n')])));
  const native = spawnSync(cli, ['validate', file], {maxBuffer: 1 << 30});
  rmSync(dir, {recursive: true, force: true});
  assert.ok(native.status === 0 || native.status === 1, native.stderr.toString());
  const nativeLines = native.stdout.toString('utf8').split('\n');
  assert.equal(nativeLines.pop(), '');
  assert.equal(nativeLines.length, entries.length, 'one CLI result per line');

  const {createValidator} = await import(moduleUrl);
  const v = await createValidator();
  let mismatches = 0;
  const kinds = {string: 0, bytes: 0, valid: 0, invalid: 0};
  entries.forEach((entry, i) => {
    // Valid text goes in as a JS string (lone surrogates too), the rest as bytes.
    const input = entry.text ?? entry.bytes;
    kinds[entry.text === undefined ? 'bytes' : 'string']++;
    const wasm = v.validateJson(input);
    kinds[JSON.parse(wasm).valid ? 'valid' : 'invalid']++;
    if (wasm !== nativeLines[i] && mismatches++ < 5) {
      console.error(`line ${i + 1} differs\n input: ${entry.bytes.toString('hex').slice(0, 400)}\n` +
                    ` native: ${nativeLines[i].slice(0, 400)}\n wasm:   ${wasm.slice(0, 400)}`);
    }
  });
  console.log(`# differential: ${entries.length} lines (${kinds.string} as strings, ${kinds.bytes} as bytes; ` +
              `${kinds.valid} valid, ${kinds.invalid} invalid)`);
  assert.equal(mismatches, 0, `${mismatches} lines differ`);
  assert.ok(kinds.valid > count / 20 && kinds.invalid > count / 4, 'the corpus has both kinds');
});
