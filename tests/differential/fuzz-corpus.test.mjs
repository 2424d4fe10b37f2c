// Differential fuzzing in a bounded batch: every input the validate_json fuzzer kept (its
// corpus after scripts/fuzz.sh, named by VETO_FUZZ_CORPUS) goes through the native CLI and
// the Wasm module's validateJson; the results must be byte-identical.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {cli, moduleUrl} from '../js/paths.mjs';

const corpus = process.env.VETO_FUZZ_CORPUS;

test('the fuzzer\'s corpus gets the same answers from both builds', {skip: !corpus && 'VETO_FUZZ_CORPUS not set (scripts/test.sh sets it)'}, async () => {
  // As lines: LF would split an input in two, and a last CR is a CLI line end.
  const inputs = readdirSync(corpus).map((name) => {
    let bytes = Buffer.from(readFileSync(path.join(corpus, name)).map((b) => (b === 0x0a ? 0x20 : b)));
    while (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    return bytes;
  }).filter((bytes) => !bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0d));
  assert.ok(inputs.length >= 10, `only ${inputs.length} inputs`);
  const native = spawnSync(cli, ['validate'], {
    input: Buffer.concat(inputs.flatMap((b) => [b, Buffer.from('\n')])), maxBuffer: 1 << 30});
  const nativeLines = native.stdout.toString().split('\n');
  nativeLines.pop();
  assert.equal(nativeLines.length, inputs.length);
  const {createValidator} = await import(moduleUrl);
  const v = await createValidator();
  const differing = inputs.filter((bytes, i) => v.validateJson(bytes) !== nativeLines[i]);
  assert.deepEqual(differing.map((b) => b.toString('hex').slice(0, 200)), []);
  console.log(`# fuzz corpus: ${inputs.length} inputs, byte-identical`);
});
