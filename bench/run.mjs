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
const forms = Array.from({length: formsCount}, () => ({
  email: `${r.pick(locals)}@${r.pick(domains)}`,
  country: r.pick(['DE', 'Österreich', 'fr', 'Polska', 'NO', 'US', 'UK']),
  justification: r.pick(['Meta must not train its AI on my posts and photos.',
                         'Ich widerspreche der Nutzung meiner Daten für KI.', 'too short']),
}));
const lines = forms.map((f) => JSON.stringify(f));

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

// Median seconds of the native C++ API over `lines` (written to a scratch file for it).
function nativeSeconds(lines, args = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-bench-'));
  const linesFile = path.join(dir, 'forms.jsonl');
  writeFileSync(linesFile, lines.join('\n') + '\n');
  const run = JSON.parse(spawnSync(benchBinary, [linesFile, ...args]).stdout.toString());
  rmSync(dir, {recursive: true, force: true});
  return run.median_seconds;
}

const nativePerPass = nativeSeconds(lines);
const {createValidator} = await import(pathToFileURL(modulePath));
const v = await createValidator();
let sink = 0;
const wasmJson = timePasses(() => { for (const line of lines) sink += v.validateJson(line).length; });
const wasmObject = timePasses(() => { for (const form of forms) sink += v.validate(form).valid; });
const jsEmail = timePasses(() => {
  for (const form of forms) sink += validator.isEmail(form.email, {allow_utf8_local_part: true});
});

// Cold start: a fresh Node process importing the module and validating one full form,
// without and with a phone number (the first phone pays libphonenumber's set-up).
const coldScript = (form) => `
  const t0 = performance.now();
  const {createValidator} = await import(${JSON.stringify(pathToFileURL(modulePath).href)});
  const v = await createValidator();
  const r = v.validate(${JSON.stringify(form)});
  const t1 = performance.now();
  console.log(JSON.stringify({import_to_result: t1 - t0, process_to_result: t1, valid: r.valid}));`;
