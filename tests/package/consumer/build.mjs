// How this project builds its page with each bundler, as its developer would write it: the
// bundlers' own APIs with nothing configured for veto-validator (where one needs a line,
// that line is here and in the package's README). Each build writes ../out/NAME/ with an
// index.html holding the form of page(): outside the project, whose every HTML file the Vite
// dev server would otherwise scan for imports.
import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import * as esbuild from 'esbuild';
import * as vite from 'vite';
import * as vite7 from 'vite7';
import webpack from 'webpack';

export const dir = path.dirname(fileURLToPath(import.meta.url));
export const outRoot = path.resolve(dir, '../out');
const require = createRequire(import.meta.url);

/** The page's HTML around `script`: the form the tests fill in. */
export function page(script) {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>veto-validator consumer</title>
<form id="objection">
  <label>Email <input name="email"></label>
  <label>Country <input name="country"></label>
  <label>Phone <input name="phone"></label>
  <label>Why <textarea name="justification"></textarea></label>
</form>
<output id="result"></output>
${script}
</html>
`;
}

function writePage(out, script) {
  mkdirSync(out, {recursive: true});
  writeFileSync(path.join(out, 'index.html'), page(script));
}

// Each build takes the entry (default: the page's src/main.js) and the output folder's name.
export async function buildEsbuild(entry = 'src/main.js', name = 'dist-esbuild') {
  const out = path.join(outRoot, name);
  await esbuild.build({entryPoints: [path.join(dir, entry)], bundle: true, format: 'esm',
                       platform: 'browser', minify: true, outdir: out, logLevel: 'error'});
  // esbuild leaves new URL('./veto.wasm', import.meta.url) as it is: veto.wasm goes beside the bundle.
  copyFileSync(require.resolve('veto-validator/veto.wasm'), path.join(out, 'veto.wasm'));
  writePage(out, '<script type="module" src="main.js"></script>');
  return out;
}

export async function buildWebpack(entry = 'src/main.js', name = 'dist-webpack') {
  const out = path.join(outRoot, name);
  const stats = await new Promise((resolve, reject) => webpack({
    mode: 'production', context: dir, entry: `./${entry}`,
    output: {path: out, filename: 'main.js', clean: true},
  }, (error, result) => (error ? reject(error) : resolve(result))));
  // Its performance hints (a 1.3 MB asset is "over 244 KiB") are advice, not a fault.
  const faults = stats.toJson({all: false, errors: true, warnings: true});
  const warnings = faults.warnings.filter((w) => !/recommended size limit|performance recommendations/.test(w.message));
  if (faults.errors.length || warnings.length) throw new Error(stats.toString('errors-warnings'));
  writePage(out, '<script src="main.js"></script>');
  return out;
}

// Vite builds from index.html at the project's root.
function writeViteRoot(entry = 'src/main.js') {
  writeFileSync(path.join(dir, 'index.html'), page(`<script type="module" src="/${entry}"></script>`));
}

export async function buildVite(entry = 'src/main.js', name = 'dist-vite') {
  writeViteRoot(entry);
  const out = path.join(outRoot, name);
  // Deployed under /NAME/ of the test's server (base is where a site serves its build).
  await vite.build({root: dir, configFile: false, logLevel: 'error', base: `/${name}/`,
                    build: {outDir: out, emptyOutDir: true}});
  return out;
}

/** The Vite 8 dev server on loopback; resolves to {url, close}. */
export function startViteDev() {
  return startDevServer(vite, {});
}

/**
 * The Vite 7 dev server: its dependency pre-bundling moves veto.mjs to node_modules/.vite/deps/
 * without veto.wasm, so veto-validator is kept out of it: the one line the README gives.
 */
export function startVite7Dev() {
  return startDevServer(vite7, {
    optimizeDeps: {exclude: ['veto-validator']},
    cacheDir: 'node_modules/.vite7',  // beside Vite 8's node_modules/.vite in this one project
  });
}

async function startDevServer(bundler, config) {
  writeViteRoot();
  const server = await bundler.createServer({
    ...config, root: dir, configFile: false, logLevel: 'error',
    server: {host: '127.0.0.1', port: 0, strictPort: false, hmr: false},
  });
  await server.listen();
  return {url: server.resolvedUrls.local[0], close: () => server.close()};
}
