// The npm package as its users get it: scripts/package.sh's tarball installed into a
// throwaway consumer project (project.mjs), then used unchanged from a Node ESM script, an
// esbuild bundle, a Vite production build and the Vite dev server, a webpack 5 build, a
// plain <script type="module"> page and a module Web Worker, each validating a real form in
// every engine of browser.mjs. Every result is byte-identical to the CLI's for the same line.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {pathToFileURL} from 'node:url';

import {engines, openBrowser} from './browser.mjs';
import {prepareConsumer, root, tarball} from './project.mjs';
import {serveStatic} from './serve.mjs';

const cli = path.resolve(process.env.VETO_CLI ?? path.join(root, 'build/native/veto'));
const forms = readFileSync(new URL('forms.jsonl', import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const packed = tarball();
const dir = prepareConsumer(packed);
const installed = path.join(dir, 'node_modules/veto-validator');
const consumer = await import(pathToFileURL(path.join(dir, 'build.mjs')));

/** The CLI's lines for these JSON lines, in German as the consumers ask. */
function cliLines(inputs) {
  const r = spawnSync(cli, ['validate', '--locale', 'de'], {input: inputs.join('\n') + '\n', encoding: 'utf8'});
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout.split('\n').slice(0, -1);
}

/** Asserts that a consumer's [{input, output}] are the CLI's answers, for every form. */
function assertLikeCli(name, results) {
  assert.equal(results.length, forms.length, name);
  assert.deepEqual(results.map((r) => r.output), cliLines(results.map((r) => r.input)), name);
  assert.deepEqual(results.map((r) => JSON.parse(r.input).email), forms.map((f) => f.email), name);
}

test('the tarball is the package: its files, manifest and version', async () => {
  const files = execFileSync('tar', ['tzf', packed], {encoding: 'utf8'}).trim().split('\n').sort();
  // The license and notices cover what veto.wasm contains: every text of LICENSES/ is in.
  const licenses = readdirSync(path.join(root, 'LICENSES')).map((f) => `package/LICENSES/${f}`);
  for (const file of ['package/README.md', 'package/package.json', 'package/veto.d.mts', 'package/veto.mjs',
                      'package/veto.wasm', 'package/LICENSE', 'package/THIRD_PARTY_NOTICES.md', ...licenses]) {
    assert.ok(files.includes(file), `${file} in ${files.join(' ')}`);
  }
  const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8'));
  const version = execFileSync(path.join(root, 'scripts/version.sh'), {encoding: 'utf8'}).trim();
  assert.equal(manifest.version, version);
  assert.equal(path.basename(packed), `veto-validator-${version}.tgz`);
  assert.equal((await import(pathToFileURL(path.join(installed, 'veto.mjs')))).version, version);
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.license, 'Apache-2.0');
  assert.deepEqual(manifest.exports['.'], {types: './veto.d.mts', import: './veto.mjs', default: './veto.mjs'});
  assert.equal(manifest.exports['./veto.wasm'], './veto.wasm');
  assert.equal(manifest.exports['./package.json'], './package.json');
  assert.equal(manifest.dependencies, undefined);
  assert.match(manifest.engines.node, /^>=\d/);
  // The README a user reads on npm links nowhere outside the package's repository words.
  assert.doesNotMatch(readFileSync(path.join(installed, 'README.md'), 'utf8'), /\.\.\/|shared\//);
});

test('Node: an ESM script imports the package by name; its subpaths resolve', () => {
  const input = forms.map((f) => JSON.stringify(f)).join('\n') + '\n';
  const r = spawnSync(process.execPath, ['node-app.mjs'], {cwd: dir, input, encoding: 'utf8'});
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').slice(0, -1), cliLines(input.trim().split('\n')));
  const resolved = spawnSync(process.execPath, ['--input-type=module', '-e', `
    console.log(import.meta.resolve('veto-validator/veto.wasm'));
    console.log((await import('veto-validator/package.json', {with: {type: 'json'}})).default.name);`],
    {cwd: dir, encoding: 'utf8'});
  assert.equal(resolved.status, 0, resolved.stderr);
  assert.deepEqual(resolved.stdout.trim().split('\n'),
                   [pathToFileURL(path.join(installed, 'veto.wasm')).href, 'veto-validator']);
});

test('TypeScript: a consumer file type-checks with tsc --strict through the exports map', () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,dom',
                                         '--module', 'nodenext', '--moduleResolution', 'nodenext',
                                         path.join(dir, 'src/types.mts')], {encoding: 'utf8'});
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

// The static folder: the package's two files copied to veto/, imported by a plain module
// script (index.html), by a module Web Worker (worker.html), and by load.html, which tries
// the `wasm` option against the server's failing routes.
function writeStatic() {
  const out = path.join(consumer.outRoot, 'static');
  mkdirSync(path.join(out, 'veto'), {recursive: true});
  for (const file of ['veto.mjs', 'veto.wasm']) copyFileSync(path.join(installed, file), path.join(out, 'veto', file));
  for (const file of ['form.js', 'worker.js']) copyFileSync(path.join(dir, 'src', file), path.join(out, file));
  writeFileSync(path.join(out, 'index.html'), consumer.page(`<script type="module">
import {createValidator} from './veto/veto.mjs';
import {mountConsumer} from './form.js';
mountConsumer(async () => {
  const validator = await createValidator({locale: 'de'});
  return (text) => validator.validateJson(text);
});
</script>`));
  writeFileSync(path.join(out, 'worker.html'), consumer.page(`<script type="module">
import {mountConsumer} from './form.js';
mountConsumer(async () => {
  const worker = new Worker('./worker.js', {type: 'module'});
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({data}) => {
    const {resolve, reject} = pending.get(data.id);
    pending.delete(data.id);
    if (data.error) reject(new Error(data.error)); else resolve(data.output);
  };
  return (text) => new Promise((resolve, reject) => {
    pending.set(next, {resolve, reject});
    worker.postMessage({id: next++, text});
  });
});
</script>`));
  writeFileSync(path.join(out, 'load.html'), consumer.page(`<script type="module">
import {createValidator} from './veto/veto.mjs';
globalThis.vetoLoad = async (wasm) => {
  try {
    return {output: (await createValidator({wasm, locale: 'de'})).validateJson(${JSON.stringify(JSON.stringify(forms[0]))})};
  } catch (error) {
    return {error: error.message};
  }
};
</script>`));
}

describe('in browsers', () => {
const env = {};
before(async () => {
  await Promise.all([consumer.buildEsbuild(), consumer.buildWebpack(), consumer.buildVite()]);
  writeStatic();
  const wasm = path.join(installed, 'veto.wasm');
  env.static = await serveStatic(consumer.outRoot, {
    '/octet.wasm': {type: 'application/octet-stream', file: wasm},
    '/page.wasm': {type: 'text/html', body: '<!doctype html><title>app</title>'},
  });
  env.dev = await consumer.startViteDev();
  env.dev7 = await consumer.startVite7Dev();
  // A port nobody listens on: a server started and closed again.
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  env.closedPort = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
});
after(async () => {
  await env.static?.close();
  await env.dev?.close();
  await env.dev7?.close();
});

for (const engine of engines) {
  describe(engine, () => {
    let browser;
    before(async () => { browser = await openBrowser(engine); });
    after(() => browser?.close());

    test('every bundle, the dev server, the static page and the worker validate the form like the CLI', async () => {
      const pages = {
        esbuild: `${env.static.url}dist-esbuild/`,
        webpack: `${env.static.url}dist-webpack/`,
        'vite build': `${env.static.url}dist-vite/`,
        'vite dev': env.dev.url,
        'vite 7 dev': env.dev7.url,
        'static page': `${env.static.url}static/`,
        'web worker': `${env.static.url}static/worker.html`,
      };
      for (const [name, url] of Object.entries(pages)) {
        const page = await browser.open(url);
        assertLikeCli(`${engine} ${name}`, await page.call('vetoConsumer', forms));
      }
      // The dev server served the package pre-bundled (moved to node_modules/.vite/deps/).
      assert.ok(existsSync(path.join(dir, 'node_modules/.vite/deps/veto-validator.js')));
    });

    test('a failed load names the URL and what failed; a later createValidator loads', async () => {
      const base = env.static.url;
      const unreachable = `http://127.0.0.1:${env.closedPort}/veto.wasm`;
      const page = await browser.open(`${base}static/load.html`);
      assert.deepEqual(await page.call('vetoLoad', `${base}missing.wasm`),
                       {error: `veto: loading veto.wasm from ${base}missing.wasm failed: HTTP 404 Not Found`});
      assert.match((await page.call('vetoLoad', '/page.wasm')).error,
                   new RegExp(`^veto: ${base}page\\.wasm is not a WebAssembly module \\(Content-Type text/html;`));
      assert.match((await page.call('vetoLoad', unreachable)).error,
                   new RegExp(`^veto: cannot fetch veto\\.wasm from ${unreachable.replace(/\./g, '\\.')}: `));
      // Served as application/octet-stream: compiled from the bytes instead of streamed.
      const {output} = await page.call('vetoLoad', '/octet.wasm');
      assert.deepEqual([output], cliLines([JSON.stringify(forms[0])]));
    });
  });
}
});
