// The mail-domain check over HTTP (--mail-domain-check on): a submission whose address's
// domain cannot receive mail is refused with email.domain_no_mail on the email field, in
// the API and the no-JavaScript path; a timeout never refuses; off by default. Against
// Debian's dnsmasq on a loopback port (dns.mjs).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';

import {startDns} from './dns.mjs';
import {root, startFailure, startServer, tempDir, validForm} from './server.mjs';

const message = (locale, domain) =>
  JSON.parse(readFileSync(path.join(root, 'src/data/messages', `${locale}.json`), 'utf8'))[
    'email.domain_no_mail'].replace('{domain}', domain);

const submit = (server, form, locale = 'en') => fetch(`${server.url}api/objections?locale=${locale}`, {
  method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(form),
});

describe('mail-domain check', () => {
  let dns;
  let server;
  before(async () => {
    dns = await startDns();
    server = await startServer({args: ['--mail-domain-check', 'on', '--mail-domain-resolver', dns.address,
                                       '--mail-domain-timeout', '0.5']});
  });
  after(async () => {
    await server?.stop();
    await dns?.stop();
  });

  test('a domain that cannot receive mail is the email field\'s error, exactly as the validator\'s look', async () => {
    for (const [domain, locale] of [['nullmx.example', 'de'], ['nx.example', 'fr'], ['txtonly.example', 'mt']]) {
      const res = await submit(server, validForm({email: `anna@${domain}`}), locale);
      assert.equal(res.status, 422, domain);
      const {result, receipt} = await res.json();
      assert.equal(receipt, undefined);
      assert.equal(result.valid, false);
      assert.deepEqual(result.fields.email, {
        valid: false, value: null,
        errors: [{code: 'email.domain_no_mail', params: {domain}, message: message(locale, domain)}],
        warnings: [], info: {},
      });
      assert.equal(result.fields.country.valid, true);  // the other fields as they were
    }
  });

  test('MX, an address record without MX, and an internationalized domain are accepted', async () => {
    const before = dns.queries('MX', 'xn--mller-kva.example');
    for (const email of ['anna@mx.example', 'anna@aonly.example', 'anna@aaaaonly.example', 'anna@müller.example']) {
      const res = await submit(server, validForm({email}));
      assert.equal(res.status, 201, email);
      const {result} = await res.json();
      assert.equal(result.fields.email.valid, true);
    }
    // The Unicode domain went to DNS as its A-labels.
    assert.equal(dns.queries('MX', 'xn--mller-kva.example'), before + 1);
  });

  test('a retry of an objection stored before gets its receipt again, whatever DNS says now', async () => {
    // Stored while the check was off (or the domain still took mail); the answer was lost.
    const form = validForm({email: 'carla@nullmx.example'});
    const body = JSON.stringify(form);
    const post = (target, key) => fetch(`${target.url}api/objections`, {
      method: 'POST', headers: {'content-type': 'application/json', 'idempotency-key': key}, body});
    const earlier = await startServer({db: path.join(tempDir(), 'objections.db')});
    const first = await post(earlier, 'retry-after-dns-changed');
    assert.equal(first.status, 201);
    const {receipt} = await first.json();
    await earlier.stop();
    const now = await startServer({db: earlier.db, args: ['--mail-domain-check', 'on',
                                                          '--mail-domain-resolver', dns.address]});
    try {
      const again = await post(now, 'retry-after-dns-changed');
      assert.equal(again.status, 200);
      assert.equal((await again.json()).receipt, receipt);
      // A new objection to that domain is refused as before.
      const fresh = await post(now, 'a-new-key');
      assert.equal(fresh.status, 422);
      assert.equal((await fresh.json()).result.fields.email.errors[0].code, 'email.domain_no_mail');
    } finally {
      await now.stop();
    }
  });

  test('a DNS timeout never refuses, and takes at most the timeout', async () => {
    const started = Date.now();
    const res = await submit(server, validForm({email: 'anna@slow.example'}));
    const took = Date.now() - started;
    assert.equal(res.status, 201);
    assert.ok(dns.queries('MX', 'slow.example') >= 1);
    assert.ok(took < 500 + 2000, `${took} ms`);  // bounded (a generous margin for a busy machine)
  });

  test('the second submission to a domain is answered from the cache', async () => {
    const form = validForm({email: 'berta@nullmx.example'});
    await submit(server, form);
    const seen = dns.queries('MX', 'nullmx.example');
    const res = await submit(server, form, 'sv');
    assert.equal(res.status, 422);
    assert.equal((await res.json()).result.fields.email.errors[0].message, message('sv', 'nullmx.example'));
    assert.equal(dns.queries('MX', 'nullmx.example'), seen);
  });

  test('the no-JavaScript form shows the message beside the field', async () => {
    const body = new URLSearchParams({locale: 'fr', idempotency_key: 'nojs-no-mail', ...validForm({email: 'anna@nx.example'})});
    const res = await fetch(server.url + 'objections', {
      method: 'POST', redirect: 'manual', headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: body.toString(),
    });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.ok(html.includes(message('fr', 'nx.example')), 'the French message is on the page');
  });

  test('the server says at start-up where it asks', () => {
    assert.match(server.stderr(), new RegExp(`mail-domain check on: asking ${dns.address.replace(/\./g, '\\.')}, at most 500 ms`));
  });

  test('/api/validate stays the CLI\'s verdict: the check is only made on submission', async () => {
    const res = await fetch(server.url + 'api/validate', {
      method: 'POST', headers: {'content-type': 'application/json'},
      body: JSON.stringify(validForm({email: 'anna@nullmx.example'})),
    });
    assert.equal((await res.json()).valid, true);
  });
});

describe('mail-domain check: off and misconfigured', () => {
  test('off by default: nothing is asked and nothing refused', async () => {
    const dns = await startDns();
    const server = await startServer({args: ['--mail-domain-resolver', dns.address]});
    try {
      const res = await submit(server, validForm({email: 'anna@nullmx.example'}));
      assert.equal(res.status, 201);
      assert.equal(dns.queries('MX', 'nullmx.example'), 0);
    } finally {
      await server.stop();
      await dns.stop();
    }
  });

  test('a bad option stops the server before it listens', async () => {
    const usage = await startFailure(['--mail-domain-check', 'yes']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--mail-domain-check: expected on or off/);
    const bad = await startFailure(['--mail-domain-check', 'on',
                                    '--mail-domain-resolver', 'dns.example']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--mail-domain-resolver: expected IPV4\[:PORT\] or \[IPV6\]:PORT/);
  });
});
