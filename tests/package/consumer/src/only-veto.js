// The least use of the package, for bench/package.mjs: what a bundler adds to veto.mjs and
// veto.wasm (its runtime, the asset's URL) with no page code around them.
import {createValidator} from 'veto-validator';

globalThis.createValidator = createValidator;
