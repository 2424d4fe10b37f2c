// Mode code (issue 23, server/README.md "Mail"): a 6-digit code emailed to the address
// before an objection is accepted, end to end through the npm smtp-server sink on loopback.
// Each test speaks from its own loopback address (127.23.x.y), so that the per-client limit
// on codes counts only its own requests.
import assert from 'node:assert/strict';
import http from 'node:http';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {startDns} from './dns.mjs';
import {startSink, waitFor} from './smtp-sink.mjs';
import {root, startFailure, startServer, validForm} from './server.mjs';

const codeArgs = (port, extra = []) => [
  '--mail-mode', 'code', '--smtp-relay', `smtp://127.0.0.1:${port}`, '--smtp-tls', 'off',
  '--smtp-from', 'objections@example.org', '--controller-name', 'Daten GmbH',
  '--mail-retry', '0.2', '--mail-retry-max', '0.4', ...extra];

const catalog = (locale) =>
  JSON.parse(readFileSync(path.join(root, 'web/i18n', `${locale}.json`), 'utf8'));
const allLocales = readdirSync(path.join(root, 'web/i18n'))
    .filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

// A JSON POST from `from` (a loopback address): {status, headers, body}.
function post(server, route, body, {from = '127.0.0.1', headers = {}} = {}) {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port: server.port, path: route, method: 'POST',
                              localAddress: from, agent: false,
                              headers: {'Content-Type': 'application/json', 'Content-Length': data.length,
                                        ...headers}}, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({status: res.statusCode, headers: res.headers,
                                   body: JSON.parse(Buffer.concat(chunks).toString('utf8'))}));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const askCode = (server, form, {locale = 'en', from} = {}) =>
  post(server, `/api/codes?locale=${locale}`, form, {from});
const submit = (server, form, code, {locale = 'en', from, key} = {}) => {
  const headers = {};
  if (code !== undefined) headers['Confirmation-Code'] = code;
  if (key) headers['Idempotency-Key'] = key;
  return post(server, `/api/objections?locale=${locale}`, form, {from, headers});
};

const codeMails = (sink, to) => sink.messages.filter(
    (m) => m.envelope.to[0] === to && /^<code\./.test(m.parsed.messageId));
// The code of the latest code email to `to` (waiting for the `count`th one).
async function codeFor(sink, to, count = 1) {
  await waitFor(() => codeMails(sink, to).length >= count, 10000, `code email ${count} to ${to}`);
  const mail = codeMails(sink, to)[count - 1];
  const match = /^\s+(\d{6})$/m.exec(mail.parsed.text);
  assert.ok(match, `no code in: ${mail.parsed.text}`);
  return match[1];
}
const otherThan = (code) => String((Number(code) + 1) % 1000000).padStart(6, '0');

