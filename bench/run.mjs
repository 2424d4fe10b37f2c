// One run, one corpus, side by side: veto native (C++ API), veto Wasm in Node (validate and
// validateJson) and the JavaScript stack a web developer would otherwise assemble
// (bench/js-stack.mjs); per-field breakdowns; Node cold start; bytes shipped to a browser;
// the Wasm heap over 1,000,000 validations; scaling of 1 KB / 10 KB / 64 KB fields; and a
// callgrind profile of the phone check. Prints Markdown (scripts/bench.sh writes it to
// bench/RESULTS.md); progress goes to stderr.
//   node bench/run.mjs BENCH_BINARY MODULE CORPUS [--quick] [--no-profile]
//     --quick: 10,000 validations instead of 1,000,000 for the memory check, fewer cold
//              starts (for trying the script out; scripts/bench.sh never passes it)
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import zlib from 'node:zlib';

import * as esbuild from 'esbuild';

import * as js from './js-stack.mjs';
import {readCorpus} from './corpus.mjs';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [benchBinary, builtModule, corpusPath] = args.filter((a) => !a.startsWith('--'));
if (!corpusPath) {
  console.error('usage: node bench/run.mjs BENCH_BINARY MODULE CORPUS [--quick] [--no-profile]');
  process.exit(2);
}
const quick = flags.has('--quick');
// A snapshot of the module, so that a rebuild during the run cannot mix two builds.
const snapshot = mkdtempSync(path.join(tmpdir(), 'veto-bench-module-'));
for (const file of ['veto.mjs', 'veto.wasm']) copyFileSync(path.join(path.dirname(builtModule), file), path.join(snapshot, file));
const modulePath = path.join(snapshot, 'veto.mjs');
process.on('exit', () => rmSync(snapshot, {recursive: true, force: true}));
const brief = (text) => String(text).split('\n').filter((l) => l.length < 400).slice(-6).join('\n');
const here = path.dirname(fileURLToPath(import.meta.url));
const log = (...xs) => console.error('[bench]', ...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// CPU seconds of this process (user + system): the machine is shared, and CPU time is what
// time-slicing with other work does not inflate. It includes V8's helper threads (GC,
// compilers), a real cost of the Wasm and JS contestants. Throughput also shows wall time.
const now = () => {
  const {user, system} = process.cpuUsage();
  return (user + system) / 1e6;
};
const wallNow = () => performance.now() / 1e3;
const loadAtStart = loadavg();

// Median seconds of 5 passes after one warm-up pass.
function timePasses(fn, passes = 5) {
  fn();
  const times = [], walls = [];
  for (let i = 0; i < passes; i++) {
    const start = now(), wallStart = wallNow();
    fn();
    times.push(now() - start);
    walls.push(wallNow() - wallStart);
  }
  return {median: median(times), min: Math.min(...times), max: Math.max(...times), wall: median(walls)};
}

// Seconds per call of `fn` on its own: median of 5 batches of >= 20 ms each; a call over
// 0.5 s is timed once after the warm-up (so the slowest cases cannot stall the run).
function timeEach(fn) {
  let start = now();
  fn();
  if (now() - start > 0.5) {
    start = now();
    fn();
    return now() - start;
  }
  const batches = [];
  for (let b = 0; b < 5; b++) {
    let count = 0;
    start = now();
    do {
      fn();
      count++;
    } while (now() - start < 0.02);
    batches.push((now() - start) / count);
  }
  return median(batches);
}

function runNative(file, ...extra) {
  const run = spawnSync(benchBinary, [file, ...extra], {maxBuffer: 1 << 26});
  if (run.status !== 0) throw new Error(`veto-bench ${extra.join(' ')}: ${brief(run.stderr)}`);
  return JSON.parse(run.stdout.toString());
}

// ---------------------------------------------------------------------------------------
// The corpus, the same file for every contestant.
const lines = readCorpus(corpusPath);
const forms = lines.map((line) => JSON.parse(line));
const formsCount = forms.length;
const corpusBytes = readFileSync(corpusPath).length;
const phones = forms.filter((f) => f.phone !== undefined).length;
log(`corpus: ${formsCount} forms, ${corpusBytes} bytes, ${phones} with a phone`);

// Capture the module's WebAssembly.Memory (until the validator has `memoryBytes`).
const memories = [];
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...xs) {
  const result = await instantiate.apply(this, xs);
  for (const value of Object.values((result.instance ?? result).exports)) {
    if (value instanceof WebAssembly.Memory) memories.push(value);
  }
  return result;
};
const {createValidator} = await import(pathToFileURL(modulePath));
const v = await createValidator();
v.warmUp();
WebAssembly.instantiate = instantiate;
const heapBytes = () => (typeof v.memoryBytes === 'number' ? v.memoryBytes : memories[0]?.buffer.byteLength);
const heapSource = typeof v.memoryBytes === 'number' ? '`validator.memoryBytes`' :
    'the module\'s `WebAssembly.Memory` (`buffer.byteLength`, captured at instantiation; the validator has no `memoryBytes` yet)';