const fullForm = {email: 'anna@example.de', country: 'DE', justification: 'Meta must not train its AI on my posts.'};
const cold = (form) => Array.from({length: 5}, () =>
    JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', coldScript(form)]).stdout.toString()));
const colds = cold(fullForm);
const coldsPhone = cold({...fullForm, phone: '030 1234567'});
const warmPhone = timePasses(() => {
  for (let i = 0; i < 1000; i++) sink += v.validate({...fullForm, phone: '030 1234567'}).valid;
}) / 1000;

// Scaling: one field of 1 KB, 10 KB and 64 KB of several kinds of text. Linear time means
// the same time per MB at every size.
const textKinds = {
  'words (ASCII)': 'Meta must not train its AI on my posts. ',
  'Chinese': '我不同意使用我的数据训练人工智能模型。',
  'combining marks': 'e\u0301\u0302\u0303 ',
  'emoji ZWJ sequences': '👨\u200d👩\u200d👧 ',
};
const fill = (unit, bytes) => {
  let text = '';
  while (Buffer.byteLength(text + unit) <= bytes) text += unit;
  return text;
};
const fieldSizes = [1024, 10 * 1024, 64 * 1024 - 64];
const scaling = [];
const details = await createValidator({ruleset: {id: 'bench', version: 1, fields: [
  {name: 'details', kind: 'text', max_graphemes: 65536}]}});
for (const [kind, unit] of Object.entries(textKinds)) {
  for (const size of fieldSizes) {
    const text = fill(unit, size);
    const repeat = Math.max(1, Math.round(2e6 / size));  // about 2 MB a pass
    const form = {details: text};
    const wasm = timePasses(() => { for (let i = 0; i < repeat; i++) sink += details.validate(form).valid; });
    const nativeRun = nativeSeconds(Array(repeat).fill(JSON.stringify(form)), ['--details-only']);
    const mb = Buffer.byteLength(text) * repeat / 1e6;
    scaling.push({kind, size, native: nativeRun / mb * 1e3, wasm: wasm / mb * 1e3});
  }
}
// Growth of whole documents: 10x the input should take about 10x the time.
const documentKinds = {
  'nesting': (bytes) => `{"email":"a@b.de","x":${'['.repeat(bytes / 2 - 12)}${']'.repeat(bytes / 2 - 12)}}`,
  'many members': (bytes) => {
    let out = '{"email":"a@b.de"';
    for (let i = 0; out.length < bytes - 16; i++) out += `,"m${i}":${i}`;
    return out + '}';
  },
  'one long string': (bytes) => `{"email":"a@b.de","note":"${'x'.repeat(bytes - 30)}"}`,
};
const documentSizes = [10_000, 100_000, 1_000_000];
const growth = [];
for (const [kind, make] of Object.entries(documentKinds)) {
  for (const size of documentSizes) {
    const line = make(size);
    const repeat = Math.max(1, Math.round(4e6 / line.length));
    const wasm = timePasses(() => { for (let i = 0; i < repeat; i++) sink += v.validateJson(line).length; });
    const nativeRun = nativeSeconds(Array(repeat).fill(line));
    const mb = line.length * repeat / 1e6;
    growth.push({kind, native: nativeRun / mb * 1e3, wasm: wasm / mb * 1e3});
  }
}

// What a web developer would use for grapheme counts: Intl.Segmenter (Node's ICU).
const segmenterRows = [];
const segmenter = new Intl.Segmenter('en', {granularity: 'grapheme'});
for (const chars of [10_000, 30_000, 100_000]) {
  const text = 'e\u0301'.repeat(chars / 2);
  const start = process.hrtime.bigint();
  let graphemes = 0;
  for (const _ of segmenter.segment(text)) graphemes++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  segmenterRows.push({chars, graphemes, ms: seconds * 1e3, perMb: seconds / (Buffer.byteLength(text) / 1e6) * 1e3});
}

// One table row per kind: native then Wasm ms per MB at each size.
const perMbRows = (kinds, results) => Object.keys(kinds).map((kind) => {
  const row = results.filter((r) => r.kind === kind);
  return `| ${kind} | ${row.map((r) => r.native.toFixed(1)).join(' | ')} | ${row.map((r) => r.wasm.toFixed(1)).join(' | ')} |`;
}).join('\n');

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
  ['veto native, C++ `validate_json` + `to_json`', nativePerPass],
  ['veto Wasm in Node, `validateJson` (string in, JSON text out)', wasmJson],
  ['veto Wasm in Node, `validate` (object in, object out)', wasmObject],
  ['validator.js `isEmail` on the email field alone (syntax only: no IDNA, no warnings, no messages)', jsEmail],
];
const w = sizes(wasmBytes), j = sizes(jsBytes);
console.log(`### Per form (${formsCount.toLocaleString('en')} forms of email, country and justification, median of 5 passes)

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
| \`import\` of veto.mjs | first result of a form with a phone (pays libphonenumber's set-up) | ${median(coldsPhone.map((c) => c.import_to_result)).toFixed(1)} |

A warm form with a phone number takes ${(warmPhone * 1e6).toFixed(0)} µs in Wasm.
`);
console.log(`### Scaling of a text field (ms per MB of text; linear time = flat across sizes)

| text | native 1 KB | native 10 KB | native 64 KB | Wasm 1 KB | Wasm 10 KB | Wasm 64 KB |
|---|---:|---:|---:|---:|---:|---:|
${perMbRows(textKinds, scaling)}

### Growth of whole documents (ms per MB of input; linear time = flat across sizes)

| document | native 10 KB | native 100 KB | native 1 MB | Wasm 10 KB | Wasm 100 KB | Wasm 1 MB |
|---|---:|---:|---:|---:|---:|---:|
${perMbRows(documentKinds, growth)}

Node 20's \`Intl.Segmenter\` counting graphemes of \`e\\u0301\` repeated (what a page would use instead):

| characters | graphemes | ms | ms per MB |
|---:|---:|---:|---:|
${segmenterRows.map((r) => `| ${r.chars.toLocaleString('en')} | ${r.graphemes.toLocaleString('en')} | ${r.ms.toFixed(1)} | ${r.perMb.toFixed(1)} |`).join('\n')}
`);
if (sink === 0) console.error('unexpected: nothing measured');
