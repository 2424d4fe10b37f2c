// Graceful shutdown, and durability: SIGKILL under submit load loses no acknowledged
// receipt, and retries with the same idempotency keys store nothing twice.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import {describe, test} from 'node:test';

import {rawRequest, startServer, tempDir, validForm} from './server.mjs';

function rows(db) {
  const out = execFileSync('sqlite3', ['-json', db, 'SELECT receipt, idempotency_key AS key, fields FROM objections'])
      .toString().trim();
  return out ? JSON.parse(out) : [];
}

function refused(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(false); });
    socket.on('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('shutdown', () => {
  test('SIGTERM finishes the request in flight, refuses new connections, exits 0', async () => {
    const server = await startServer();
    const body = JSON.stringify(validForm({details: 'sent across a SIGTERM'}));
    const half = Math.floor(body.length / 2);
    const answer = rawRequest(server.port, [
      `POST /api/objections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
      body.slice(half),
    ], {gapMs: 600, timeoutMs: 8000});
    await new Promise((r) => setTimeout(r, 200));
    server.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(await refused(server.port), 'new connections are refused while draining');
    const {text} = await answer;
    assert.match(text, /^HTTP\/1\.1 201 Created\r\n/);
    assert.match(text, /\r\nConnection: close\r\n/);
    const receipt = /"receipt":"([^"]+)"/.exec(text)[1];
    const {code, signal} = await server.exited;
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.match(server.stderr(), /SIGTERM: finishing the requests in flight/);
    assert.deepEqual(rows(server.db).map((r) => r.receipt), [receipt]);
    await server.stop();
  });

  test('GET /readyz in flight across a SIGTERM answers 503 draining (a balancer stops sending)', async () => {
    const server = await startServer();
    const answer = rawRequest(server.port, ['GET /readyz HTTP/1.1\r\nHost: x\r\n', '\r\n'],
                              {gapMs: 600, timeoutMs: 8000});
    await new Promise((r) => setTimeout(r, 200));
    server.proc.kill('SIGTERM');
    const {text} = await answer;
    assert.match(text, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(text, /\r\n\r\ndraining\n$/);
    assert.deepEqual(await server.exited, {code: 0, signal: null});
    await server.stop();
  });

  test('SIGINT stops an idle server with status 0, closing kept-alive connections', async () => {
    const server = await startServer();
    const idle = rawRequest(server.port, 'GET /api/ruleset HTTP/1.1\r\nHost: x\r\n\r\n', {timeoutMs: 5000});
    await new Promise((r) => setTimeout(r, 200));
    server.proc.kill('SIGINT');
    const {how, ms} = await idle;
    assert.equal(how, 'closed');
    assert.ok(ms < 2000, `${ms} ms`);
    assert.deepEqual(await server.exited, {code: 0, signal: null});
    await server.stop();
  });
});

describe('crash', () => {
  test('SIGKILL under concurrent submits: every acknowledged receipt is stored, retries store once', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'objections.db');
    let server = await startServer({db, args: ['--threads', '8']});
    const attempts = new Map();  // key -> {body, status, receipt}
    let stop = false;
    let sequence = 0;
    let inFlight = 0;  // requests sent whose answer this process has not read yet
    const worker = async (w) => {
      while (!stop) {
        const key = `crash-${w}-${sequence++}`;
        const body = JSON.stringify(validForm({details: `objection ${key}`}));
        const attempt = {body, status: null, receipt: null};
        attempts.set(key, attempt);
        inFlight++;
        try {
          const res = await fetch(server.url + 'api/objections', {
            method: 'POST', headers: {'content-type': 'application/json', 'idempotency-key': key}, body,
          });
          attempt.status = res.status;
          if (res.status === 201 || res.status === 200) attempt.receipt = (await res.json()).receipt;
        } catch {
          attempt.status = 'no answer';
        } finally {
          inFlight--;
        }
      }
    };
    const workers = Array.from({length: 16}, (_, w) => worker(w));
    const deadline = Date.now() + 20000;
    // Kill once 100 are acknowledged and at a moment when at least half the clients wait for
    // an answer; the clients go on sending until the process is gone. (A server that answers
    // faster than this process reads could otherwise be killed between two batches, its
    // answers all read afterwards: then the kill would hit nothing.)
    while ([...attempts.values()].filter((a) => a.receipt).length < 100 || inFlight < 8) {
      if (Date.now() > deadline) {
        stop = true;
        server.proc.kill('SIGKILL');
        assert.fail('the server acknowledged fewer than 100 objections in 20 s');
      }
      await new Promise((r) => setImmediate(r));
    }
    server.proc.kill('SIGKILL');
    assert.equal((await server.exited).signal, 'SIGKILL');
    stop = true;
    await Promise.all(workers);

    const acknowledged = [...attempts].filter(([, a]) => a.receipt);
    const unanswered = [...attempts].filter(([, a]) => !a.receipt);
    assert.ok(acknowledged.length >= 100);
    assert.ok(unanswered.length > 0, 'the kill must hit requests in flight');
    for (const [, a] of attempts) assert.ok([201, 200, 'no answer', null].includes(a.status), String(a.status));

    // The database after the crash, as SQLite recovers it.
    const stored = new Map(rows(db).map((r) => [r.key, r]));
    for (const [key, a] of acknowledged) {
      assert.ok(stored.has(key), `acknowledged ${key} (${a.receipt}) is missing`);
      assert.equal(stored.get(key).receipt, a.receipt);
    }
    for (const key of stored.keys()) assert.ok(attempts.has(key), `a row for a key never sent: ${key}`);

    // Clients retry what got no answer, on the restarted server with the same database.
    server = await startServer({db, args: ['--threads', '8']});
    for (const [key, a] of unanswered) {
      const res = await fetch(server.url + 'api/objections', {
        method: 'POST', headers: {'content-type': 'application/json', 'idempotency-key': key}, body: a.body,
      });
      const committedBefore = stored.has(key);
      assert.equal(res.status, committedBefore ? 200 : 201, key);
      const {receipt} = await res.json();
      if (committedBefore) assert.equal(receipt, stored.get(key).receipt);
    }
    const after = rows(db);
    assert.equal(after.length, attempts.size, 'one row per key');
    assert.equal(new Set(after.map((r) => r.key)).size, attempts.size);
    assert.equal(new Set(after.map((r) => r.receipt)).size, attempts.size);
    await server.stop();
  });
});
