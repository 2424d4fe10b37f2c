// veto-server on PostgreSQL, where it differs from one SQLite file: several instances on
// one database (one Idempotency-Key sent to two at once stores one row; two starting
// together migrate once; a newer schema is refused), and the database going away under a
// running server (503 with Retry-After while it is down, validation unaffected, recovery
// without a restart, nothing acknowledged lost).
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {after, before, describe, test} from 'node:test';

import {havePostgres, startPostgres} from './postgres.mjs';
import {makeTokens, request} from './admin.mjs';
import {startFailure, startServer, validForm, distDir} from './server.mjs';

if (!havePostgres) throw new Error('PostgreSQL 15 is missing (scripts/setup-system.sh installs it)');

let cluster;
before(async () => { cluster = await startPostgres(); });
after(() => cluster.destroy());

const submit = (server, body, key) => fetch(new URL('/api/objections', server.url), {
  method: 'POST',
  headers: {'content-type': 'application/json', ...(key ? {'idempotency-key': key} : {})},
  body: JSON.stringify(body),
});

describe('several instances on one PostgreSQL database', () => {
  let db;
  let servers = [];
  before(async () => {
    db = cluster.createDatabase();
    // Two instances starting at the same moment on an empty database: both come up, and
    // the schema is migrated once (the advisory lock).
    servers = await Promise.all([startServer({db: cluster.url(db)}), startServer({db: cluster.url(db)})]);
  });
  after(async () => { await Promise.all(servers.map((s) => s.stop())); });

  test('two instances starting together migrate the schema once', () => {
    assert.deepEqual(cluster.sql(db, 'SELECT version FROM schema_migrations ORDER BY version'), [['1'], ['2']]);
  });

  test('one Idempotency-Key sent to two instances at once: one row, one receipt', async () => {
    const rounds = [];
    for (let round = 0; round < 12; ++round) {
      const key = `two-${round}-${randomUUID()}`;
      const body = validForm({email: `two${round}@example.de`});
      const answers = await Promise.all(servers.map((s) => submit(s, body, key)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 201], `round ${round}`);
      const receipts = await Promise.all(answers.map(async (a) => (await a.json()).receipt));
      assert.equal(receipts[0], receipts[1]);
      rounds.push([key, receipts[0]]);
    }
    const rows = cluster.sql(db, "SELECT idempotency_key, receipt FROM objections WHERE idempotency_key LIKE 'two-%' ORDER BY 1");
    assert.deepEqual(rows, rounds.sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  });

  test('the same key with another body on the other instance is a 409', async () => {
    const key = randomUUID();
    assert.equal((await submit(servers[0], validForm(), key)).status, 201);
    assert.equal((await submit(servers[1], validForm({email: 'other@example.de'}), key)).status, 409);
  });

  test('a receipt stored by one instance is found by the other', async () => {
    const {receipt} = await (await submit(servers[0], validForm())).json();
    const page = await fetch(new URL(`/received?receipt=${receipt}`, servers[1].url));
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(receipt));
  });

  test('handlers on two instances change one objection at once: one wins, the others get 409', async () => {
    const tokens = makeTokens({anna: 'handler'});
    const admins = await Promise.all([0, 1].map(() => startServer({db: cluster.url(db), adminTokens: tokens.file})));
    try {
      const {receipt} = await (await submit(admins[0], validForm())).json();
      const tries = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => request(admins[i % 2].adminUrl, `/api/objections/${receipt}/status`, {
        method: 'POST', token: tokens.secret.anna, body: {status: i % 2 ? 'answered' : 'rejected', reason: `handler ${i}`, version: 1}})));
      assert.deepEqual(tries.map((t) => t.status).sort(), [200, 409, 409, 409, 409, 409]);
      assert.deepEqual(cluster.sql(db, `SELECT version, (SELECT count(*) FROM status_history h WHERE h.objection_id = o.id) FROM objections o WHERE receipt = '${receipt}'`), [['2', '1']]);
    } finally {
      await Promise.all(admins.map((s) => s.stop()));
    }
  });

  test('the audit log is append-only in PostgreSQL too', () => {
    cluster.sql(db, "INSERT INTO audit_log (at, actor, action) VALUES ('2026-01-01T00:00:00.000Z', 'test', 'read')");
    assert.throws(() => cluster.sql(db, "UPDATE audit_log SET actor = 'x'"), /append-only/);
    assert.throws(() => cluster.sql(db, 'DELETE FROM audit_log'), /append-only/);
    assert.throws(() => cluster.sql(db, 'TRUNCATE audit_log'), /append-only/);
  });
});

