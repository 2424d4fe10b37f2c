// Where the builds put what the JS tests use; scripts/test.sh sets these.
import {fileURLToPath, pathToFileURL} from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cli = path.resolve(process.env.VETO_CLI ?? path.join(root, 'build/native/veto'));
export const moduleUrl =
    pathToFileURL(path.resolve(process.env.VETO_MODULE ?? path.join(root, 'build/wasm/dist/veto.mjs')));
export const projectRoot = root;
// tests/icu-probe built natively and with Emscripten (scripts/test.sh builds both).
export const icuProbeNative = path.resolve(
    process.env.VETO_ICU_PROBE_NATIVE ?? path.join(root, 'build/native/tests/veto-icu-probe'));
export const icuProbeWasm = path.resolve(
    process.env.VETO_ICU_PROBE_WASM ?? path.join(root, 'build/wasm/veto-icu-probe.cjs'));
