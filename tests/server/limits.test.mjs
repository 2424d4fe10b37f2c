// Security headers, malformed and hostile requests, body limits, slow clients, rate limit.
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';

import {rawRequest, startServer, validForm} from './server.mjs';

const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; " +
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
            "frame-ancestors 'none'; form-action 'self'";

const statusOf = (text) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

describe('headers and hostile requests', () => {
  let server;
  before(async () => { server = await startServer({args: ['--header-timeout', '1', '--read-timeout', '1', '--body-timeout', '2']}); });
  after(async () => { await server.stop(); });

  test('every response carries the CSP and the other security headers, and no CORS', async () => {
    for (const [path, init] of [['', {}], ['app.js', {}], ['api/ruleset', {}], ['nothing', {}],
                                ['api/validate', {method: 'POST', headers: {'content-type': 'application/json', origin: 'https://evil.example'}, body: '{}'}],
                                ['api/validate', {method: 'OPTIONS', headers: {origin: 'https://evil.example', 'access-control-request-method': 'POST'}}]]) {
      const res = await fetch(server.url + path, init);
      assert.equal(res.headers.get('content-security-policy'), csp, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      for (const name of res.headers.keys()) assert.ok(!name.startsWith('access-control-'), `${path}: ${name}`);
    }
  });

  test('error responses name a code and nothing internal', async () => {
    const {text} = await rawRequest(server.port, 'GARBAGE\r\n\r\n');
    assert.equal(statusOf(text), 400);
    assert.doesNotMatch(text, /EXCEPTION_WHAT|httplib|std::|sqlite/i);
    const api = await rawRequest(server.port, 'POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n');
    assert.equal(statusOf(api.text), 400);
    assert.match(api.text, /\{"error":\{"code":"http\.bad_request","message":"[^"]+"\}\}$/);
  });

  test('a body over 1 MiB is a 413, announced or chunked, and the connection ends', async () => {
    const big = await fetch(server.url + 'api/validate', {
      method: 'POST', headers: {'content-type': 'application/json'}, body: 'x'.repeat(1024 * 1024 + 1),
    });
    assert.equal(big.status, 413);
    assert.equal((await big.json()).error.code, 'http.payload_too_large');
    // Exactly 1 MiB is read and validated (the core then answers for itself).
    const limit = await fetch(server.url + 'api/validate', {
      method: 'POST', headers: {'content-type': 'application/json'}, body: `"${'x'.repeat(1024 * 1024 - 2)}"`,
    });
    assert.equal(limit.status, 200);
    assert.equal((await limit.json()).form.errors[0].code, 'form.not_object');
    // Announced but never sent: refused at once, without waiting for the body.
    const announced = await rawRequest(server.port,
        'POST /api/objections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{');
    assert.equal(statusOf(announced.text), 413);
    assert.equal(announced.how, 'closed');
    assert.ok(announced.ms < 2500, `${announced.ms} ms`);
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = ['POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'];
    for (let i = 0; i < 17; i++) chunks.push(`${(chunk.length).toString(16)}\r\n${chunk}\r\n`);
    chunks.push('0\r\n\r\n');
    const chunked = await rawRequest(server.port, chunks);
    assert.equal(statusOf(chunked.text), 413);
  });

  test('Expect: 100-continue with a too large body is refused before it is sent', async () => {
    const {text} = await rawRequest(server.port,
        'POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\nExpect: 100-continue\r\n\r\n');
    assert.equal(statusOf(text), 413);
    assert.doesNotMatch(text, /100 Continue/);
  });

  test('two framings of one body (smuggling) are refused', async () => {
    for (const head of ['Content-Length: 4\r\nTransfer-Encoding: chunked', 'Content-Length: 2\r\nContent-Length: 4',
                        'Transfer-Encoding: gzip, chunked']) {
      const {text} = await rawRequest(server.port,
          `POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${head}\r\n\r\n0\r\n\r\n`);
      assert.equal(statusOf(text), 400, head);
    }
  });

  test('a slow client sending its headers is cut off with 408 after the header timeout', async () => {
    const drip = ['GET / HTTP/1.1\r\nHost: x\r\n'];
    for (let i = 0; i < 40; i++) drip.push('X');  // one byte every 100 ms: within the read timeout
    const {text, ms, how} = await rawRequest(server.port, drip, {gapMs: 100, timeoutMs: 6000});
    assert.equal(statusOf(text), 408);
    assert.equal(how, 'closed');
    assert.ok(ms >= 900 && ms < 3500, `${ms} ms`);
  });

  test('a client that stops sending its body is cut off with 408', async () => {
    const {text, ms} = await rawRequest(server.port,
        'POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email"',
        {timeoutMs: 6000});
    assert.equal(statusOf(text), 408);
    assert.match(text, /"code":"http\.request_timeout"/);
    assert.ok(ms < 3500, `${ms} ms`);
  });

  test('a client trickling its body is cut off at the body timeout', async () => {
    const drip = ['POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n'];
    for (let i = 0; i < 60; i++) drip.push(' ');
    const {text, ms} = await rawRequest(server.port, drip, {gapMs: 100, timeoutMs: 8000});
    assert.equal(statusOf(text), 408);
    assert.ok(ms >= 1900 && ms < 5000, `${ms} ms`);
  });

  test('an oversized request head is a 431, a long URI a 414', async () => {
    const headers = Array.from({length: 20}, (_, i) => `X-Filler-${i}: ${'y'.repeat(4000)}`).join('\r\n');
    const big = await rawRequest(server.port, `GET / HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\n`);
    assert.equal(statusOf(big.text), 431);
    const uri = await rawRequest(server.port, `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(statusOf(uri.text), 414);
    const longPath = await fetch(server.url + 'a/'.repeat(3000));
    assert.equal(longPath.status, 404);
  });

  test('invalid UTF-8, bad JSON and duplicate members are the validator\'s verdicts, not crashes', async () => {
    const cases = [
      [Buffer.from([0x7b, 0x22, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]), 'form.encoding'],
      ['{"email": "a@b.de",}', 'form.json'],
      ['{"email":"a@b.de","\\u0065mail":"c@d.de"}', 'form.duplicate_field'],
      ['{"email":"a\\ud800"}', 'form.json'],
      ['[' .repeat(100000), 'form.json'],
    ];
    for (const [body, code] of cases) {
      const res = await fetch(server.url + 'api/objections', {method: 'POST', headers: {'content-type': 'application/json'}, body});
      assert.equal(res.status, 422);
      assert.equal((await res.json()).result.form.errors[0].code, code);
    }
    const form = await fetch(server.url + 'objections', {
      method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: 'email=%C0%AF&country=%FF&justification=%', redirect: 'manual',
    });
    assert.equal(form.status, 422);
    assert.match(await form.text(), /data-code="encoding"/);
    const health = await fetch(server.url + 'api/ruleset');
    assert.equal(health.status, 200);
  });

  test('a form posted from another site is refused', async () => {
    const res = await fetch(server.url + 'objections', {
      method: 'POST', redirect: 'manual',
      headers: {'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site'},
      body: new URLSearchParams(validForm()).toString(),
    });
    assert.equal(res.status, 403);
  });
});

describe('rate limit', () => {
  test('a client over its budget gets 429 with Retry-After; others do not', async () => {
    const server = await startServer({args: ['--rate-limit', '5']});
    try {
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await fetch(server.url + 'api/ruleset')).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const limited = await fetch(server.url + 'api/validate', {method: 'POST', headers: {'content-type': 'application/json'}, body: '{}'});
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '12');  // 5 a minute: one every 12 s
      assert.deepEqual(await limited.json(), {error: {code: 'http.rate_limited', message: 'Too many requests. Please wait a moment and try again.'}});
      const page = await fetch(server.url);
      assert.equal(page.status, 429);
      assert.match(page.headers.get('content-type'), /^text\/html/);
    } finally {
      await server.stop();
    }
  });
});
