// Prepended to veto.mjs (--extern-pre-js). Emscripten 3.1.6 loads a module in Node with
// CommonJS names (require, __dirname, __filename) that an ES module does not have; this
// defines them under Node only, so the very same file also runs in browsers untouched.
const vetoIsNode = typeof process === 'object' && typeof process.versions === 'object' &&
    typeof process.versions.node === 'string';
// The glue requires only Node's own modules (fs, path), and web/veto-api.js its fs/promises:
// process.getBuiltinModule (Node 20.16 and later, the package's engines.node) hands them
// over. No import of node:module for createRequire: bundlers see such an import even in a
// branch browsers never run (esbuild stops on it), and it was ~2 ms of a cold start.
let require, __filename, __dirname;
if (vetoIsNode) {
  require = (id) => process.getBuiltinModule(id);
  __filename = require('node:url').fileURLToPath(import.meta.url);
  __dirname = require('node:path').dirname(__filename);
}
