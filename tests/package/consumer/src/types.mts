// A TypeScript user's file: the package's declarations, found through its exports map,
// type-check under --strict (never run).
import {createValidator, type Result, type Validator} from 'veto-validator';

const fromUrl: Validator = await createValidator({locale: 'de', wasm: '/assets/veto.wasm'});
const fromResponse = await createValidator({wasm: fetch(new URL('/veto.wasm', 'http://127.0.0.1/'))});
const fromBytes = await createValidator({wasm: new Uint8Array(8)});
const result: Result = fromUrl.validate({email: 'anna@example.de'});
const text: string = fromResponse.validateJson('{}') + fromBytes.countries().length;
console.log(result.valid, text);
// @ts-expect-error: `wasm` is a URL, a Response or its promise, bytes or a module, not null
await createValidator({wasm: null});