let sink = 0;

// ---------------------------------------------------------------------------------------
// Agreement: how often the JS stack and veto give the same verdict per field (the JS stack
// implements the rules only as far as its libraries go).
const vetoResults = forms.map((f) => v.validate(f));
const jsResults = forms.map((f) => js.validateForm(f));
const fieldNames = ['email', 'country', 'phone', 'justification', 'details'];
const agreement = fieldNames.map((name) => {
  const differ = {};
  let same = 0;
  forms.forEach((form, i) => {
    const a = vetoResults[i].fields[name], b = jsResults[i].fields[name];
    if (a.valid === b.valid) return same++;
    const key = `veto ${a.errors[0]?.code ?? 'valid'}${a.errors[0]?.params?.reason ? ` (${a.errors[0].params.reason})` : ''}, ` +
                `JS ${b.errors[0]?.code ?? 'valid'}`;
    (differ[key] ??= new Set()).add(form[name]);
  });
  const top = Object.entries(differ).sort((x, y) => y[1].size - x[1].size).slice(0, 2)
      .map(([key, values]) => `${key}: ${[...values].slice(0, 3).map((x) => '`' + JSON.stringify(x).slice(1, -1).slice(0, 40) + '`').join(', ')}`);
  return {name, same, top};
});
const vetoValid = vetoResults.filter((r) => r.valid).length;
const jsValid = jsResults.filter((r) => r.valid).length;

// ---------------------------------------------------------------------------------------
// Throughput: forms per second, median of 5 passes.
log('throughput: native');
const native = runNative(corpusPath);
log('throughput: Wasm');
const wasmJson = timePasses(() => { for (const line of lines) sink += v.validateJson(line).length; });
const wasmObject = timePasses(() => { for (const form of forms) sink += v.validate(form).valid; });
log('throughput: JS stack');
const jsPlain = timePasses(() => { for (const form of forms) sink += js.validateForm(form).valid; });
js.useChunkedSegmenter(true);
const jsChunked = timePasses(() => { for (const form of forms) sink += js.validateForm(form).valid; });
js.useChunkedSegmenter(false);

// ---------------------------------------------------------------------------------------
// Where the time goes: per field, over the whole corpus (absent fields included).
log('per field: native');
const nativeFields = runNative(corpusPath, '--per-field');
log('per field: Wasm and JS stack');
const perFieldPasses = (fn) => timePasses(fn, 3).median;
const wasmFields = {}, jsFields = {};
for (const name of fieldNames) {
  wasmFields[name] = perFieldPasses(() => { for (const form of forms) sink += v.validateField(name, form[name], form).valid; });
  jsFields[name] = perFieldPasses(() => { for (const form of forms) sink += js.fields[name](form).valid; });
}
const emptyForm = {};
const wasmFieldFloor = timeEach(() => { for (let i = 0; i < 1000; i++) sink += v.validateField('details', undefined, emptyForm).valid; }) / 1000;
// The phone check alone, on the forms that have one (and their country).
const phoneForms = forms.filter((f) => f.phone !== undefined);
const wasmPhoneOnly = perFieldPasses(() => { for (const form of phoneForms) sink += v.validateField('phone', form.phone, form).valid; });
const jsPhoneOnly = perFieldPasses(() => { for (const form of phoneForms) sink += js.fields.phone(form).valid; });

// ---------------------------------------------------------------------------------------
// Cold start: fresh Node processes (15 each, median). performance.now() counts from the
// process's time origin, so `start` is Node's own boot.
log('cold start');
const coldRuns = quick ? 3 : 15;
const fullForm = {email: 'anna.berg@münchen.de', country: 'Deutschland', phone: '+49 1512 3456789',
                  justification: 'Ich widerspreche der Nutzung meiner Daten für das Training von KI-Modellen.'};
