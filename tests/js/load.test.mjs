// Loading veto.wasm (createValidator's `wasm` option and failed loads), under Node, from a
// loopback HTTP server this test starts. Each case imports veto.mjs afresh (a query string
// makes a new module instance), so that no case sees the module another case loaded.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {after, before, test} from 'node:test';

import {moduleUrl} from './paths.mjs';

const wasmBytes = readFileSync(new URL('veto.wasm', moduleUrl));
const form = '{"email":"anna@gmial.com","country":"AT"}';
let fresh = 0;
const freshModule = () => import(`${moduleUrl}?load=${++fresh}`);
// What a loaded validator gives for `form`, from the module loaded the ordinary way.
const expected = (await (await import(moduleUrl)).createValidator()).validateJson(form);

// /ok.wasm as application/wasm, /octet.wasm as application/octet-stream, /page.wasm the
// index page a single-page app's server answers for any path, /missing.wasm a 404.
const routes = {
  '/ok.wasm': [200, 'application/wasm', wasmBytes],
  '/octet.wasm': [200, 'application/octet-stream', wasmBytes],
  '/page.wasm': [200, 'text/html', '<!doctype html><title>app</title>'],
  '/missing.wasm': [404, 'text/plain', 'not found'],
};
let server, base, closedPort;
const requests = [];
before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url);
    const [status, type, body] = routes[req.url] ?? routes['/missing.wasm'];
    res.writeHead(status, {'Content-Type': type}).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  // A port nobody listens on: a server started and closed again.
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
});
after(() => server.close());

async function validates(options) {
  const {createValidator} = await freshModule();
  assert.equal((await createValidator(options)).validateJson(form), expected);
}

test('the wasm option takes a URL as a string or a URL, streamed as application/wasm', async () => {
  await validates({wasm: `${base}/ok.wasm`});
  await validates({wasm: new URL('/ok.wasm', base)});
});

test('the wasm option takes a Response, a promise of one, the bytes or a compiled module', async () => {
  await validates({wasm: fetch(`${base}/ok.wasm`)});
  await validates({wasm: await fetch(`${base}/octet.wasm`)});
  await validates({wasm: new Response(wasmBytes, {headers: {'Content-Type': 'application/wasm'}})});
  await validates({wasm: wasmBytes.buffer.slice(wasmBytes.byteOffset, wasmBytes.byteOffset + wasmBytes.length)});
  await validates({wasm: new Uint8Array(wasmBytes)});
  await validates({wasm: await WebAssembly.compile(wasmBytes)});
});

test('a wrong Content-Type is compiled from the bytes instead of streamed', async () => {
  await validates({wasm: `${base}/octet.wasm`});
});

test('a failed load names the URL and what failed; the next createValidator tries again', async () => {
  const {createValidator} = await freshModule();
  await assert.rejects(createValidator({wasm: `${base}/missing.wasm`}),
                       {message: `veto: loading veto.wasm from ${base}/missing.wasm failed: HTTP 404 Not Found`});
  await assert.rejects(createValidator({wasm: `${base}/page.wasm`}),
                       {message: new RegExp(`^veto: ${base}/page\\.wasm is not a WebAssembly module \\(Content-Type text/html;`)});
  await assert.rejects(createValidator({wasm: `http://127.0.0.1:${closedPort}/veto.wasm`}),
                       {message: new RegExp(`^veto: cannot fetch veto\\.wasm from http://127\\.0\\.0\\.1:${closedPort}/veto\\.wasm: .*ECONNREFUSED`)});
  await assert.rejects(createValidator({wasm: new URL('does-not-exist.wasm', moduleUrl)}),
                       {message: /^veto: cannot read veto\.wasm at file:\/\/.*does-not-exist\.wasm: ENOENT/});
  await assert.rejects(createValidator({wasm: new Uint8Array([0, 0x61, 0x73, 0x6d, 9, 9, 9, 9])}),
                       {message: /^veto: cannot instantiate veto\.wasm from the bytes passed as `wasm`: /});
  await assert.rejects(createValidator({wasm: Promise.reject(new Error('offline'))}),
                       {message: 'veto: the promise passed as `wasm` rejected: offline'});
  await assert.rejects(createValidator({wasm: 'veto.wasm'}),
                       {name: 'TypeError', message: /^veto: the wasm option "veto\.wasm" is not a URL/});
  // The same module instance, after all these failures, loads and validates.
  const before = requests.length;
  assert.equal((await createValidator({wasm: `${base}/ok.wasm`})).validateJson(form), expected);
  assert.deepEqual(requests.slice(before), ['/ok.wasm']);
});

test('concurrent calls share one load; once loaded, the module is not fetched again', async () => {
  const {createValidator} = await freshModule();
  const before = requests.length;
  const [a, b] = await Promise.all([createValidator({wasm: `${base}/ok.wasm`}),
                                    createValidator({wasm: `${base}/ok.wasm`, locale: 'de'})]);
  await createValidator({wasm: `${base}/missing.wasm`});  // loaded already: the option is not read
  assert.deepEqual(requests.slice(before), ['/ok.wasm']);
  assert.equal(a.validateJson(form), expected);
  assert.notEqual(b.validateJson(form), expected);  // German messages
});

test('without the option, veto.wasm beside veto.mjs is read', async () => {
  await validates({});
});
