// One run, one corpus, side by side: veto native (C++ API), veto Wasm in Node (validate and
// validateJson) and validator.js's isEmail; plus the module's size and Node cold start.
// Prints Markdown (scripts/bench.sh writes it to bench/RESULTS.md).
//   node bench/run.mjs BENCH_BINARY MODULE
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import zlib from 'node:zlib';

import validator from 'validator';

import {domains, locals, random} from '../tests/differential/corpus.mjs';

const [benchBinary, modulePath] = process.argv.slice(2);
const formsCount = 10000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Realistic forms: mostly plausible addresses, some with typos and mistakes.
const r = random(7);
const forms = Array.from({length: formsCount}, () => ({email: `${r.pick(locals)}@${r.pick(domains)}`}));
const lines = forms.map((f) => JSON.stringify(f));
const file = path.join(mkdtempSync(path.join(tmpdir(), 'veto-bench-')), 'forms.jsonl');
writeFileSync(file, lines.join('\n') + '\n');

function timePasses(fn) {
  fn();  // warm-up
  const passes = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    fn();
    passes.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(passes);
}

const native = JSON.parse(spawnSync(benchBinary, [file]).stdout.toString());
rmSync(path.dirname(file), {recursive: true, force: true});
const {createValidator} = await import(pathToFileURL(modulePath));
const v = await createValidator();
let sink = 0;
const wasmJson = timePasses(() => { for (const line of lines) sink += v.validateJson(line).length; });
const wasmObject = timePasses(() => { for (const form of forms) sink += v.validate(form).valid; });
const jsEmail = timePasses(() => {
  for (const form of forms) sink += validator.isEmail(form.email, {allow_utf8_local_part: true});
});

// Cold start: a fresh Node process importing the module and validating one form.
const coldScript = `
  const t0 = performance.now();
  const {createValidator} = await import(${JSON.stringify(pathToFileURL(modulePath).href)});
  const v = await createValidator();
  const r = v.validate({email: 'anna@example.de'});
  const t1 = performance.now();
  console.log(JSON.stringify({import_to_result: t1 - t0, process_to_result: t1, valid: r.valid}));`;
const colds = Array.from({length: 5}, () =>
    JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', coldScript]).stdout.toString()));

const wasmBytes = readFileSync(path.join(path.dirname(modulePath), 'veto.wasm'));
const jsBytes = readFileSync(modulePath);
const sizes = (buf) => ({
  raw: buf.length,
  gzip: zlib.gzipSync(buf, {level: 9}).length,
  brotli: zlib.brotliCompressSync(buf, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11}}).length,
});
const kb = (n) => (n / 1024).toFixed(1);
const perForm = (seconds) => (seconds / formsCount * 1e6).toFixed(2);
const perSecond = (seconds) => Math.round(formsCount / seconds).toLocaleString('en');

const rows = [
  ['veto native, C++ `validate_json` + `to_json`', native.median_seconds],
  ['veto Wasm in Node, `validateJson` (string in, JSON text out)', wasmJson],
  ['veto Wasm in Node, `validate` (object in, object out)', wasmObject],
  ['validator.js `isEmail` (syntax only: no IDNA, no warnings, no messages)', jsEmail],
];
const w = sizes(wasmBytes), j = sizes(jsBytes);
console.log(`### Per form (${formsCount.toLocaleString('en')} email forms, median of 5 passes)

| implementation | µs per form | forms per second |
|---|---:|---:|
${rows.map(([name, s]) => `| ${name} | ${perForm(s)} | ${perSecond(s)} |`).join('\n')}

### Size shipped to a browser

| file | raw KB | gzip -9 KB | brotli KB |
|---|---:|---:|---:|
| veto.wasm | ${kb(w.raw)} | ${kb(w.gzip)} | ${kb(w.brotli)} |
| veto.mjs | ${kb(j.raw)} | ${kb(j.gzip)} | ${kb(j.brotli)} |
| **total** | ${kb(w.raw + j.raw)} | ${kb(w.gzip + j.gzip)} | ${kb(w.brotli + j.brotli)} |

### Node cold start (median of 5 fresh processes)

| from | to | ms |
|---|---|---:|
| \`import\` of veto.mjs | first result (\`createValidator\` + \`validate\`) | ${median(colds.map((c) => c.import_to_result)).toFixed(1)} |
| process start | first result | ${median(colds.map((c) => c.process_to_result)).toFixed(1)} |
`);
if (sink === 0) console.error('unexpected: nothing measured');
