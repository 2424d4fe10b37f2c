// deploy/nginx.conf as it is (only its ports changed) in front of three veto-server
// instances on one throwaway PostgreSQL database: the metrics summed across instances match
// what the clients sent; one instance SIGKILLed under load loses no acknowledged objection
// and the clients' retries with their keys give one row per key; a draining instance is
// routed around without a failed request.
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {makeTokens, request} from './admin.mjs';
import {havePostgres, startPostgres} from './postgres.mjs';
import {metricValue, root, startServer, tempDir, validForm} from './server.mjs';

const nginxBinary = process.env.VETO_NGINX ?? '/usr/sbin/nginx';
if (!havePostgres) throw new Error('PostgreSQL 15 is missing (scripts/setup-system.sh installs it)');
if (spawnSync(nginxBinary, ['-v']).status !== 0) throw new Error('nginx is missing (scripts/setup-system.sh installs it)');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

let cluster;
let db;
let tokens;
let instances = [];
let nginx;
let base;

before(async () => {
  cluster = await startPostgres();
  db = cluster.createDatabase();
  tokens = makeTokens({ops: 'reader'});
  instances = [];
  for (let i = 0; i < 3; ++i) {
    instances.push(await startServer({db: cluster.url(db), adminTokens: tokens.file,
                                      args: ['--trusted-proxy', '127.0.0.1', '--access-log', 'off']}));
  }
  const dir = tempDir('veto-nginx-');
  const port = await freePort();
  let conf = readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');
  conf = conf.replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`);
  instances.forEach((s, i) => { conf = conf.replace(`server 127.0.0.1:${8081 + i} `, `server 127.0.0.1:${s.port} `); });
  assert.equal((conf.match(/127\.0\.0\.1:808\d/g) ?? []).length, 0, 'every port of deploy/nginx.conf was replaced');
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  nginx = spawn(nginxBinary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {stdio: ['ignore', 'ignore', 'pipe']});
  nginx.stderrText = '';
  nginx.stderr.on('data', (c) => { nginx.stderrText += c; });
  await waitForPort(port);
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  nginx?.kill('SIGTERM');
  await Promise.all(instances.map((s) => s.stop()));
  cluster?.destroy();
});

const submit = (body, key) => fetch(`${base}/api/objections`, {
  method: 'POST', headers: {'content-type': 'application/json', 'idempotency-key': key}, body: JSON.stringify(body),
});

// Sends until acknowledged (201 or 200), the same key and body each time, as a client
// following Retry-After would; the receipt.
async function submitUntilAcknowledged(body, key) {
  for (let attempt = 0; attempt < 40; ++attempt) {
    const answer = await submit(body, key).catch(() => null);
    if (answer && (answer.status === 201 || answer.status === 200)) return (await answer.json()).receipt;
    await answer?.text();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${key} was never acknowledged`);
}

async function summedMetrics(servers) {
  const texts = await Promise.all(servers.map(async (s) => (await request(s.adminUrl, '/metrics', {token: tokens.secret.ops})).text));
  return (name, labels) => texts.reduce((sum, t) => sum + metricValue(t, name, labels), 0);
}

describe('nginx in front of three instances on one PostgreSQL', () => {
  test('the metrics summed across instances match what the clients sent', async () => {
    const sent = 30;
    for (let i = 0; i < sent; ++i) {
      const body = validForm({email: `m${i}@example.de`});
      assert.equal((await submit(body, `metrics-${i}`)).status, 201);
      if (i % 3 === 0) assert.equal((await submit(body, `metrics-${i}`)).status, 200);
    }
    const sum = await summedMetrics(instances);
    assert.equal(sum('veto_objections_stored_total'), sent);
    assert.equal(sum('veto_idempotent_replays_total'), 10);
    assert.equal(sum('veto_http_requests_total', '{route="/api/objections",status="201"}'), sent);
    assert.equal(sum('veto_http_requests_total', '{route="/api/objections",status="200"}'), 10);
    assert.equal(sum('veto_database_errors_total'), 0);
    // nginx spread them: every instance took some.
    const each = await Promise.all(instances.map(async (s) => metricValue((await request(s.adminUrl, '/metrics', {token: tokens.secret.ops})).text, 'veto_objections_stored_total')));
    assert.ok(each.every((n) => n > 0), `per instance: ${each}`);
    assert.equal(cluster.sql(db, "SELECT count(*) FROM objections WHERE idempotency_key LIKE 'metrics-%'")[0][0], String(sent));
  });

  test('SIGKILL of one instance under load: every acknowledged receipt is stored, one row per key', async () => {
    const acknowledged = new Map();
    const keys = [];
    let killed = false;
    const client = async (n) => {
      for (let i = 0; i < 30; ++i) {
        const key = `kill-${n}-${i}`;
        keys.push(key);
        acknowledged.set(key, await submitUntilAcknowledged(validForm({email: `k${n}.${i}@example.de`}), key));
        if (!killed && acknowledged.size >= 40) {
          killed = true;
          instances[0].proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(client));
    assert.ok(killed);
    assert.equal((await instances[0].exited).signal, 'SIGKILL');
    const rows = cluster.sql(db, "SELECT idempotency_key, receipt FROM objections WHERE idempotency_key LIKE 'kill-%'");
    assert.equal(rows.length, keys.length, 'one row per key');
    const stored = new Map(rows.map(([k, r]) => [k, r]));
    for (const [key, receipt] of acknowledged) assert.equal(stored.get(key), receipt, key);
    // With the instance gone, requests are routed to the others.
    for (let i = 0; i < 20; ++i) assert.equal((await fetch(`${base}/api/ruleset`)).status, 200);
  });

  test('a draining instance is routed around without a failed request', async () => {
    // Requests all along while instance 1 drains (SIGTERM) and stops.
    let stop = false;
    const statuses = [];
    const load = (async () => {
      while (!stop) {
        const answer = await fetch(`${base}/api/validate`, {method: 'POST', headers: {'content-type': 'application/json'},
                                                          body: JSON.stringify(validForm())});
        statuses.push(answer.status);
        await answer.text();
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const drained = instances[1].stop('SIGTERM');
    assert.equal((await drained).code, 0);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await load;
    assert.ok(statuses.length > 10, `${statuses.length} requests`);
    assert.deepEqual([...new Set(statuses)], [200]);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });
});