const {phone: _, ...noPhoneForm} = fullForm;
const coldScripts = {
  veto: (form) => `
    const t0 = performance.now();
    const {createValidator} = await import(${JSON.stringify(pathToFileURL(path.resolve(modulePath)).href)});
    const t1 = performance.now();
    const v = await createValidator();
    const r = v.validate(${JSON.stringify(form)});
    const t2 = performance.now();
    console.log(JSON.stringify({start: t0, imported: t1, result: t2, valid: r.valid}));`,
  js: (form) => `
    const t0 = performance.now();
    const js = await import(${JSON.stringify(pathToFileURL(path.join(here, 'js-stack.mjs')).href)});
    const t1 = performance.now();
    const r = js.validateForm(${JSON.stringify(form)});
    const t2 = performance.now();
    console.log(JSON.stringify({start: t0, imported: t1, result: t2, valid: r.valid}));`,
};
// Each twice: as Node runs by default, and with --single-threaded, where V8 compiles on the
// main thread only. On this 2-core machine, shared with other work, V8's background compile
// tasks (Wasm tier-up, JS optimization) compete with the main thread, and the second run
// shows the work the first result itself needs (bench/README.md). The eight configurations
// take turns, one process each per round, so that a change in the machine's load during
// the section reaches all of them alike instead of one row.
const coldConfigs = [];
for (const [who, flags] of [['veto', []], ['js', []], ['veto.single', ['--single-threaded']],
                            ['js.single', ['--single-threaded']]]) {
  for (const [what, form] of [['phone', fullForm], ['nophone', noPhoneForm]]) {
    coldConfigs.push({key: `${who}.${what}`, flags, script: coldScripts[who.split('.')[0]](form), runs: []});
  }
}
const loadBeforeCold = loadavg()[0];
for (let i = 0; i < coldRuns; i++) {
  for (const config of coldConfigs) {
    const run = spawnSync(process.execPath, [...config.flags, '--no-warnings', '--input-type=module', '-e', config.script]);
    if (run.status !== 0) throw new Error(`cold start ${config.key}: ${brief(run.stderr)}`);
    config.runs.push(JSON.parse(run.stdout.toString()));
  }
}
const loadAfterCold = loadavg()[0];
const cold = {};
for (const {key, runs} of coldConfigs) {
  if (!runs.every((r) => r.valid)) throw new Error(`cold start ${key}: the form is not valid`);
  cold[key] = {
    boot: median(runs.map((r) => r.start)), importMs: median(runs.map((r) => r.imported - r.start)),
    toResult: median(runs.map((r) => r.result - r.start)), processToResult: median(runs.map((r) => r.result)),
    toResultSorted: runs.map((r) => r.result - r.start).sort((a, b) => a - b),
  };
}
const warmPhone = timeEach(() => { sink += v.validate(fullForm).valid; });
const warmNoPhone = timeEach(() => { sink += v.validate(noPhoneForm).valid; });
const jsWarmPhone = timeEach(() => { sink += js.validateForm(fullForm).valid; });
const jsWarmNoPhone = timeEach(() => { sink += js.validateForm(noPhoneForm).valid; });

// ---------------------------------------------------------------------------------------
// Bytes shipped to a browser: veto.mjs (the Emscripten glue with web/veto-api.js inside)
// + veto.wasm, against the JS stack bundled and minified by esbuild.
log('bytes');
const sizes = (buf) => ({
  raw: buf.length,
  gzip: zlib.gzipSync(buf, {level: 9}).length,
  brotli: zlib.brotliCompressSync(buf, {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11,
                                                   [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length}}).length,
});
const moduleText = readFileSync(modulePath, 'utf8');
const apiInside = moduleText.includes('class VetoValidator') && moduleText.includes('export async function createValidator');
const wasmSize = sizes(readFileSync(path.join(path.dirname(modulePath), 'veto.wasm')));
const mjsSize = sizes(Buffer.from(moduleText));
async function bundle(onlyLocale) {
  const plugins = onlyLocale ? [{
    name: 'only-locale',
    setup(build) {
      build.onLoad({filter: /i18n-iso-countries[\\/]langs[\\/][a-z]+\.json$/}, (a) => {
        const locale = path.basename(a.path, '.json');
        return locale === onlyLocale ? undefined :
            {contents: JSON.stringify({locale, countries: {}}), loader: 'json'};
      });
    },
  }] : [];
  const out = await esbuild.build({
    entryPoints: [path.join(here, 'js-stack.mjs')], bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2022', write: false, metafile: true, legalComments: 'none',
    logLevel: 'silent', plugins,
  });
  const [file] = out.outputFiles;
  const byPackage = {};
  for (const [input, {bytesInOutput}] of Object.entries(Object.values(out.metafile.outputs)[0].inputs)) {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(langs\/)?/);
    const key = match ? match[1] + (match[2] ? ' (country names)' : '') : 'bench/js-stack.mjs (glue)';
    byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
  }
  return {size: sizes(Buffer.from(file.contents)), byPackage};
}
const jsBundle = await bundle();
const jsBundleEn = await bundle('en');

