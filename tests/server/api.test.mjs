// The HTTP API: /api/ruleset, /api/validate (byte-identical to the CLI), /api/objections
// with idempotency, and the HTTP layer's JSON errors.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {after, before, describe, test} from 'node:test';

import {cliBinary, rawRequest, startServer, validForm} from './server.mjs';

// The CLI's output line for one input line and locale.
function cliLine(body, locale) {
  const run = spawnSync(cliBinary, ['validate', '--locale', locale], {input: Buffer.concat([Buffer.from(body), Buffer.from('\n')])});
  assert.ok(run.status === 0 || run.status === 1, run.stderr.toString());
  return run.stdout.toString('utf8').replace(/\n$/, '');
}

const post = (server, path, body, headers = {}) => fetch(server.url + path.replace(/^\//, ''), {
  method: 'POST',
  headers: {'content-type': 'application/json', ...headers},
  body,
});

describe('API', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server.stop(); });

  test('GET /api/ruleset is the loaded ruleset with an ETag', async () => {
    const res = await fetch(server.url + 'api/ruleset');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const ruleset = await res.json();
    assert.equal(ruleset.id, 'ai-training-objection');
    assert.deepEqual(ruleset.fields.map((f) => f.name), ['email', 'country', 'phone', 'justification', 'details']);
    const etag = res.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{32}(-gz|-br)?"$/);
    const again = await fetch(server.url + 'api/ruleset', {headers: {'if-none-match': etag}});
    assert.equal(again.status, 304);
  });

  test('POST /api/validate answers byte for byte what the CLI prints', async () => {
    const inputs = [
      [JSON.stringify(validForm()), 'en'],
      ['{"email":"anna@gmial.com","country":"Österreich","justification":"Meta must not train its AI on my posts."}', 'de'],
      ['{"email":"gmаil.com@x","country":"US","phone":"+1 202 555 0100","justification":"short"}', 'fr'],
      ['{"email":"a@b.de","email":"c@d.de"}', 'pl'],       // duplicate member
      ['{"email":', 'en'],                                   // not JSON
      ['[1,2]', 'sv'],                                       // not an object
      ['\uFEFF{"country":"DDR","extra":1}', 'nb'],           // BOM, alias, unknown member
      ['{"justification":"Trojan \u202Esource text here for sure"}', 'ga'],
      [Buffer.from([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'en'],  // invalid UTF-8
    ];
    for (const [body, locale] of inputs) {
      const res = await post(server, `/api/validate?locale=${locale}`, body);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(await res.text(), cliLine(body, locale), `input ${body}`);
    }
  });

  test('the API locale: ?locale=, else the first Accept-Language tag, else en', async () => {
    const body = JSON.stringify({email: 'x'});
    const byQuery = await (await post(server, '/api/validate?locale=de-AT', body, {'accept-language': 'fr'})).json();
    assert.equal(byQuery.locale, 'de');
    const byHeader = await (await post(server, '/api/validate', body, {'accept-language': 'it-IT,de;q=0.9'})).json();
    assert.equal(byHeader.locale, 'it');
    const neither = await (await post(server, '/api/validate', body)).json();
    assert.equal(neither.locale, 'en');
  });

  test('POST /api/objections stores a valid form: 201 with a receipt', async () => {
    const res = await post(server, '/api/objections?locale=de', JSON.stringify(validForm({phone: '0664 1234567'})));
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.match(body.receipt, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    assert.equal(body.result.valid, true);
    assert.equal(body.result.fields.phone.value, '+436641234567');
    assert.equal(res.headers.get('location'), `/received?receipt=${body.receipt}`);
  });

  test('POST /api/objections refuses an invalid form with 422 and stores nothing', async () => {
    const res = await post(server, '/api/objections', JSON.stringify({email: 'nobody'}),
                           {'idempotency-key': 'invalid-then-valid'});
    assert.equal(res.status, 422);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ['result']);
    assert.equal(body.result.valid, false);
    // The key was not used up by the refused form.
    const ok = await post(server, '/api/objections', JSON.stringify(validForm()), {'idempotency-key': 'invalid-then-valid'});
    assert.equal(ok.status, 201);
  });

  test('Idempotency-Key: a retry gets the same receipt once, another body gets 409', async () => {
    const key = `retry-${Date.now()}`;
    const body = JSON.stringify(validForm({details: 'first'}));
    const first = await post(server, '/api/objections', body, {'idempotency-key': key});
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const {receipt} = await first.json();
    const retries = await Promise.all([1, 2, 3].map(() => post(server, '/api/objections', body, {'idempotency-key': key})));
    for (const retry of retries) {
      assert.equal(retry.status, 200);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal((await retry.json()).receipt, receipt);
    }
    const other = await post(server, '/api/objections', JSON.stringify(validForm({details: 'second'})), {'idempotency-key': key});
    assert.equal(other.status, 409);
    assert.deepEqual(await other.json(), {error: {code: 'http.idempotency_conflict', message: 'This Idempotency-Key was already used for a different request.'}});
  });

  test('concurrent first submissions with one key store once', async () => {
    const key = `race-${Date.now()}`;
    const body = JSON.stringify(validForm({details: 'race'}));
    const answers = await Promise.all(Array.from({length: 8}, () => post(server, '/api/objections', body, {'idempotency-key': key})));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 201]);
    const receipts = new Set(await Promise.all(answers.map(async (r) => (await r.json()).receipt)));
    assert.equal(receipts.size, 1);
  });

  test('a malformed Idempotency-Key is a 400', async () => {
    for (const key of ['x'.repeat(201), 'with space', 'ümlaut']) {
      const res = await post(server, '/api/objections', JSON.stringify(validForm()), {'idempotency-key': key});
      assert.equal(res.status, 400, JSON.stringify(key));
      assert.equal((await res.json()).error.code, 'http.bad_idempotency_key');
    }
  });

  test('wrong or missing content type: 415 in the JSON error shape', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp']) {
      const res = await post(server, '/api/validate', '{}', {'content-type': type});
      assert.equal(res.status, 415, type);
      assert.deepEqual(await res.json(), {error: {code: 'http.unsupported_media_type', message: 'The body must be application/json.'}});
    }
    const gz = await post(server, '/api/validate', '{}', {'content-encoding': 'gzip'});
    assert.equal(gz.status, 415);
  });

  test('unknown API paths and methods: JSON 404 and 405 with Allow', async () => {
    const missing = await fetch(server.url + 'api/nothing');
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'http.not_found');
    const wrong = await fetch(server.url + 'api/validate');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.equal((await wrong.json()).error.code, 'http.method_not_allowed');
    const del = await fetch(server.url + 'api/objections', {method: 'DELETE'});
    assert.equal(del.status, 405);
  });

  test('API responses are compressed when asked and the body is big enough', async () => {
    const res = await fetch(server.url + 'api/validate', {
      method: 'POST', headers: {'content-type': 'application/json', 'accept-encoding': 'gzip'},
      body: JSON.stringify(validForm({details: 'A longer text. '.repeat(100)})),
    });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal((await res.json()).valid, true);
  });

  test('a pipelined second request on one connection is answered in order', async () => {
    const body = JSON.stringify(validForm());
    const one = `POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const two = 'GET /api/ruleset HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const {text} = await rawRequest(server.port, one + two);
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['200', '200']);
    assert.match(text, /"id":"ai-training-objection"/);
  });
});