describe('schema versions', () => {
  test('a database of a newer schema is refused, untouched, with a clear message', async () => {
    const db = cluster.createDatabase();
    const server = await startServer({db: cluster.url(db)});
    await server.stop();
    cluster.sql(db, 'INSERT INTO schema_migrations (version) VALUES (99)');
    const refused = await startFailure(['--listen', '127.0.0.1:0', '--dist', distDir, '--db', cluster.url(db)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /has schema version 99, newer than this veto-server knows \(2\)/);
    assert.doesNotMatch(refused.stderr, /postgresql:\/\//);
    assert.equal(cluster.sql(db, 'SELECT count(*) FROM schema_migrations')[0][0], '3');
  });

  test('a version 1 database is migrated to 2 (the outbox and the codes), its objections kept', async () => {
    const db = cluster.createDatabase();
    let server = await startServer({db: cluster.url(db)});
    const res = await fetch(`${server.url}api/objections`, {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify(validForm())});
    assert.equal(res.status, 201);
    const {receipt} = await res.json();
    await server.stop();
    // Back to what a version 1 server left.
    cluster.sql(db, 'DROP TABLE outbox, codes; DELETE FROM schema_migrations WHERE version = 2');
    server = await startServer({db: cluster.url(db)});
    await server.stop();
    assert.deepEqual(cluster.sql(db, 'SELECT version FROM schema_migrations ORDER BY version'), [['1'], ['2']]);
    assert.deepEqual(cluster.sql(db, 'SELECT receipt FROM objections'), [[receipt]]);
    assert.deepEqual(cluster.sql(db, 'SELECT count(*) FROM outbox UNION ALL SELECT count(*) FROM codes'), [['0'], ['0']]);
  });

  test('the connection string comes from --db-file or VETO_DB, and no message repeats it', async () => {
    const {writeFileSync} = await import('node:fs');
    const path = await import('node:path');
    const db = cluster.createDatabase();
    const secret = 'sekret-pw-123';
    const dir = (await import('./server.mjs')).tempDir();
    const file = path.join(dir, 'db');
    writeFileSync(file, `${cluster.url(db).replace('veto@', `veto:${secret}@`)}\n`, {mode: 0o600});
    const server = await startServer({args: ['--db-file', file], db: path.join(dir, 'unused.db')});
    // --db-file wins over --db: the objection goes to PostgreSQL.
    assert.equal((await submit(server, validForm())).status, 201);
    assert.equal(cluster.sql(db, 'SELECT count(*) FROM objections')[0][0], '1');
    await server.stop();
    assert.doesNotMatch(server.stderr(), new RegExp(secret));
    // A database that does not exist: the error names host, port and database, not the string.
    const env = {...process.env, VETO_DB: cluster.url('no_such_db').replace('veto@', `veto:${secret}@`)};
    const {spawnSync} = await import('node:child_process');
    const run = spawnSync((await import('./server.mjs')).serverBinary, ['--listen', '127.0.0.1:0', '--dist', distDir],
                          {env, encoding: 'utf8', timeout: 20000});
    assert.equal(run.status, 1);
    assert.match(run.stderr, /no_such_db/);
    assert.doesNotMatch(run.stderr, new RegExp(secret));
  });
});

describe('the database goes away under a running server', () => {
  test('503 with Retry-After while it is down, validation goes on, recovery without a restart', async () => {
    const db = cluster.createDatabase();
    const server = await startServer({db: cluster.url(db)});
    try {
      assert.equal((await submit(server, validForm())).status, 201);
      const acknowledged = [];
      let stop = false;
      // Clients submit all along, each with its own key, retrying what was not acknowledged.
      const client = async (n) => {
        let i = 0;
        while (!stop) {
          const key = `c${n}-${i}`;
          const answer = await submit(server, validForm({email: `c${n}.${i}@example.de`}), key).catch(() => null);
          if (answer?.status === 201 || answer?.status === 200) {
            acknowledged.push((await answer.json()).receipt);
            ++i;
          } else if (answer) {
            assert.equal(answer.status, 503);
            assert.equal(answer.headers.get('retry-after'), '5');
            await answer.text();
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      };
      const clients = [0, 1, 2, 3].map(client);
      await new Promise((r) => setTimeout(r, 300));
      cluster.stop('immediate');
      const down = await submit(server, validForm());
      assert.equal(down.status, 503);
      assert.ok(down.headers.get('retry-after'));
      assert.equal((await down.json()).error.code, 'http.unavailable');
      const validate = await fetch(new URL('/api/validate', server.url),
                                   {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(validForm())});
      assert.equal(validate.status, 200);
      assert.equal((await validate.json()).valid, true);
      const ready = await fetch(new URL('/readyz', server.url));
      assert.equal(ready.status, 503);
      assert.equal(await ready.text(), 'database unreachable\n');
      assert.equal((await fetch(new URL('/healthz', server.url))).status, 200);
      const countBefore = acknowledged.length;
      await new Promise((r) => setTimeout(r, 500));
      cluster.start();
      // Recovery: a submission succeeds within a few seconds, same process.
      const deadline = Date.now() + 15000;
      let status = 0;
      while (Date.now() < deadline && status !== 201) {
        // pg_ctl blocked this process for a while: a kept-alive socket may have timed out.
        const answer = await submit(server, validForm()).catch(() => null);
        status = answer?.status ?? 0;
        await answer?.text();
        if (status !== 201) await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(status, 201);
      assert.equal((await fetch(new URL('/readyz', server.url))).status, 200);
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await Promise.all(clients);
      assert.ok(acknowledged.length > countBefore, 'the clients were acknowledged again after the restart');
      // Every acknowledged receipt is in the database; one row per key.
      const stored = new Set(cluster.sql(db, 'SELECT receipt FROM objections').map((r) => r[0]));
      for (const receipt of acknowledged) assert.ok(stored.has(receipt), `acknowledged ${receipt} is stored`);
      assert.deepEqual(cluster.sql(db, 'SELECT count(*) FROM (SELECT idempotency_key FROM objections WHERE idempotency_key IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d'), [['0']]);
      assert.equal(server.proc.exitCode, null, 'the server kept running');
    } finally {
      await server.stop();
    }
  });
});

describe('the audit log on PostgreSQL', () => {
  test('entries take their ids in the order they commit, across instances', async () => {
    const db = cluster.createDatabase();
    const tokens = makeTokens({anna: 'handler'});
    const server = await startServer({db: cluster.url(db), adminTokens: tokens.file});
    try {
      // Another instance's entry, its transaction open for 2 s: psql taking the lock every
      // instance's insert_audit takes (pg_store.cpp's audit_lock, 0x76657461).
      const other = spawn('psql', ['-X', '-q', '-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'veto', '-d', db,
        '-v', 'ON_ERROR_STOP=1', '-c',
        "BEGIN; SELECT pg_advisory_xact_lock(1986360417); INSERT INTO audit_log (at, actor, action, receipt, detail)" +
        " VALUES ('2026-01-01T00:00:00.000Z', 'other-instance', 'read', '', ''); SELECT pg_sleep(2); COMMIT;"],
        {stdio: 'ignore'});
      const otherDone = new Promise((resolve) => other.on('exit', resolve));
      const deadline = Date.now() + 10000;
      while (cluster.sql(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")[0][0] === '0') {
        assert.ok(Date.now() < deadline, 'psql never took the lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // This instance's entry (the audit export audits itself) waits for that commit, so a
      // reader paging by id cannot see it first and pass the other one by.
      const exported = await request(server.adminUrl, '/api/audit', {token: tokens.secret.anna});
      assert.equal(exported.status, 200);
      assert.deepEqual(cluster.sql(db, "SELECT count(*) FROM audit_log WHERE actor = 'other-instance'"), [['1']],
                       'the export was audited before the earlier entry committed');
      assert.equal(await otherDone, 0);
      const order = cluster.sql(db, 'SELECT actor FROM audit_log ORDER BY id').map(([actor]) => actor);
      assert.deepEqual(order, ['other-instance', 'anna']);
    } finally {
      await server.stop();
    }
  });
});