// ---------------------------------------------------------------------------------------
// Memory: the Wasm heap after warm-up and after 1,000,000 validations of the corpus forms.
const totalValidations = quick ? 10_000 : 1_000_000;
log(`memory: ${totalValidations} validations`);
for (const form of forms) sink += v.validateJson(lines[0]).length + v.validate(form).valid;  // warm-up
const heapAfterWarmUp = heapBytes();
const heapSamples = [];
const memoryStart = now();
const sampleEvery = totalValidations / 10;
for (let done = 0; done < totalValidations;) {
  for (let i = 0; i < lines.length && done < totalValidations; i++) {
    sink += (done & 1) ? v.validate(forms[i]).valid : v.validateJson(lines[i]).length;
    if (++done % sampleEvery === 0) heapSamples.push(heapBytes());
  }
}
const memorySeconds = now() - memoryStart;
const heapAtEnd = heapBytes();

// ---------------------------------------------------------------------------------------
// Scaling: one field of 1 KB, 10 KB and 64 KB (just under the 64 KiB field limit) of each
// kind, alone in a form of the default ruleset (the other fields absent). Linear time =
// the same time per KB at every size.
log('scaling');
const fill = (unit, bytes, prefix = '', suffix = '') => {
  const unitBytes = Buffer.byteLength(unit);
  const room = bytes - Buffer.byteLength(prefix + suffix);
  return prefix + unit.repeat(Math.max(0, Math.floor(room / unitBytes))) + suffix;
};
const scalingKinds = [
  {kind: 'email: long local part (rejected: local part over 64 octets)', field: 'email',
   make: (n) => fill('a', n, '', '@example.org')},
  {kind: 'email: long IDN domain (rejected: domain over 253 octets)', field: 'email',
   make: (n) => fill('münchenstraße.', n, 'anna@', 'de')},
  {kind: 'country: repeated name (unknown)', field: 'country', make: (n) => fill('Deutschland ', n)},
  {kind: 'phone: repeated digits and spaces (rejected)', field: 'phone', make: (n) => fill('030 1234567 ', n)},
  {kind: 'justification: ASCII words', field: 'justification', make: (n) => fill('Meta must not train its AI on my posts. ', n)},
  {kind: 'justification: Chinese', field: 'justification', make: (n) => fill('我不同意使用我的数据训练人工智能模型。', n)},
  {kind: 'justification: combining marks', field: 'justification', make: (n) => fill('e\u0301\u0302\u0303 ', n)},
  {kind: 'justification: emoji ZWJ sequences', field: 'justification', make: (n) => fill('👨\u200d👩\u200d👧 ', n)},
];
const fieldSizes = [1024, 10 * 1024, 64 * 1024 - 64];
const scalingCases = scalingKinds.flatMap(({kind, field, make}) =>
  fieldSizes.map((size) => ({kind, field, size, form: {[field]: make(size)}})));
const scratch = mkdtempSync(path.join(tmpdir(), 'veto-bench-'));
const scalingFile = path.join(scratch, 'scaling.jsonl');
// Whole documents (the JSON layer): 10x the input should take 10x the time.
const documentKinds = {
  'deep nesting': (bytes) => `{"email":"a@b.de","x":${'['.repeat(bytes / 2 - 12)}${']'.repeat(bytes / 2 - 12)}}`,
  'many members': (bytes) => {
    let out = '{"email":"a@b.de"';
    for (let i = 0; out.length < bytes - 16; i++) out += `,"m${i}":${i}`;
    return out + '}';
  },
  'one long string': (bytes) => `{"email":"a@b.de","note":"${'x'.repeat(bytes - 30)}"}`,
};
const documentCases = Object.entries(documentKinds).flatMap(([kind, make]) =>
  [10_000, 100_000, 1_000_000].map((size) => ({kind, line: make(size)})));
writeFileSync(scalingFile, [...scalingCases.map((c) => JSON.stringify(c.form)), ...documentCases.map((c) => c.line)].join('\n') + '\n');
const nativeEach = runNative(scalingFile, '--each').seconds;
const nativeScaling = nativeEach.slice(0, scalingCases.length);
documentCases.forEach((c, i) => {
  c.native = nativeEach[scalingCases.length + i];
  c.wasm = timeEach(() => { sink += v.validateJson(c.line).length; });
});
rmSync(scratch, {recursive: true, force: true});
for (const [i, c] of scalingCases.entries()) {
  c.bytes = Buffer.byteLength(c.form[c.field]);
  c.native = nativeScaling[i];
  c.wasm = timeEach(() => { sink += v.validate(c.form).valid; });
  c.js = timeEach(() => { sink += js.fields[c.field](c.form).valid; });
  if (c.field === 'justification') {
    js.useChunkedSegmenter(true);
    c.jsChunked = timeEach(() => { sink += js.fields[c.field](c.form).valid; });
    js.useChunkedSegmenter(false);
  }
}

