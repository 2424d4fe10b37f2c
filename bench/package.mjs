// The npm package's figures: the tarball's packed and unpacked size, and what each bundler
// adds to veto.mjs + veto.wasm when a project bundles the package (the least use of it,
// tests/package/consumer/src/only-veto.js), in brotli bytes. Writes bench/RESULTS-package.md.
//   node bench/package.mjs [TARBALL]   (default: VETO_PACKAGE, else scripts/package.sh makes it)
// Brotli at quality 11, each file on its own, as a server would send it.
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {brotliCompressSync, constants} from 'node:zlib';

import {prepareConsumer, root, tarball} from '../tests/package/project.mjs';

const packed = path.resolve(process.argv[2] ?? tarball());
const dir = prepareConsumer(packed);
const installed = path.join(dir, 'node_modules/veto-validator');
const consumer = await import(pathToFileURL(path.join(dir, 'build.mjs')));

const brotliCache = new Map();
function brotli(bytes) {
  const key = bytes.toString('base64');
  if (!brotliCache.has(key)) {
    brotliCache.set(key, brotliCompressSync(bytes, {params: {[constants.BROTLI_PARAM_QUALITY]: 11}}).length);
  }
  return brotliCache.get(key);
}
const files = (folder) => readdirSync(folder, {recursive: true}).map((f) => path.join(folder, f))
    .filter((f) => statSync(f).isFile() && !f.endsWith('.html'));

// The tarball as npm lists it: each entry's size from `tar tzv`.
const listing = execFileSync('tar', ['tzvf', packed], {encoding: 'utf8'}).trim().split('\n');
const unpacked = listing.reduce((sum, line) => sum + Number(line.split(/\s+/)[2]), 0);

const vetoMjs = readFileSync(path.join(installed, 'veto.mjs'));
const vetoWasm = readFileSync(path.join(installed, 'veto.wasm'));
const own = {js: brotli(vetoMjs), wasm: brotli(vetoWasm)};
const versions = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).packages;
const rows = [];
for (const [bundler, build] of [['esbuild', consumer.buildEsbuild], ['webpack', consumer.buildWebpack],
                                ['vite', consumer.buildVite]]) {
  const out = await build('src/only-veto.js', `bench-${bundler}`);
  let js = 0, wasm = 0, raw = 0;
  for (const file of files(out)) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    if (file.endsWith('.wasm')) {
      if (!bytes.equals(vetoWasm)) throw new Error(`${file} is not the package's veto.wasm`);
      wasm += brotli(bytes);
    } else {
      js += brotli(bytes);
    }
  }
  rows.push(`| ${bundler} ${versions[`node_modules/${bundler}`].version} | ${raw.toLocaleString('en')} | ` +
            `${js.toLocaleString('en')} | ${wasm.toLocaleString('en')} | ${(js + wasm - own.js - own.wasm).toLocaleString('en')} |`);
}

const text = `# The npm package (\`node bench/package.mjs\`, run by scripts/bench.sh)

Made on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC from \`${path.relative(root, packed)}\`
(\`scripts/package.sh\`), installed into tests/package/consumer's project as the package tests do.

| tarball | bytes |
|---|---|
| packed (\`.tgz\`) | ${statSync(packed).size.toLocaleString('en')} |
| unpacked (${listing.length} files) | ${unpacked.toLocaleString('en')} |

What a bundle of the least use of the package (\`import {createValidator}\` and nothing else,
tests/package/consumer/src/only-veto.js) weighs, each output file brotli-compressed (quality
11) on its own, against the package's own veto.mjs (${own.js.toLocaleString('en')} B brotli) and veto.wasm
(${own.wasm.toLocaleString('en')} B brotli). Every bundler emits veto.wasm byte for byte as it is; the last
column is what the bundler adds (its runtime, the asset's URL) or saves (its own minifier).

| bundler | output bytes, raw | JS, brotli | veto.wasm, brotli | added beyond veto.mjs + veto.wasm, brotli |
|---|---|---|---|---|
${rows.join('\n')}
`;
writeFileSync(path.join(root, 'bench/RESULTS-package.md'), text);
process.stdout.write(text);
