// The admin listener (issue 19): every endpoint and role, token attacks, filters and
// cursor pages, status changes and their conflicts, extensions, exports, erasure and
// retention, the audit log, the database's file modes, the migration of main's database,
// and the same tasks from the command line.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {chmodSync, readFileSync, statSync, existsSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {admin, daysAgo, mainDatabase, makeTokens, request, sql, startAdmin, submit} from './admin.mjs';
import {distDir, startFailure, tempDir} from './server.mjs';

const tokens = makeTokens({alice: 'handler', bob: 'reader', carol: 'handler'});

describe('admin: authentication and roles', () => {
  let server;
  let receipt;
  before(async () => {
    server = await startAdmin(tokens);
    [receipt] = await submit(server, [{}]);
  });
  after(async () => { await server.stop(); });

  test('the admin listener is a second listener; the public one has none of its addresses', async () => {
    assert.notEqual(server.adminUrl, server.url);
    for (const target of ['api/export', 'api/audit', `api/objections/${receipt}`]) {
      const res = await fetch(server.url + target, {headers: {authorization: `Bearer ${tokens.secret.alice}`}});
      assert.equal(res.status, 404, target);
    }
    // /api/objections exists publicly only to submit.
    assert.equal((await fetch(server.url + 'api/objections')).status, 405);
  });

  test('no token, a wrong, truncated, malformed or hashed one: the same 401, no detail', async () => {
    const alice = tokens.secret.alice;
    const hash = readFileSync(tokens.file, 'utf8').split('\n')[0].split(' ')[2];
    const attempts = [
      {},
      {authorization: 'Bearer vetoadm_' + '0'.repeat(64)},
      {authorization: `Bearer ${alice.slice(0, -1)}`},
      {authorization: `Bearer ${alice}x`},
      {authorization: `Bearer ${hash}`},
      {authorization: alice},
      {authorization: `Basic ${Buffer.from(`alice:${alice.slice(0, 20)}`).toString('base64')}`},
      {authorization: 'Bearer '},
    ];
    const answers = [];
    for (const [i, headers] of attempts.entries()) {
      for (const target of ['/api/objections', `/api/objections/${receipt}`, '/']) {
        // From an address of its own: failures are limited per client (below).
        const res = await request(server.adminUrl, target, {headers, from: `127.0.1.${i + 1}`});
        assert.equal(res.status, 401, `${JSON.stringify(headers)} ${target}`);
        answers.push([res.text, res.headers['www-authenticate']]);
      }
    }
    assert.equal(new Set(answers.filter((_, i) => i % 3 !== 2).map(JSON.stringify)).size, 1);
    assert.equal(answers[0][1], 'Basic realm="veto admin", charset="UTF-8"');
    assert.doesNotMatch(answers[0][0], /token|secret|alice/i);
  });

  test('a token in the URL is refused, even with a good header', async () => {
    for (const target of [`/api/objections?access_token=${tokens.secret.alice}`, `/?x=${tokens.secret.bob}`,
                          '/api/objections?token=abc', `/api/export?format=csv&auth=${tokens.secret.alice}`]) {
      const res = await request(server.adminUrl, target, {token: tokens.secret.alice});
      assert.equal(res.status, 400, target);
      assert.equal(res.json?.error.code ?? 'html', target.startsWith('/api') ? 'admin.token_in_url' : 'html');
      assert.doesNotMatch(res.text, /vetoadm_/);
    }
  });

  test('Basic authentication with the secret as password works (the page\'s login)', async () => {
    const basic = Buffer.from(`anyone:${tokens.secret.bob}`).toString('base64');
    const res = await request(server.adminUrl, '/api/objections', {headers: {authorization: `Basic ${basic}`}});
    assert.equal(res.status, 200);
  });

  test('a reader lists, reads and exports; every change and the audit log are a handler\'s (403)', async () => {
    const bob = tokens.secret.bob;
    const read = [['GET', '/api/objections'], ['GET', `/api/objections/${receipt}`], ['GET', '/api/export?format=csv'],
                  ['GET', '/api/export?format=ndjson'], ['GET', '/'], ['GET', `/objection?receipt=${receipt}`]];
    for (const [method, target] of read) {
      assert.equal((await request(server.adminUrl, target, {method, token: bob})).status, 200, target);
    }
    const changes = [
      [`/api/objections/${receipt}/status`, {status: 'answered', reason: 'r', version: 1}],
      [`/api/objections/${receipt}/extension`, {months: 1, reason: 'r', version: 1}],
      [`/api/objections/${receipt}/erasure`, {version: 1}],
    ];
    for (const [target, body] of changes) {
      const res = await request(server.adminUrl, target, {method: 'POST', token: bob, body});
      assert.equal(res.status, 403, target);
      assert.equal(res.json.error.code, 'http.forbidden');
    }
    for (const target of ['/objection/status', '/objection/extension', '/objection/erasure']) {
      const res = await request(server.adminUrl, target, {method: 'POST', token: bob,
        headers: {'content-type': 'application/x-www-form-urlencoded'}, body: `receipt=${receipt}&version=1&reason=r&status=answered&months=1`});
      assert.equal(res.status, 403, target);
    }
    assert.equal((await request(server.adminUrl, '/api/audit', {token: bob})).status, 403);
    // Nothing changed.
    const one = await request(server.adminUrl, `/api/objections/${receipt}`, {token: tokens.secret.alice});
    assert.equal(one.json.objection.version, 1);
    assert.equal(one.json.objection.fields.email, 'anna@example.de');
  });

  test('wrong methods and unknown addresses, once authenticated', async () => {
    const alice = tokens.secret.alice;
    assert.equal((await request(server.adminUrl, '/api/objections', {method: 'POST', token: alice, body: {}})).status, 405);
    assert.equal((await request(server.adminUrl, `/api/objections/${receipt}/status`, {token: alice})).status, 405);
    assert.equal((await request(server.adminUrl, '/api/nothing', {token: alice})).status, 404);
    assert.equal((await request(server.adminUrl, '/api/objections/AAAA-BBBB-CCCC-DDDD', {token: alice})).status, 404);
    assert.equal((await request(server.adminUrl, `/api/objections/${receipt}`, {method: 'DELETE', token: alice})).status, 404);
  });

  test('a cross-site POST is refused before anything else', async () => {
    const res = await request(server.adminUrl, `/api/objections/${receipt}/status`, {
      method: 'POST', token: tokens.secret.alice, body: {status: 'answered', reason: 'r', version: 1},
      headers: {'sec-fetch-site': 'cross-site'}});
    assert.equal(res.status, 403);
    const evil = await request(server.adminUrl, '/objection/erasure', {method: 'POST', token: tokens.secret.alice,
      headers: {origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded'},
      body: `receipt=${receipt}&version=1`});
    assert.equal(evil.status, 403);
  });

  test('failed sign-ins are limited per client: then even the right token gets 429', async () => {
    for (let i = 0; i < 10; i++) {
      assert.equal((await request(server.adminUrl, '/api/objections', {token: 'wrong', from: '127.0.0.2'})).status, 401);
    }
    const blocked = await request(server.adminUrl, '/api/objections', {token: tokens.secret.alice, from: '127.0.0.2'});
    assert.equal(blocked.status, 429);
    assert.equal(blocked.headers['retry-after'], '60');
    // Another client is not affected.
    assert.equal((await request(server.adminUrl, '/api/objections', {token: tokens.secret.alice, from: '127.0.0.3'})).status, 200);
  });
});

describe('admin: start-up', () => {
  test('the admin listener needs a tokens file with at least one token', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'objections.db');
    const usage = await startFailure(['--listen', '127.0.0.1:0', '--db', db, '--admin-listen', '0']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--admin-listen needs --admin-tokens FILE/);
    const empty = path.join(dir, 'empty');
    execFileSync('touch', [empty]);
    const none = await startFailure(['--listen', '127.0.0.1:0', '--db', db, '--dist', distDir, '--admin-listen', '0', '--admin-tokens', empty]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /empty: no tokens/);
    const bad = path.join(dir, 'bad');
    execFileSync('sh', ['-c', `echo 'anna root abc' > ${bad}`]);
    const malformed = await startFailure(['--listen', '127.0.0.1:0', '--db', db, '--dist', distDir, '--admin-listen', '0', '--admin-tokens', bad]);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /bad: line 1: the role is reader or handler/);
    execFileSync('rm', ['-rf', dir]);
  });
});