// ---------------------------------------------------------------------------------------
// Where the phone time goes: callgrind on veto-bench's phone check (native, same
// libphonenumber 8.12.57 and ICU 72 code as the Wasm build, without Wasm's overheads).
let profile;
const haveValgrind = spawnSync('valgrind', ['--version']).status === 0;
if (!flags.has('--no-profile') && haveValgrind) {
  log('callgrind: phone');
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-callgrind-'));
  const sample = path.join(dir, 'forms.jsonl');
  const sampleForms = lines.slice(0, 2000);
  writeFileSync(sample, sampleForms.join('\n') + '\n');
  const out = path.join(dir, 'callgrind.out');
  const run = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, '--collect-atstart=no',
                                     '--toggle-collect=*veto_bench_profiled*', benchBinary, sample, '--profile', 'phone',
                                     '--passes', '1']);
  if (run.status === 0) {
    const annotate = (...xs) => spawnSync('callgrind_annotate', [...xs, out], {maxBuffer: 1 << 26}).stdout.toString();
    const parse = (text) => text.split('\n').map((line) => line.match(/^\s*([\d,]+) \(\s*([\d.]+)%\)\s+(?:\?\?\?:|\.\/[^:]*:)?(.*?)( \[[^\]]*\])?$/))
        .filter(Boolean).map(([, ir, pct, fn, lib]) => ({ir: Number(ir.replace(/,/g, '')), pct: Number(pct), fn, lib: lib ?? ''}));
    const inclusive = parse(annotate('--inclusive=yes'));
    const exclusive = parse(annotate());
    const total = inclusive.find((r) => r.fn.includes('veto_bench_profiled'))?.ir ?? 1;
    const tree = annotate('--tree=caller', '--inclusive=yes');
    const compiles = Number(tree.match(/< [^\n]*IcuRegExp::IcuRegExp[^\n]*?\(([\d,]+)x\)[^\n]*\n[^\n]*\*\s+\S*RegexPattern::compile/)?.[1]?.replace(/,/g, '') ?? 0);
    const phonesInSample = sampleForms.filter((l) => JSON.parse(l).phone !== undefined).length;
    profile = {total, phonesInSample, compiles, inclusive, exclusive};
  }
  rmSync(dir, {recursive: true, force: true});
}

// =======================================================================================
// Report.
const us = (s) => (s * 1e6).toFixed(s * 1e6 < 10 ? 2 : 1);
const perForm = (s) => us(s / formsCount);
const perSecond = (s) => Math.round(formsCount / s).toLocaleString('en');
const kb = (n) => (n / 1024).toFixed(1);
const ms = (x) => x.toFixed(1);
const ratio = (jsSeconds, seconds) => (jsSeconds / seconds).toFixed(2) + 'x';
const loadAtEnd = loadavg();

