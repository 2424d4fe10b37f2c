// Mail on PostgreSQL (issues 22 and 23): the outbox and the codes kept in a throwaway
// PostgreSQL 15 cluster (tests/server/postgres.mjs), receipts sent to npm smtp-server sinks
// on loopback (tests/server/smtp-sink.mjs). The store's own outbox and code tests
// (server/tests/mail_store_test.cpp) run here on PostgreSQL too; then the mail tests' key
// cases through veto-server, and three instances on one database emptying one outbox.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {after, test} from 'node:test';

import {makeTokens, request} from './admin.mjs';
import {mailArgs, outbox, receiptOf, sigkillUnderLoadThenRestart, startLaterAndNeverSink,
        submit} from './mail-scenarios.mjs';
import {havePostgres, startPostgres} from './postgres.mjs';
import {startSink, waitFor} from './smtp-sink.mjs';
import {metricValue, root, serverBinary, startServer, validForm} from './server.mjs';

if (!havePostgres) throw new Error('PostgreSQL 15 is missing (scripts/setup-system.sh installs it)');
const cluster = await startPostgres();
after(() => cluster.destroy());

test('the store\'s outbox and code tests pass on PostgreSQL', () => {
  const unitTests = path.join(path.dirname(serverBinary), 'veto-server-unit-tests');
  assert.ok(existsSync(unitTests), `${unitTests} is missing (scripts/build-native.sh builds it)`);
  const run = spawnSync(unitTests, ['--gtest_filter=stores/*postgres'], {
    encoding: 'utf8', timeout: 60000,
    env: {...process.env, VETO_TEST_POSTGRES: `postgresql://veto@127.0.0.1:${cluster.port}`},
  });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  // Seven tests both stores pass and one of several instances on one database; none skipped.
  assert.match(run.stdout, /\[  PASSED  \] 8 tests\./, run.stdout);
  assert.doesNotMatch(run.stdout, /SKIPPED/);
});

test('PostgreSQL: the receipt email, a 4xx tried again, a 5xx kept as failed, the outbox in the metrics', async () => {
  const sink = await startLaterAndNeverSink();
  const tokens = makeTokens({ops: 'reader'});
  const name = cluster.createDatabase();
  const db = cluster.url(name);
  const server = await startServer({db, args: mailArgs(sink.port), adminTokens: tokens.file});
  try {
    const {status, receipt} = await submit(server, validForm({email: 'anna@example.de'}), {locale: 'de'});
    assert.equal(status, 201);
    const {receipt: later} = await submit(server, validForm({email: 'later@example.de'}));
    const {receipt: never} = await submit(server, validForm({email: 'never@example.de'}));
    await waitFor(() => outbox(db).every((row) => row.state !== 'pending'), 20000, 'final states');
    // The German receipt: its content as SQLite's sender renders it (mail.test.mjs tests
    // every locale; this is the same renderer fed from PostgreSQL's row).
    const t = JSON.parse(readFileSync(path.join(root, 'web/i18n/de.json'), 'utf8'));
    const anna = sink.messages.find((m) => receiptOf(m) === receipt);
    assert.ok(anna, 'the receipt email arrived');
    assert.deepEqual(anna.envelope.to, ['anna@example.de']);
    assert.equal(anna.parsed.subject, t['mail.subject'].replace('{receipt}', receipt));
    assert.equal(anna.parsed.headers.get('content-language'), 'de');
    const lines = anna.parsed.text.split(/\r?\n/);
    assert.ok(lines.includes(`${t['mail.receipt']}: ${receipt}`));
    assert.ok(lines.includes(`${t['email.label']}: anna@example.de`));
    assert.ok(lines.includes(`${t['country.label']}: AT`));
    const received = new RegExp(`${t['mail.received_at']}: (\\d{4}-\\d\\d-\\d\\d) `).exec(anna.parsed.text);
    assert.ok(received, 'the received date');
    const stored = cluster.sql(name, `SELECT deadline FROM objections WHERE receipt = '${receipt}'`)[0][0];
    assert.ok(lines.includes(`${t['mail.deadline']}: ${stored}`), 'the deadline as stored');
    assert.ok(anna.parsed.html.includes(receipt));

    const rows = Object.fromEntries(outbox(db).map((row) => [row.receipt, row]));
    assert.equal(rows[receipt].state, 'sent');
    assert.equal(rows[later].state, 'sent');
    assert.equal(rows[later].attempts, 3);
    assert.equal(rows[never].state, 'failed');
    assert.equal(rows[never].attempts, 1);
    assert.match(rows[never].last_reply, /^550 5\.1\.1 mailbox unavailable/);
    assert.equal(sink.messages.filter((m) => receiptOf(m) === later).length, 1);
    assert.equal(sink.rcpts.filter((a) => a.startsWith('never')).length, 1);

    const metrics = (await request(server.adminUrl, '/metrics', {token: tokens.secret.ops})).text;
    assert.equal(metricValue(metrics, 'veto_mail_outbox_emails', '{state="pending"}'), 0);
    assert.equal(metricValue(metrics, 'veto_mail_outbox_emails', '{state="failed"}'), 1);
    assert.match(metrics, /^veto_mail_outbox_emails\{state="undeliverable"\} 0$/m);
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('PostgreSQL: SIGKILL under load, then every acknowledged objection gets its receipt after the restart', async () => {
  // The killed instance's claimed rows are due at once: its database session ended with it
  // (the lease itself is an hour).
  await sigkillUnderLoadThenRestart(cluster.url(cluster.createDatabase()), {withinMs: 20000});
});

test('three instances on one PostgreSQL empty one outbox: each email is sent exactly once', async () => {
  // Each instance sends to a sink of its own, so the sinks tell which instance sent what:
  // all three must have sent some (else nothing raced), and no Message-ID may arrive twice.
  const sinks = await Promise.all([0, 1, 2].map(() => startSink({holdMs: 5})));
  const db = cluster.url(cluster.createDatabase());
  const servers = [];
  try {
    for (const sink of sinks) servers.push(await startServer({db, args: mailArgs(sink.port)}));
    const total = 300;
    const acknowledged = [];
    let next = 0;
    const client = async () => {
      for (let i = next++; i < total; i = next++) {
        const {status, receipt} = await submit(servers[i % 3], validForm({email: `race${i}@example.de`}));
        assert.equal(status, 201);
        acknowledged.push(receipt);
      }
    };
    await Promise.all(Array.from({length: 9}, client));
    const messages = () => sinks.flatMap((sink) => sink.messages);
    await waitFor(() => messages().length >= total, 30000, `${total} receipts`);
    // Longer than a sender's poll (1 s): a duplicate would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const ids = messages().map((m) => m.parsed.messageId);
    assert.equal(ids.length, total, `${ids.length} emails for ${total} objections`);
    assert.equal(new Set(ids).size, total, 'a Message-ID arrived twice');
    assert.deepEqual(new Set(messages().map(receiptOf)), new Set(acknowledged));
    const perInstance = sinks.map((sink) => sink.messages.length);
    assert.ok(perInstance.every((n) => n > 0), `emails per instance: ${perInstance}`);
    const rows = outbox(db);
    assert.equal(rows.length, total);
    assert.ok(rows.every((row) => row.state === 'sent' && row.attempts === 1));
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(sinks.map((sink) => sink.close()));
  }
});