describe('admin: lists, changes and exports', () => {
  let server;
  const alice = tokens.secret.alice;
  const carol = tokens.secret.carol;
  const receipts = {};
  before(async () => {
    // A database as main left it: the migration gives every row its deadline.
    const dir = tempDir();
    const db = path.join(dir, 'objections.db');
    mainDatabase(db, [
      {receipt: 'AAAA-0000-0000-0001', received_at: daysAgo(60), country: 'AT', email: 'old1@example.de'},
      {receipt: 'AAAA-0000-0000-0002', received_at: daysAgo(45), country: 'DE', email: 'old2@example.de'},
      {receipt: 'AAAA-0000-0000-0003', received_at: daysAgo(20), country: 'AT', email: 'old3@example.de'},
      {receipt: 'AAAA-0000-0000-0004', received_at: '2026-01-31T10:00:00.000Z', country: 'FR', email: 'jan31@example.de'},
    ]);
    server = await startAdmin(tokens, {db});
    server.dirToRemove = dir;
    const fresh = await submit(server, [{country: 'DE'}, {country: 'PL'}, {country: 'AT'}]);
    Object.assign(receipts, {newDE: fresh[0], newPL: fresh[1], newAT: fresh[2]});
  });
  after(async () => {
    await server.stop();
    execFileSync('rm', ['-rf', server.dirToRemove]);
  });

  const list = async (query) => {
    const res = await request(server.adminUrl, `/api/objections${query}`, {token: alice});
    assert.equal(res.status, 200, res.text);
    return res.json;
  };

  test('main\'s database was migrated: schema version 2, deadlines one month on', async () => {
    // 2: the mail outbox and codes (issue 23), empty for the objections of before.
    assert.deepEqual(sql(server.db, 'PRAGMA user_version'), [{user_version: 2}]);
    assert.deepEqual(sql(server.db, 'SELECT count(*) AS n FROM outbox'), [{n: 0}]);
    const jan31 = (await request(server.adminUrl, '/api/objections/AAAA-0000-0000-0004', {token: alice})).json.objection;
    assert.equal(jan31.deadline, '2026-02-28');
    assert.equal(jan31.country, 'FR');
    assert.equal(jan31.status, 'received');
    assert.equal(jan31.fields.email, 'jan31@example.de');
    // The public receipt page still knows the old rows.
    assert.equal((await fetch(`${server.url}received?receipt=AAAA-0000-0000-0001`)).status, 200);
  });

  test('filters: status, country, date range, overdue; newest or most urgent first', async () => {
    const all = await list('?limit=500');
    assert.equal(all.objections.length, 7);
    const times = all.objections.map((o) => o.received_at);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.deepEqual((await list('?country=AT')).objections.map((o) => o.receipt).sort(),
                     ['AAAA-0000-0000-0001', 'AAAA-0000-0000-0003', receipts.newAT].sort());
    const overdue = await list('?overdue=1');
    assert.deepEqual(overdue.objections.map((o) => o.receipt).sort(),
                     ['AAAA-0000-0000-0001', 'AAAA-0000-0000-0002', 'AAAA-0000-0000-0004']);
    for (const o of overdue.objections) assert.ok(o.overdue && o.days_left < 0);
    const urgent = await list('?order=urgent');
    assert.equal(urgent.objections[0].receipt, 'AAAA-0000-0000-0004', 'earliest deadline first');
    const from = daysAgo(50).slice(0, 10);
    const to = daysAgo(10).slice(0, 10);
    assert.deepEqual((await list(`?from=${from}&to=${to}`)).objections.map((o) => o.receipt),
                     ['AAAA-0000-0000-0003', 'AAAA-0000-0000-0002']);
    assert.equal((await list('?status=answered')).objections.length, 0);
    for (const bad of ['?status=open', '?country=at', '?from=2026-02-30', '?overdue=maybe', '?order=random',
                       '?limit=0', '?limit=501', '?cursor=n~x~1', '?order=urgent&cursor=n~2026-12-07T05:15:10.560Z~2']) {
      const res = await request(server.adminUrl, `/api/objections${bad}`, {token: alice});
      assert.equal(res.status, 400, bad);
      assert.equal(res.json.error.code, 'admin.bad_filter');
    }
  });

  test('cursor pages walk every objection once, in both orders', async () => {
    for (const order of ['newest', 'urgent']) {
      const seen = [];
      let cursor = null;
      let pages = 0;
      do {
        const page = await list(`?order=${order}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        seen.push(...page.objections.map((o) => o.receipt));
        cursor = page.next_cursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 4);
      assert.deepEqual(seen, (await list(`?order=${order}&limit=500`)).objections.map((o) => o.receipt));
    }
  });

  test('answer with a reason: the status, time, actor and version move; a second change is refused', async () => {
    const target = `/api/objections/${receipts.newDE}/status`;
    assert.equal((await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {status: 'answered', version: 1}})).status, 400, 'a reason is required');
    assert.equal((await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {status: 'received', reason: 'r', version: 1}})).status, 400);
    const res = await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {status: 'answered', reason: 'Your data is excluded from training.', version: 1}});
    assert.equal(res.status, 200);
    assert.equal(res.json.objection.status, 'answered');
    assert.equal(res.json.objection.version, 2);
    assert.match(res.json.objection.closed_at, /^\d{4}-\d\d-\d\dT/);
    const again = await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {status: 'rejected', reason: 'changed my mind', version: 2}});
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'admin.not_allowed');
    const one = (await request(server.adminUrl, `/api/objections/${receipts.newDE}`, {token: alice})).json.objection;
    assert.equal(one.history.length, 1);
    assert.equal(one.history[0].actor, 'alice');
    assert.equal(one.history[0].action, 'answered');
    assert.equal(one.history[0].reason, 'Your data is excluded from training.');
  });

  test('two handlers at once: one wins, the others get 409, nothing is lost', async () => {
    const target = `/api/objections/${receipts.newPL}/status`;
    const tries = await Promise.all(Array.from({length: 6}, (_, i) => request(server.adminUrl, target, {
      method: 'POST', token: i % 2 ? alice : carol,
      body: {status: i % 3 ? 'answered' : 'rejected', reason: `handler ${i}`, version: 1}})));
    const statuses = tries.map((t) => t.status).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409]);
    for (const t of tries.filter((t) => t.status === 409)) assert.equal(t.json.error.code, 'admin.version_conflict');
    const winner = tries.find((t) => t.status === 200);
    const one = (await request(server.adminUrl, `/api/objections/${receipts.newPL}`, {token: alice})).json.objection;
    assert.equal(one.version, 2);
    assert.equal(one.status, winner.json.objection.status);
    assert.equal(one.history.length, 1);
  });

  test('extension: by one, then to two months, with a reason; not three, not when closed', async () => {
    const target = `/api/objections/AAAA-0000-0000-0004/extension`;
    const one = await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {months: 1, reason: 'Many objections at once.', version: 1}});
    assert.equal(one.status, 200);
    assert.equal(one.json.objection.deadline, '2026-03-31');
    const two = await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {months: 2, reason: 'Still complex.', version: 2}});
    assert.equal(two.json.objection.deadline, '2026-04-30', 'from 31 January, not from 28 February');
    assert.equal(two.json.objection.extension_months, 2);
    for (const months of [3, 0]) {
      assert.equal((await request(server.adminUrl, target, {method: 'POST', token: alice,
        body: {months, reason: 'r', version: 3}})).status, 400);
    }
    assert.equal((await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {months: 2, reason: 'r', version: 3}})).json.error.code, 'admin.not_allowed');
    assert.equal((await request(server.adminUrl, target, {method: 'POST', token: alice,
      body: {months: 2, reason: 'no reason given'}})).status, 400, 'the version is required');
    const closed = await request(server.adminUrl, `/api/objections/${receipts.newDE}/extension`, {method: 'POST',
      token: alice, body: {months: 1, reason: 'r', version: 2}});
    assert.equal(closed.status, 409);
  });
});
