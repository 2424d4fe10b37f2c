// Prepended to veto.mjs (--extern-pre-js). Emscripten 3.1.6 loads a module in Node with
// CommonJS names (require, __dirname, __filename) that an ES module does not have; this
// defines them under Node only, so the very same file also runs in browsers untouched.
const vetoIsNode = typeof process === 'object' && typeof process.versions === 'object' &&
    typeof process.versions.node === 'string';
// The glue requires only Node's own modules (fs, path): process.getBuiltinModule (Node
// 20.16 and later) hands them over without importing node:module for createRequire, which
// was ~2 ms of a cold start.
let require, __filename, __dirname;
if (vetoIsNode) {
  const [{createRequire}, {fileURLToPath}, {dirname}] =
      typeof process.getBuiltinModule === 'function' ?
      [{createRequire: () => (id) => process.getBuiltinModule(id)},
       process.getBuiltinModule('node:url'), process.getBuiltinModule('node:path')] :
      await Promise.all([import('node:module'), import('node:url'), import('node:path')]);
  require = createRequire(import.meta.url);
  __filename = fileURLToPath(import.meta.url);
  __dirname = dirname(__filename);
}
