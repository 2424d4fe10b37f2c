// veto-server's mail (issue 23, server/README.md "Mail"): receipt emails through a real SMTP
// relay, an npm smtp-server sink on loopback started by each test. The server speaks plain
// SMTP to it (--smtp-tls off, allowed for loopback only) and retries after 0.2 s.
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {makeTokens, request} from './admin.mjs';
import {contact, controller, mailArgs, outbox, receiptOf, sigkillUnderLoadThenRestart, startLaterAndNeverSink,
        submit} from './mail-scenarios.mjs';
import {freePort, startSink, waitFor} from './smtp-sink.mjs';
import {metricValue, root, startFailure, startServer, tempDir, validForm} from './server.mjs';

const catalog = (locale) =>
  JSON.parse(readFileSync(path.join(root, 'web/i18n', `${locale}.json`), 'utf8'));
const allLocales = readdirSync(path.join(root, 'web/i18n'))
    .filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

// One calendar month after a YYYY-MM-DD date, clamped to the month's end (server/README.md).
function oneMonthAfter(date) {
  const [y, m, d] = date.split('-').map(Number);
  const year = m === 12 ? y + 1 : y;
  const month = m === 12 ? 1 : m + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

test('every locale: the receipt email parses, has both parts, the receipt, the date and the deadline', async () => {
  const sink = await startSink();
  const server = await startServer({args: mailArgs(sink.port)});
  try {
    const sent = {};
    for (const locale of allLocales) {
      const {status, receipt} = await submit(server, validForm({email: `anna.${locale}@example.de`}), {locale});
      assert.equal(status, 201);
      sent[receipt] = locale;
    }
    await waitFor(() => sink.messages.length >= allLocales.length, 30000, 'the 26 receipts');
    assert.equal(sink.messages.length, allLocales.length);
    for (const message of sink.messages) {
      const receipt = receiptOf(message);
      const locale = sent[receipt];
      assert.ok(locale, `an email for a receipt that was not given out: ${message.parsed.messageId}`);
      const t = catalog(locale);
      const {parsed, raw, envelope} = message;
      assert.deepEqual(envelope.to, [`anna.${locale}@example.de`]);
      assert.equal(envelope.from, 'objections@example.org');
      assert.equal(parsed.subject, t['mail.subject'].replace('{receipt}', receipt), locale);
      assert.equal(parsed.from.value[0].name, controller);
      assert.equal(parsed.headers.get('content-language'), locale);
      assert.match(parsed.headers.get('content-type').value, /^multipart\/alternative$/);
      assert.ok(parsed.text && parsed.html, `${locale}: both parts`);
      // Headers are ASCII: the non-ASCII subject and name travel as encoded words.
      const head = raw.subarray(0, raw.indexOf('\r\n\r\n'));
      assert.ok(head.every((byte) => byte < 0x80), `${locale}: 8-bit header`);
      const received = new RegExp(`${t['mail.received_at']}: (\\d{4}-\\d\\d-\\d\\d) \\d\\d:\\d\\d:\\d\\d UTC`)
          .exec(parsed.text);
      assert.ok(received, `${locale}: the received date and time`);
      const lines = parsed.text.split(/\r?\n/);
      assert.ok(lines.includes(`${t['mail.receipt']}: ${receipt}`), `${locale}: receipt line`);
      assert.ok(lines.includes(`${t['mail.deadline']}: ${oneMonthAfter(received[1])}`), `${locale}: deadline`);
      assert.ok(lines.includes(`${t['email.label']}: anna.${locale}@example.de`), `${locale}: the email as stored`);
      assert.ok(lines.includes(`${t['country.label']}: AT`), `${locale}: the country as stored`);
      assert.ok(lines.includes(`${t['phone.label']}: ${t['mail.not_given']}`), `${locale}: an absent field`);
      assert.ok(lines.includes(`${t['mail.controller']}: ${controller}, ${contact}`), `${locale}: controller`);
      assert.ok(parsed.text.includes(t['mail.intro']));
      assert.match(parsed.html, new RegExp(`<html lang="${locale}">`));
      assert.ok(parsed.html.includes(receipt) && parsed.html.includes(oneMonthAfter(received[1])));
    }
    const rows = outbox(server.db);
    assert.equal(rows.length, allLocales.length);
    assert.ok(rows.every((row) => row.state === 'sent' && row.attempts === 1 && /^250/.test(row.last_reply)));
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('the page promises what the mode sends', async () => {
  const sink = await startSink();
  const withMail = await startServer({args: mailArgs(sink.port)});
  const without = await startServer();
  try {
    const en = catalog('en');
    const page = async (server) => (await fetch(`${server.url}?lang=en`)).text();
    const withPage = await page(withMail);
    const withoutPage = await page(without);
    assert.ok(withPage.includes(`data-i18n="email.hint">${en['email.hint']}`));
    assert.ok(withoutPage.includes(`data-i18n="email.hint_none">${en['email.hint_none']}`));
    assert.ok(!withoutPage.includes(en['email.hint']));
    const {receipt: r1} = await submit(withMail, validForm());
    const {receipt: r2} = await submit(without, validForm());
    const received = async (server, r) => (await fetch(`${server.url}received?receipt=${r}&lang=de`)).text();
    assert.ok((await received(withMail, r1)).includes(catalog('de')['received.mail_receipt']));
    assert.ok((await received(without, r2)).includes(catalog('de')['received.mail_none']));
    assert.match(without.stderr(), /mail: off \(no --smtp-relay\)/);
    assert.match(withMail.stderr(), /mail: receipt mode/);
    assert.deepEqual(outbox(without.db), []);
  } finally {
    await withMail.stop();
    await without.stop();
    await sink.close();
  }
});

test('bad mail options stop start-up', async () => {
  const dir = tempDir();
  const base = ['--listen', '127.0.0.1:0', '--db', path.join(dir, 'db')];
  const cases = [
    [['--mail-mode', 'receipt'], /needs --smtp-relay/],
    [['--mail-mode', 'receipt', '--smtp-relay', 'smtp://mail.example.org', '--smtp-tls', 'off',
      '--smtp-from', 'a@example.org'], /only for an smtp:\/\/ relay on loopback/],
    [['--mail-mode', 'receipt', '--smtp-relay', 'http://127.0.0.1:25', '--smtp-from', 'a@example.org'],
      /expected smtp:\/\//],
    [['--mail-mode', 'receipt', '--smtp-relay', 'smtp://user:secret@127.0.0.1:25', '--smtp-from', 'a@example.org'],
      /expected smtp:\/\//],
    [['--mail-mode', 'receipt', '--smtp-relay', 'smtp://127.0.0.1:25'], /--smtp-from/],
    [['--mail-mode', 'sometimes'], /--mail-mode: expected/],
  ];
  for (const [args, message] of cases) {
    const {code, stderr} = await startFailure([...base, ...args]);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, message);
  }
});

test('a 4xx is tried again; a 5xx is kept as failed with the relay\'s reply', async () => {
  const sink = await startLaterAndNeverSink();
  const tokens = makeTokens({ops: 'reader'});
  const server = await startServer({args: mailArgs(sink.port), adminTokens: tokens.file});
  try {
    const {receipt: later} = await submit(server, validForm({email: 'later@example.de'}));
    const {receipt: never} = await submit(server, validForm({email: 'never@example.de'}));
    await waitFor(() => sink.messages.length === 1, 20000, 'the deferred receipt');
    assert.equal(receiptOf(sink.messages[0]), later);
    await waitFor(() => outbox(server.db).every((row) => row.state !== 'pending'), 20000, 'final states');
    const rows = Object.fromEntries(outbox(server.db).map((row) => [row.receipt, row]));
    assert.equal(rows[later].state, 'sent');
    assert.equal(rows[later].attempts, 3);
    assert.equal(rows[never].state, 'failed');
    assert.equal(rows[never].attempts, 1);
    assert.match(rows[never].last_reply, /^550 5\.1\.1 mailbox unavailable/);
    // Tried once only: a permanent refusal is not retried.
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(sink.rcpts.filter((a) => a.startsWith('never')).length, 1);
    assert.match(server.stderr(), new RegExp(`mail for ${never}: failed`));
    assert.doesNotMatch(server.stderr(), /never@example/);  // no address in the log
    // The admin API and page show the reply too.
    const one = await request(server.adminUrl, `/api/objections/${never}`, {token: tokens.secret.ops});
    assert.equal(one.json.objection.receipt_email.state, 'failed');
    assert.match(one.json.objection.receipt_email.last_reply, /^550 5\.1\.1/);
    const page = await request(server.adminUrl, `/objection?receipt=${never}`, {token: tokens.secret.ops});
    assert.match(page.text, /<p id="receipt-email">failed, 1 attempt\(s\): 550 5\.1\.1 mailbox unavailable/);
    // The outbox's depth and failures in the metrics.
    const metrics = (await request(server.adminUrl, '/metrics', {token: tokens.secret.ops})).text;
    assert.match(metrics, /^veto_mail_outbox_emails\{state="pending"\} 0$/m);
    assert.equal(metricValue(metrics, 'veto_mail_outbox_emails', '{state="failed"}'), 1);
    assert.match(metrics, /^veto_mail_outbox_emails\{state="undeliverable"\} 0$/m);
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('a relay that is down delays the receipts, then they all arrive', async () => {
  const port = await freePort();
  const server = await startServer({args: mailArgs(port)});
  let sink;
  try {
    const receipts = [];
    for (let i = 0; i < 3; ++i) receipts.push((await submit(server, validForm({email: `down${i}@example.de`}))).receipt);
    await waitFor(() => outbox(server.db).some((row) => row.attempts >= 2), 20000, 'failed attempts');
    // One email finds the relay down; the rest of that batch waits without a try of its own.
    const rows = outbox(server.db);
    assert.ok(rows.every((row) => row.state === 'pending'));
    assert.ok(rows.every((row) => /connect/i.test(row.last_reply) || row.last_reply === 'not tried: the relay was unreachable'),
              JSON.stringify(rows));
    sink = await startSink({port});
    await waitFor(() => sink.messages.length === 3, 20000, 'the delayed receipts');
    assert.deepEqual(sink.messages.map(receiptOf).sort(), receipts.sort());
  } finally {
    await server.stop();
    await sink?.close();
  }
});

test('an objection is acknowledged while the relay is still busy with an earlier receipt', async () => {
  const sink = await startSink({holdMs: 3000});
  const server = await startServer({args: mailArgs(sink.port)});
  try {
    await submit(server, validForm({email: 'first@example.de'}));
    await waitFor(() => sink.held === 1, 10000, 'the sink to hold the first receipt');
    // The sender is inside an SMTP transaction for the next 3 s; the API answers anyway.
    const {status} = await submit(server, validForm({email: 'second@example.de'}));
    assert.equal(status, 201);
    assert.equal(sink.messages.length, 0, 'answered before the relay accepted the first email');
    await waitFor(() => sink.messages.length === 2, 20000, 'both receipts');
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('an internationalized domain travels as A-labels', async () => {
  const sink = await startSink({smtputf8: false});
  const server = await startServer({args: mailArgs(sink.port)});
  try {
    await submit(server, validForm({email: 'anna@bücher.de'}));
    await waitFor(() => sink.messages.length === 1, 20000, 'the receipt');
    const [message] = sink.messages;
    assert.ok(sink.commands.includes('RCPT TO:<anna@xn--bcher-kva.de>'), sink.commands.join(' | '));
    assert.equal(message.envelope.smtputf8, false);
    assert.match(message.raw.toString('latin1'), /\r\nTo: <anna@xn--bcher-kva\.de>\r\n/);
    // The address as stored (U-labels) is what the body quotes.
    assert.ok(message.parsed.text.includes('anna@bücher.de'));
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('a non-ASCII local part goes with SMTPUTF8, or is undeliverable and never sent mangled', async () => {
  const withUtf8 = await startSink({smtputf8: true});
  const withoutUtf8 = await startSink({smtputf8: false});
  const a = await startServer({args: mailArgs(withUtf8.port)});
  const b = await startServer({args: mailArgs(withoutUtf8.port)});
  try {
    await submit(a, validForm({email: 'jörg@example.de'}));
    await waitFor(() => withUtf8.messages.length === 1, 20000, 'the SMTPUTF8 receipt');
    const [message] = withUtf8.messages;
    assert.deepEqual(message.envelope.to, ['jörg@example.de']);
    assert.equal(message.envelope.smtputf8, true);
    assert.ok(withUtf8.commands.includes('RCPT TO:<jörg@example.de>'), withUtf8.commands.join(' | '));
    assert.equal(message.parsed.to.value[0].address, 'jörg@example.de');

    const {receipt} = await submit(b, validForm({email: 'jörg@example.de'}));
    await submit(b, validForm({email: 'plain@example.de'}));  // the next one still goes
    await waitFor(() => withoutUtf8.messages.length === 1, 20000, 'the ASCII receipt');
    await waitFor(() => outbox(b.db).every((row) => row.state !== 'pending'), 20000, 'final states');
    const row = outbox(b.db).find((r) => r.receipt === receipt);
    assert.equal(row.state, 'undeliverable');
    assert.match(row.last_reply, /SMTPUTF8/);
    assert.deepEqual(withoutUtf8.rcpts, ['plain@example.de'], 'no RCPT for the non-ASCII address');
  } finally {
    await a.stop();
    await b.stop();
    await withUtf8.close();
    await withoutUtf8.close();
  }
});

test('SIGKILL under load: every acknowledged objection gets its receipt after the restart', async () => {
  await sigkillUnderLoadThenRestart(path.join(tempDir(), 'objections.db'));
});

test('SIGTERM while the relay holds an email: the server stops at once, the email stays pending', async () => {
  const sink = await startSink({holdMs: 8000});
  const db = path.join(tempDir(), 'objections.db');
  const server = await startServer({db, args: mailArgs(sink.port)});
  const {receipt} = await submit(server, validForm({email: 'held@example.de'}));
  await waitFor(() => sink.held === 1, 10000, 'the sink to hold the receipt');
  const started = Date.now();
  const {code} = await server.stop('SIGTERM');
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 4000, `stopping took ${Date.now() - started} ms`);
  // Less than the sink's hold: the shutdown did not wait for the relay.
  const [row] = outbox(db);
  assert.equal(row.receipt, receipt);
  assert.equal(row.state, 'pending');
  assert.equal(row.attempts, 0, 'an attempt cut short by the shutdown is not counted');
  await sink.close();
});