describe('mode code', () => {
  let sink;
  let server;
  before(async () => {
    sink = await startSink();
    server = await startServer({args: codeArgs(sink.port)});
  });
  after(async () => {
    await server?.stop();
    await sink?.close();
  });

  test('a code from the email lets the objection in, once; the receipt follows', async () => {
    const from = '127.23.0.1';
    const to = 'anna.code@example.de';
    const form = validForm({email: to});
    const asked = await askCode(server, form, {locale: 'de', from});
    assert.equal(asked.status, 202);
    assert.deepEqual(asked.body, {expires_in: 600});
    const code = await codeFor(sink, to);
    const mail = codeMails(sink, to)[0];
    const t = catalog('de');
    assert.equal(mail.parsed.subject, t['mail.code_subject'].replace('{code}', code));
    assert.equal(mail.parsed.headers.get('content-language'), 'de');
    assert.ok(mail.parsed.html.includes(`<strong>${code}</strong>`));
    assert.ok(mail.parsed.text.includes(t['mail.code_valid'].replace('{minutes}', '10')));
    assert.match(mail.parsed.messageId, /^<code\.[0-9a-f]{24}@example\.org>$/);

    const missing = await submit(server, form, undefined, {from});
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error.code, 'confirmation.missing');
    const accepted = await submit(server, form, code, {locale: 'de', from, key: 'k-code-1'});
    assert.equal(accepted.status, 201);
    assert.match(accepted.body.receipt, /^[0-9A-Z-]+$/);
    await waitFor(() => sink.messages.some((m) => m.parsed.messageId === `<receipt.${accepted.body.receipt}@example.org>`),
                  10000, 'the receipt email');
    // A retry after a lost answer (the same key, the same body) gets the same receipt,
    // though its code is used up; nothing is stored twice.
    const retried = await submit(server, form, code, {locale: 'de', from, key: 'k-code-1'});
    assert.equal(retried.status, 200);
    assert.equal(retried.headers['idempotent-replayed'], 'true');
    assert.equal(retried.body.receipt, accepted.body.receipt);
    // Used up: the same code again, even for the same form, is refused.
    const reused = await submit(server, form, code, {from, key: 'k-code-2'});
    assert.equal(reused.status, 403);
    assert.equal(reused.body.error.code, 'confirmation.unknown');
  });

  test('an invalid form gets the validator\'s 422 and no code; a code never asked for is refused', async () => {
    const from = '127.23.0.2';
    const bad = await askCode(server, validForm({email: 'not an address'}), {from});
    assert.equal(bad.status, 422);
    assert.equal(bad.body.result.valid, false);
    const never = await submit(server, validForm({email: 'never.asked@example.de'}), '123456', {from});
    assert.equal(never.status, 403);
    assert.equal(never.body.error.code, 'confirmation.unknown');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sink.messages.filter((m) => m.envelope.to[0] === 'not an address').length, 0);
  });

  test('five wrong tries kill the code, the right one too; a new code works', async () => {
    const from = '127.23.0.3';
    const to = 'brute@example.de';
    const form = validForm({email: to});
    assert.equal((await askCode(server, form, {from})).status, 202);
    const code = await codeFor(sink, to);
    const wrong = otherThan(code);
    for (let i = 1; i <= 4; i++) {
      const r = await submit(server, form, wrong, {from});
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'confirmation.wrong', `try ${i}`);
    }
    const fifth = await submit(server, form, 'abc', {from});  // anything wrong counts
    assert.equal(fifth.body.error.code, 'confirmation.exhausted');
    const right = await submit(server, form, code, {from});
    assert.equal(right.status, 403);
    assert.equal(right.body.error.code, 'confirmation.exhausted');

    assert.equal((await askCode(server, form, {from})).status, 202);
    const fresh = await codeFor(sink, to, 2);
    // The older code does not come back to life with the new one.
    if (fresh !== code) assert.equal((await submit(server, form, code, {from})).body.error.code, 'confirmation.wrong');
    assert.equal((await submit(server, form, fresh, {from})).status, 201);
  });

  test('resends: five codes an hour for an address, ten at once for a client', async () => {
    const to = 'resend@example.de';
    for (let i = 1; i <= 5; i++) {
      assert.equal((await askCode(server, validForm({email: to}), {from: `127.23.1.${i}`})).status, 202, `code ${i}`);
    }
    const sixth = await askCode(server, validForm({email: to}), {from: '127.23.1.6'});
    assert.equal(sixth.status, 429);
    assert.equal(sixth.body.error.code, 'confirmation.too_many');
    assert.equal(sixth.headers['retry-after'], '3600');
    // Only the latest of the five works.
    const last = await codeFor(sink, to, 5);
    assert.equal((await submit(server, validForm({email: to}), last, {from: '127.23.1.7'})).status, 201);

    const from = '127.23.2.1';
    for (let i = 1; i <= 10; i++) {
      assert.equal((await askCode(server, validForm({email: `client${i}@example.de`}), {from})).status, 202, `code ${i}`);
    }
    const eleventh = await askCode(server, validForm({email: 'client11@example.de'}), {from});
    assert.equal(eleventh.status, 429);
    assert.equal(eleventh.body.error.code, 'confirmation.too_many');
    assert.ok(Number(eleventh.headers['retry-after']) >= 1);
  });

  test('every locale: the code email parses, has both parts and the code', async () => {
    const sent = new Map();
    for (const [i, locale] of allLocales.entries()) {
      const to = `code.${locale}@example.de`;
      const r = await askCode(server, validForm({email: to}), {locale, from: `127.23.3.${i + 1}`});
      assert.equal(r.status, 202, locale);
      sent.set(to, locale);
    }
    for (const [to, locale] of sent) {
      const code = await codeFor(sink, to);
      const {parsed, raw} = codeMails(sink, to)[0];
      const t = catalog(locale);
      assert.equal(parsed.subject, t['mail.code_subject'].replace('{code}', code), locale);
      assert.equal(parsed.headers.get('content-language'), locale);
      assert.ok(parsed.text.includes(t['mail.code_intro']) && parsed.text.includes(t['mail.code_ignore']), locale);
      assert.ok(parsed.html.includes(code), `${locale}: the HTML part`);
      const head = raw.subarray(0, raw.indexOf('\r\n\r\n'));
      assert.ok(head.every((byte) => byte < 0x80), `${locale}: 8-bit header`);
    }
  });
});