console.log(`Corpus: \`node bench/corpus.mjs\` (seed 20261129): ${formsCount.toLocaleString('en')} forms,
${kb(corpusBytes)} KB of JSON lines (median form ~${median(lines.map((l) => l.length))} bytes), ${phones.toLocaleString('en')}
with a phone (20 countries), IDN and typo'd addresses, countries as codes and as names in several of the 26
locales, text in 15 scripts with emoji; ${vetoValid.toLocaleString('en')} forms valid for veto,
${jsValid.toLocaleString('en')} for the JS stack. Load average (1 min) at start ${loadAtStart[0].toFixed(2)}, at end
${loadAtEnd[0].toFixed(2)} on ${cpus().length} cores shared with other work: figures move by 10-30% between runs.

### Throughput (${formsCount.toLocaleString('en')} forms, median of 5 passes after a warm-up pass; CPU time unless marked wall)

| implementation | µs per form (CPU) | forms per CPU second | vs JS stack | vs JS stack, chunked | µs per form (wall) |
|---|---:|---:|---:|---:|---:|
| veto native, C++ \`validate_json\` + \`to_json\` (\`bench/veto-bench\`) | ${perForm(native.median_seconds)} | ${perSecond(native.median_seconds)} | ${ratio(jsPlain.median, native.median_seconds)} | ${ratio(jsChunked.median, native.median_seconds)} | ${perForm(native.median_wall_seconds)} |
| veto Wasm in Node, \`validateJson\` (string in, JSON text out) | ${perForm(wasmJson.median)} | ${perSecond(wasmJson.median)} | ${ratio(jsPlain.median, wasmJson.median)} | ${ratio(jsChunked.median, wasmJson.median)} | ${perForm(wasmJson.wall)} |
| veto Wasm in Node, \`validate\` (object in, object out) | ${perForm(wasmObject.median)} | ${perSecond(wasmObject.median)} | ${ratio(jsPlain.median, wasmObject.median)} | ${ratio(jsChunked.median, wasmObject.median)} | ${perForm(wasmObject.wall)} |
| JS stack (\`bench/js-stack.mjs\`: validator.js, libphonenumber-js/max, i18n-iso-countries, Intl.Segmenter), object in | ${perForm(jsPlain.median)} | ${perSecond(jsPlain.median)} | 1.00x | | ${perForm(jsPlain.wall)} |
| JS stack, Intl.Segmenter fed pieces of ~256 code units (works around Node 20's quadratic Segmenter) | ${perForm(jsChunked.median)} | ${perSecond(jsChunked.median)} | | 1.00x | ${perForm(jsChunked.wall)} |

Pass spread (min-max, CPU s): native ${Math.min(...native.passes).toFixed(3)}-${Math.max(...native.passes).toFixed(3)}, Wasm
\`validateJson\` ${wasmJson.min.toFixed(3)}-${wasmJson.max.toFixed(3)}, \`validate\` ${wasmObject.min.toFixed(3)}-${wasmObject.max.toFixed(3)}, JS stack
${jsPlain.min.toFixed(3)}-${jsPlain.max.toFixed(3)}, chunked ${jsChunked.min.toFixed(3)}-${jsChunked.max.toFixed(3)}.

Same verdict as veto, per field (of ${formsCount.toLocaleString('en')}): ${agreement.map((a) => `${a.name} ${(a.same / formsCount * 100).toFixed(1)}%`).join(', ')}.
${agreement.filter((a) => a.top.length).map((a) => `- ${a.name}: ${a.top.join('; ')}`).join('\n')}

### Where the time goes, per field (CPU µs per form over the whole corpus, absent fields included)

| part | native | Wasm | JS stack |
|---|---:|---:|---:|
${fieldNames.map((name) => `| \`${name}\` | ${perForm(nativeFields.fields[name])} | ${perForm(wasmFields[name])} | ${perForm(jsFields[name])} |`).join('\n')}
| sum of the fields | ${perForm(fieldNames.reduce((s, n) => s + nativeFields.fields[n], 0))} | ${perForm(fieldNames.reduce((s, n) => s + wasmFields[n], 0))} | ${perForm(fieldNames.reduce((s, n) => s + jsFields[n], 0))} |
| whole form from members/object (native \`validate(form)\`, Wasm \`validate\`, JS \`validateForm\`) | ${perForm(nativeFields.validate_members)} | ${perForm(wasmObject.median)} | ${perForm(jsPlain.median)} |
| whole form from JSON text (\`validate_json\`; Wasm \`validateJson\`) | ${perForm(nativeFields.validate_json)} | ${perForm(wasmJson.median)} | |
| JSON: parse (\`validate_json\` − \`validate(form)\`) / serialize (\`to_json\`) | ${perForm(nativeFields.validate_json - nativeFields.validate_members)} / ${perForm(nativeFields.validate_json_to_json - nativeFields.validate_json)} | | |
| phone, per form that has one (${phones.toLocaleString('en')}) | ${us(nativeFields.fields.phone / phones)} | ${us(wasmPhoneOnly / phones)} | ${us(jsPhoneOnly / phones)} |

Per-field figures are \`validate_field\` natively and \`validateField(name, value, form)\` in Wasm, which
packs the whole form and parses the field's JSON result on every call: about ${us(wasmFieldFloor)} µs per call
(\`validateField\` of an absent field), paid five times in the Wasm column's sum. \`phone\` also resolves
the country it reads. Native per-field passes ran apart from the throughput run above, so the
rows need not add up exactly.

### Node cold start (wall ms, median of ${coldRuns} fresh \`node\` processes each)

| | process start → \`import\` done | \`import\` → first result, form with phone | \`import\` → first result, form without phone | process start → first result (phone / no phone) |
|---|---:|---:|---:|---:|
| veto (\`import\` veto.mjs, \`createValidator()\`, \`validate\`) | ${ms(cold['veto.phone'].boot + cold['veto.phone'].importMs)} | ${ms(cold['veto.phone'].toResult)} | ${ms(cold['veto.nophone'].toResult)} | ${ms(cold['veto.phone'].processToResult)} / ${ms(cold['veto.nophone'].processToResult)} |
| JS stack (\`import\` js-stack.mjs with the 26 locales, \`validateForm\`) | ${ms(cold['js.phone'].boot + cold['js.phone'].importMs)} | ${ms(cold['js.phone'].toResult)} | ${ms(cold['js.nophone'].toResult)} | ${ms(cold['js.phone'].processToResult)} / ${ms(cold['js.nophone'].processToResult)} |
| veto, \`node --single-threaded\` | ${ms(cold['veto.single.phone'].boot + cold['veto.single.phone'].importMs)} | ${ms(cold['veto.single.phone'].toResult)} | ${ms(cold['veto.single.nophone'].toResult)} | ${ms(cold['veto.single.phone'].processToResult)} / ${ms(cold['veto.single.nophone'].processToResult)} |
| JS stack, \`node --single-threaded\` | ${ms(cold['js.single.phone'].boot + cold['js.single.phone'].importMs)} | ${ms(cold['js.single.phone'].toResult)} | ${ms(cold['js.single.nophone'].toResult)} | ${ms(cold['js.single.phone'].processToResult)} / ${ms(cold['js.single.nophone'].processToResult)} |

\`--single-threaded\` keeps V8 from compiling in background threads: on this 2-core machine,
shared with other work, those threads (Wasm tier-up for veto, JS optimization for the JS stack)
compete with the main thread for the cores, so the default rows also measure that contention,
and the single-threaded rows the work a first result needs. The eight configurations (four rows, with and without a phone) took
turns, ${coldRuns} rounds; load average (1 min) ${loadBeforeCold.toFixed(2)} before the rounds, ${loadAfterCold.toFixed(2)} after.
veto with a phone, \`import\` → first result, over its ${coldRuns} processes: fastest
${ms(cold['veto.phone'].toResultSorted[0])} ms, quartiles ${[0.25, 0.5, 0.75].map((q) => ms(cold['veto.phone'].toResultSorted[Math.floor(q * coldRuns)])).join(' / ')} ms, slowest ${ms(cold['veto.phone'].toResultSorted[coldRuns - 1])} ms.

Node itself takes ${ms(cold['veto.phone'].boot)} ms from process start to the first line of the script. \`import\` alone: veto
${ms(cold['veto.phone'].importMs)} ms, JS stack ${ms(cold['js.phone'].importMs)} ms. Warm, the same form takes ${us(warmPhone)} µs with the phone and
${us(warmNoPhone)} µs without in veto Wasm; ${us(jsWarmPhone)} / ${us(jsWarmNoPhone)} µs in the JS stack.

### Bytes shipped to a browser

| files | raw KB | gzip -9 KB | brotli KB |
|---|---:|---:|---:|
| veto.wasm | ${kb(wasmSize.raw)} | ${kb(wasmSize.gzip)} | ${kb(wasmSize.brotli)} |
| veto.mjs (Emscripten glue${apiInside ? ' with web/veto-api.js inside' : ''}) | ${kb(mjsSize.raw)} | ${kb(mjsSize.gzip)} | ${kb(mjsSize.brotli)} |
| **veto total** | **${kb(wasmSize.raw + mjsSize.raw)}** | **${kb(wasmSize.gzip + mjsSize.gzip)}** | **${kb(wasmSize.brotli + mjsSize.brotli)}** |
| **JS stack**, esbuild bundle (minified ESM), country names in the 26 locales | **${kb(jsBundle.size.raw)}** | **${kb(jsBundle.size.gzip)}** | **${kb(jsBundle.size.brotli)}** |
| JS stack, country names in English only (names typed in other languages not recognized) | ${kb(jsBundleEn.size.raw)} | ${kb(jsBundleEn.size.gzip)} | ${kb(jsBundleEn.size.brotli)} |

JS bundle by package (raw KB, 26 locales): ${Object.entries(jsBundle.byPackage).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${kb(n)}`).join(', ')}.
Intl.Segmenter and \`normalize\` are the browser's (0 bytes). The JS stack has no localized
messages; veto's module carries messages in 26 locales, ICU data and libphonenumber's metadata.
Compressed with node:zlib (gzip level 9, brotli quality 11).

### Memory: the Wasm heap

Read from ${heapSource}.

| after | Wasm linear memory |
|---|---:|
| warm-up (one pass of the corpus through \`validate\` and \`validateJson\`, \`warmUp()\`) | ${kb(heapAfterWarmUp)} KB |
${heapSamples.map((b, i) => `| ${((i + 1) * totalValidations / 10).toLocaleString('en')} validations | ${kb(b)} KB |`).join('\n')}

${totalValidations.toLocaleString('en')} validations (corpus forms, alternating \`validateJson\` and \`validate\`) in ${memorySeconds.toFixed(0)} s:
**${heapAtEnd > heapAfterWarmUp ? `the heap GREW by ${kb(heapAtEnd - heapAfterWarmUp)} KB after warm-up` : 'no growth after warm-up'}**.

### Scaling: one field of 1 KB, 10 KB and 64 KB (CPU µs per field; µs per KB in brackets)

The contract caps an address at 254 octets (docs/contract.md §2.1 rule 13), so a 1-64 KB email is measured for what the rules do with
it: rejecting it (after trimming, splitting, UTS #46 on the domain). Every field is alone in a
form of the default ruleset; native times \`validate_json\` + \`to_json\` of that form, Wasm and the JS
stack validate the form object (the JS stack only that field). The last column: time per KB at
64 KB over time per KB at 1 KB (1 = linear; the JS stack's Intl.Segmenter is quadratic in Node 20).

| field | size | native | Wasm | JS stack | JS stack, chunked | 64 KB / 1 KB per KB: native, Wasm, JS |
|---|---:|---:|---:|---:|---:|---|
${scalingCases.map((c, i) => {
  const cell = (s) => `${us(s)} (${us(s / (c.bytes / 1024))})`;
  const first = scalingCases[i - (i % 3)];
  const growth = i % 3 === 2 ? ['native', 'wasm', 'js'].map((k) => ((c[k] / c.bytes) / (first[k] / first.bytes)).toFixed(1)).join(', ') : '';
  return `| ${i % 3 === 0 ? c.kind : ''} | ${kb(c.bytes)} KB | ${cell(c.native)} | ${cell(c.wasm)} | ${cell(c.js)} | ${c.jsChunked === undefined ? '' : cell(c.jsChunked)} | ${growth} |`;
}).join('\n')}

Whole documents through \`validate_json\` / \`validateJson\` (CPU ms per MB; linear = flat across sizes):

| document | native 10 KB | native 100 KB | native 1 MB | Wasm 10 KB | Wasm 100 KB | Wasm 1 MB |
|---|---:|---:|---:|---:|---:|---:|
${Object.keys(documentKinds).map((kind) => {
  const row = documentCases.filter((c) => c.kind === kind);
  const perMb = (c, k) => (c[k] / (c.line.length / 1e6) * 1e3).toFixed(1);
  return `| ${kind} | ${row.map((c) => perMb(c, 'native')).join(' | ')} | ${row.map((c) => perMb(c, 'wasm')).join(' | ')} |`;
}).join('\n')}
`);

