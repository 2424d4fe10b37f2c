// veto's Wasm build patches ICU (scripts/wasm-deps/icu-*.patch), each patch saying it changes
// no behavior. tests/icu-probe prints what ICU does on the paths those patches touch; its
// Wasm build (patched ICU, the module's trimmed data) must print what Debian's native ICU
// 72.1 prints, line for line.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {icuProbeNative, icuProbeWasm} from './paths.mjs';

const native = execFileSync(icuProbeNative, {encoding: 'utf8'}).split('\n');
const wasm = execFileSync(process.execPath, [icuProbeWasm], {encoding: 'utf8'}).split('\n');

test('the probe exercised every path natively', () => {
  // Guards against two equally failed runs: the native side found clusters, words and sets.
  assert.ok(native.length > 30, `${native.length} lines`);
  assert.ok(native.some((line) => line.startsWith('regex \\X flags=0: [e\u0301][\u{1F44D}\u{1F3FD}][a]')));
  assert.ok(native.some((line) => line.startsWith('regex \\b\\w+\\b flags=0: [can][t][stop]')));
  assert.ok(native.some((line) => /closeOver add_case_mappings: .*\{AB\}\{Ab\}/.test(line)));
  assert.ok(native.every((line) => !/U_MISSING_RESOURCE_ERROR|U_ILLEGAL_ARGUMENT_ERROR/.test(line)));
});

test('the Wasm build prints as many lines', () => {
  assert.equal(wasm.length, native.length);
});

// One test per probe line, named by what it probes ("regex \X flags=0", "set [\p{Nd}]"...).
for (const [index, line] of native.entries()) {
  if (line === '' && index === native.length - 1) continue;
  const name = line.includes(': ') ? line.slice(0, line.indexOf(': ')) : line;
  test(`wasm ICU as native: ${name}`, () => {
    assert.equal(wasm[index], line);
  });
}