test('mode code: a code email goes ahead of queued receipts, and is retried after a 4xx', async () => {
  // The sink holds each message 300 ms, and refuses the first try of each receipt (the
  // address's second RCPT, after its code) with a 451: the six receipts fall due again
  // 0.2 s later, together, and go out in one batch that takes the sender 1.8 s.
  const rcpts = new Map();
  const later = {code: 451, message: '4.3.0 try again later'};
  const sink = await startSink({holdMs: 300, onRcpt: (address) => {
    const n = (rcpts.get(address) ?? 0) + 1;
    rcpts.set(address, n);
    if (/^queued\d@/.test(address) && n === 2) return later;
    if (address === 'retry@example.de' && n === 1) return later;
    return undefined;
  }});
  const server = await startServer({args: codeArgs(sink.port)});
  try {
    const forms = Array.from({length: 6}, (_, i) => validForm({email: `queued${i}@example.de`}));
    for (const [i, form] of forms.entries()) {
      assert.equal((await askCode(server, form, {from: `127.23.4.${i + 1}`})).status, 202);
    }
    const codes = [];
    for (const form of forms) codes.push(await codeFor(sink, form.email));
    const receipts = [];
    for (const [i, form] of forms.entries()) {
      const r = await submit(server, form, codes[i], {from: `127.23.4.${i + 1}`});
      assert.equal(r.status, 201);
      receipts.push(r.body.receipt);
    }
    // Asked for once the batch is being sent: it arrives before the last receipts.
    await waitFor(() => sink.held >= forms.length + 1, 10000, 'the first receipt');
    assert.equal((await askCode(server, validForm({email: 'urgent@example.de'}), {from: '127.23.4.20'})).status, 202);
    await codeFor(sink, 'urgent@example.de');
    await waitFor(() => receipts.every((r) => sink.messages.some((m) => m.parsed.messageId === `<receipt.${r}@example.org>`)),
                  20000, 'the six receipts');
    const order = sink.messages.map((m) => m.parsed.messageId);
    const urgent = order.findIndex((id, i) => id.startsWith('<code.') && sink.messages[i].envelope.to[0] === 'urgent@example.de');
    const receiptsAfter = receipts.filter((r) => order.indexOf(`<receipt.${r}@example.org>`) > urgent).length;
    assert.ok(receiptsAfter >= 3, `the code came before ${receiptsAfter} of the receipts`);

    // A 4xx for the code: tried again 2 s later, not after the receipts' backoff.
    const asked = Date.now();
    assert.equal((await askCode(server, validForm({email: 'retry@example.de'}), {from: '127.23.4.21'})).status, 202);
    await codeFor(sink, 'retry@example.de');
    assert.equal(rcpts.get('retry@example.de'), 2);
    assert.ok(Date.now() - asked < 6000, `${Date.now() - asked} ms`);
    assert.doesNotMatch(server.stderr(), /retry@example|urgent@example/);
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('mode code: an expired code is refused (--code-ttl 5)', async () => {
  const sink = await startSink();
  const server = await startServer({args: codeArgs(sink.port, ['--code-ttl', '5'])});
  try {
    const to = 'late@example.de';
    const asked = await askCode(server, validForm({email: to}));
    assert.deepEqual(asked.body, {expires_in: 5});
    const code = await codeFor(sink, to);
    await new Promise((resolve) => setTimeout(resolve, 5200));
    const late = await submit(server, validForm({email: to}), code);
    assert.equal(late.status, 403);
    assert.equal(late.body.error.code, 'confirmation.expired');
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('mode code with the mail-domain check: no code to a domain without mail', async () => {
  const dns = await startDns();
  const sink = await startSink();
  const server = await startServer({args: codeArgs(sink.port, [
    '--mail-domain-check', 'on', '--mail-domain-resolver', dns.address, '--mail-domain-timeout', '0.5'])});
  try {
    const refused = await askCode(server, validForm({email: 'anna@nullmx.example'}), {locale: 'fr'});
    assert.equal(refused.status, 422);
    const {email} = refused.body.result.fields;
    assert.equal(email.errors[0].code, 'email.domain_no_mail');
    // "unknown" (a resolver that does not answer) never blocks.
    assert.equal((await askCode(server, validForm({email: 'anna@slow.example'}))).status, 202);
    assert.equal((await askCode(server, validForm({email: 'anna@mx.example'}))).status, 202);
    await waitFor(() => sink.messages.length >= 2, 10000, 'two code emails');
    assert.deepEqual(sink.messages.map((m) => m.envelope.to[0]).sort(), ['anna@mx.example', 'anna@slow.example']);
  } finally {
    await server.stop();
    await sink.close();
    await dns.stop();
  }
});

test('mode code: options', async () => {
  assert.match((await startFailure(['--mail-mode', 'code'])).stderr, /--mail-mode code needs --smtp-relay/);
  assert.match((await startFailure(['--code-ttl', '4'])).stderr, /--code-ttl: expected at least 5 seconds/);
  // Without mode code there are no codes to ask for.
  const server = await startServer();
  try {
    const r = await askCode(server, validForm());
    assert.equal(r.status, 404);
  } finally {
    await server.stop();
  }
});

// --- Without JavaScript: POST /objections shows the code step (web/code.html).

const unescapeHtml = (text) => text.replace(/&(#(\d+)|amp|lt|gt|quot);/g, (all, entity, number) =>
  number ? String.fromCodePoint(Number(number)) : {amp: '&', lt: '<', gt: '>', quot: '"'}[entity]);
const hiddenInputs = (html) => [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)]
    .map(([, name, value]) => [unescapeHtml(name), unescapeHtml(value)]);
const postPage = (server, pairs) => fetch(`${server.url}objections`, {
  method: 'POST', redirect: 'manual', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
  body: new URLSearchParams(pairs).toString()});

test('mode code without JavaScript: the code step, wrong, resend, change and confirm', async () => {
  const sink = await startSink();
  const server = await startServer({args: codeArgs(sink.port)});
  try {
    const to = 'nojs@example.de';
    const details = 'Line one & <two>\n"three"';
    const first = await postPage(server, [['locale', 'it'], ['idempotency_key', 'nojs-key-1'],
                                          ...Object.entries(validForm({email: to, details}))]);
    assert.equal(first.status, 200);
    const page = await first.text();
    const t = catalog('it');
    assert.ok(page.includes(`<title>${t['code.title']}</title>`));
    assert.ok(page.includes(t['code.intro'].replace('{email}', `<strong>${to}</strong>`)));
    assert.match(page, /<input id="code" name="code"[^>]* autofocus/);
    const hidden = hiddenInputs(page);
    assert.deepEqual(Object.fromEntries(hidden),
                     {locale: 'it', idempotency_key: 'nojs-key-1', ...validForm({email: to, details})});
    const code = await codeFor(sink, to);

    const wrong = await postPage(server, [...hidden, ['code', otherThan(code)], ['action', 'confirm']]);
    assert.equal(wrong.status, 403);
    const wrongPage = await wrong.text();
    assert.ok(wrongPage.includes(`data-code="code.wrong">${t['code.wrong']}</span>`));
    assert.match(wrongPage, /aria-invalid="true" aria-describedby="code-hint code-messages"/);
    const empty = await postPage(server, [...hidden, ['code', ''], ['action', 'confirm']]);
    assert.equal(empty.status, 422);
    assert.ok((await empty.text()).includes(t['code.missing']));

    const change = await postPage(server, [...hidden, ['code', ''], ['action', 'change']]);
    assert.equal(change.status, 200);
    const form = await change.text();
    assert.match(form, new RegExp(`id="email"[^>]*value="${to}"`));
    assert.match(form, /name="idempotency_key" value="nojs-key-1"/);

    const resend = await postPage(server, [...hidden, ['code', ''], ['action', 'resend']]);
    assert.equal(resend.status, 200);
    assert.ok((await resend.text()).includes(t['code.resent']));
    const fresh = await codeFor(sink, to, 2);
    const done = await postPage(server, [...hidden, ['code', fresh], ['action', 'confirm']]);
    assert.equal(done.status, 303);
    const receipt = /receipt=([0-9A-Z-]+)&lang=it$/.exec(done.headers.get('location'))?.[1];
    assert.ok(receipt, done.headers.get('location'));
    await waitFor(() => sink.messages.some((m) => m.parsed.messageId === `<receipt.${receipt}@example.org>`),
                  10000, 'the receipt email');
    const receiptMail = sink.messages.find((m) => m.parsed.messageId === `<receipt.${receipt}@example.org>`);
    assert.ok(receiptMail.parsed.text.includes('Line one & <two>'));
  } finally {
    await server.stop();
    await sink.close();
  }
});