if (profile) {
  const pick = (rows, re, n) => rows.filter((r) => re.test(r.fn) &&
      !/veto_bench_profiled|^main$|libc_start|below main|0x0|PROGRAM TOTALS|validate_field|check_field/.test(r.fn)).slice(0, n);
  const short = (fn) => fn.replace(/\(.*$/, '').replace(/^i18n::phonenumbers::/, '').replace(/std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >/g, 'string');
  const pct = (r) => (r.ir / profile.total * 100).toFixed(1) + '%';
  console.log(`### Where the phone time goes (callgrind, native)

\`valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*veto_bench_profiled*' veto-bench FORMS --profile phone --passes 1\`
on the first 2,000 corpus forms (${profile.phonesInSample} phones) after a warm-up pass: ${Math.round(profile.total / profile.phonesInSample).toLocaleString('en')} instructions per phone.
${profile.compiles ? `ICU compiled ${profile.compiles} regular expressions during the measured pass (libphonenumber's RegExpCache evicting and recompiling).` : ''}

| inclusive (share of the phone check) | function |
|---:|---|
${pick(profile.inclusive, /phonenumbers|icu_|veto::/, 20).map((r) => `| ${pct(r)} | \`${short(r.fn)}\` |`).join('\n')}

| exclusive (self) | function |
|---:|---|
${pick(profile.exclusive, /./, 12).map((r) => `| ${pct(r)} | \`${short(r.fn)}\`${r.lib ? ' ' + path.basename(r.lib.slice(2, -1)) : ''} |`).join('\n')}
`);
} else {
  console.log(`(No phone profile: ${haveValgrind ? '--no-profile' : 'valgrind is not installed'}.)\n`);
}
if (sink === 0) console.error('unexpected: nothing measured');
