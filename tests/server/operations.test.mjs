// What an operator sees: /healthz and /readyz, Prometheus metrics on the admin listener that
// add up to what clients sent, one JSON access log line per request on stdout without
// personal data, and X-Forwarded-For believed only from a trusted proxy.
import assert from 'node:assert/strict';
import http from 'node:http';
import {after, before, describe, test} from 'node:test';

import {makeTokens, request} from './admin.mjs';
import {metricValue, startFailure, startServer, validForm} from './server.mjs';

// A request from the loopback address `from` with extra headers; {status, text}.
function send(server, target, {method = 'GET', headers = {}, body, from = '127.0.0.1'} = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port: server.port, path: target, method, localAddress: from, agent: false,
                              headers: {...headers, ...(body ? {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)} : {})}},
                             (res) => {
                               let text = '';
                               res.on('data', (c) => { text += c; });
                               res.on('end', () => resolve({status: res.statusCode, headers: res.headers, text}));
                             });
    req.on('error', reject);
    req.end(body);
  });
}


describe('operations', () => {
  let server;
  let tokens;
  const logged = [];
  before(async () => {
    tokens = makeTokens({ops: 'reader'});
    server = await startServer({adminTokens: tokens.file, args: ['--trusted-proxy', '127.0.0.1', '--rate-limit', '3']});
    let buffer = '';
    server.proc.stdout.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) logged.push(JSON.parse(line));
    });
  });
  after(() => server.stop());

  test('GET /healthz is alive, GET /readyz is ready while the database answers', async () => {
    assert.deepEqual([(await send(server, '/healthz')).status, (await send(server, '/readyz')).text], [200, 'ready\n']);
  });

  test('X-Forwarded-For counts only from a trusted proxy, and its rightmost untrusted hop', async () => {
    const post = (from, forwarded) => send(server, '/api/validate', {method: 'POST', from, body: JSON.stringify(validForm()),
                                                                     headers: forwarded ? {'x-forwarded-for': forwarded} : {}});
    // From the trusted proxy: two clients, three requests each allowed, the fourth limited.
    for (const client of ['198.51.100.7', '203.0.113.9']) {
      for (let i = 0; i < 3; ++i) assert.equal((await post('127.0.0.1', `10.9.9.9, ${client}`)).status, 200);
      assert.equal((await post('127.0.0.1', `${client}`)).status, 429);
    }
    // From an untrusted peer the header is ignored: its own address is the client.
    for (let i = 0; i < 3; ++i) assert.equal((await post('127.20.0.2', `192.0.2.${i}`)).status, 200);
    assert.equal((await post('127.20.0.2', '192.0.2.99')).status, 429);
  });

  test('the metrics count what was sent; the access log has a line per request and no personal data', async () => {
    const email = 'very.personal@example.de';
    const stored = await send(server, '/api/objections', {method: 'POST', from: '127.30.0.1', body: JSON.stringify(validForm({email})),
                                                          headers: {'idempotency-key': 'ops-1'}});
    assert.equal(stored.status, 201);
    const replay = await send(server, '/api/objections', {method: 'POST', from: '127.30.0.1', body: JSON.stringify(validForm({email})),
                                                          headers: {'idempotency-key': 'ops-1'}});
    assert.equal(replay.status, 200);
    assert.equal((await send(server, '/no/such/path?email=x', {from: '127.30.0.2'})).status, 404);
    const res = await request(server.adminUrl, '/metrics', {token: tokens.secret.ops});
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const m = res.text;
    assert.equal(metricValue(m, 'veto_http_requests_total', '{route="/api/objections",status="201"}'), 1);
    assert.equal(metricValue(m, 'veto_http_requests_total', '{route="/api/objections",status="200"}'), 1);
    assert.equal(metricValue(m, 'veto_http_requests_total', '{route="/api/validate",status="200"}'), 9);
    assert.equal(metricValue(m, 'veto_http_requests_total', '{route="/api/validate",status="429"}'), 3);
    assert.equal(metricValue(m, 'veto_http_requests_total', '{route="other",status="404"}'), 1);
    assert.equal(metricValue(m, 'veto_objections_stored_total'), 1);
    assert.equal(metricValue(m, 'veto_idempotent_replays_total'), 1);
    assert.equal(metricValue(m, 'veto_rate_limited_total'), 3);
    assert.equal(metricValue(m, 'veto_database_errors_total'), 0);
    const total = metricValue(m, 'veto_http_request_duration_seconds_count');
    assert.equal(total, 2 + 9 + 3 + 2 + 1);  // probes, validations, submissions, the 404
    // Without a token, no metrics.
    assert.equal((await request(server.adminUrl, '/metrics')).status, 401);

    await new Promise((r) => setTimeout(r, 200));
    assert.equal(logged.length, total);
    for (const line of logged) {
      assert.deepEqual(Object.keys(line), ['time', 'method', 'route', 'status', 'ms', 'bytes', 'client']);
      assert.match(line.client, /\.0$/);
    }
    const text = JSON.stringify(logged);
    assert.doesNotMatch(text, /very\.personal|example\.de|198\.51\.100\.7|203\.0\.113\.9|no\/such|email=/);
    assert.ok(logged.some((l) => l.client === '198.51.100.0' && l.status === 429), 'the forwarded client, truncated');
  });
});

// A password in argv is readable by every user of the machine (/proc/PID/cmdline): a --db
// connection string that holds one is refused, by the server and by its admin CLI, before
// any connection, without repeating it. libpq's own parser decides, so a port is no password.
test('a --db connection string with a password is refused; the way without one is taken', async () => {
  const secret = 'n0t-in-argv';
  const refused = [
    `postgresql://veto:${secret}@127.0.0.1:1/veto`,
    `postgres://127.0.0.1:1/veto?password=${secret}`,
    `host=127.0.0.1 port=1 dbname=veto password=${secret}`,
  ];
  for (const db of refused) {
    const server = await startFailure(['--listen', '127.0.0.1:0', '--db', db]);
    assert.equal(server.code, 1, db);
    assert.match(server.stderr, /--db: the connection string holds a password.*--db-file/, db);
    assert.ok(!server.stderr.includes(secret), server.stderr);
    const admin = await startFailure(['admin', 'list', '--db', db]);
    assert.equal(admin.code, 2, db);
    assert.match(admin.stderr, /holds a password/);
  }
  // No password in it (libpq takes one from ~/.pgpass or PGPASSWORD): the server goes on to
  // connect, which fails here, nothing listening on port 1.
  const plain = await startFailure(['--listen', '127.0.0.1:0', '--db', 'postgresql://veto@127.0.0.1:1/veto']);
  assert.equal(plain.code, 1);
  assert.doesNotMatch(plain.stderr, /holds a password/);
  assert.match(plain.stderr, /cannot connect to PostgreSQL/);
});
