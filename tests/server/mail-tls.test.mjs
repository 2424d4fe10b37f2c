// veto-server's mail over TLS with a login (issue 23, server/README.md "Mail"): the relay is
// an npm smtp-server sink on loopback with a certificate from a CA the test makes with
// openssl, offering STARTTLS (smtp://) or speaking TLS from the start (smtps://), and
// requiring AUTH. What is checked: the message goes out encrypted and logged in; a relay
// that offers no STARTTLS, a certificate nobody trusts and a wrong password each keep the
// message waiting (never sent in the clear, never dropped); the password never appears in
// the server's output or its command line.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';

import {outbox, relayArgs, submit} from './mail-scenarios.mjs';
import {startSink, waitFor} from './smtp-sink.mjs';
import {startServer, tempDir, validForm} from './server.mjs';

const user = 'veto-relay';
const password = 'correct horse battery staple 7Zq';

// A CA and a certificate for 127.0.0.1 signed by it, made fresh for this run.
function makeCertificates() {
  const dir = tempDir('veto-tls-');
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, {stdio: ['ignore', 'ignore', 'pipe']});
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=veto test CA',
          '-keyout', file('ca.key'), '-out', file('ca.pem'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1',
          '-keyout', file('relay.key'), '-out', file('relay.csr'));
  writeFileSync(file('relay.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', file('relay.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
          '-CAcreateserial', '-days', '2', '-extfile', file('relay.ext'), '-out', file('relay.pem'));
  writeFileSync(file('credentials'), `${user}\n${password}\n`, {mode: 0o600});
  return {dir, ca: file('ca.pem'), credentials: file('credentials'),
          tls: {key: readFileSync(file('relay.key')), cert: readFileSync(file('relay.pem'))}};
}
const certs = makeCertificates();


// Neither the server's output nor its command line (readable by every user in /proc) may
// carry the password.
function assertPasswordKept(server) {
  assert.ok(!server.stderr().includes(password), 'the password in the server\'s output');
  const cmdline = readFileSync(`/proc/${server.proc.pid}/cmdline`, 'utf8');
  assert.ok(!cmdline.includes(password), 'the password on the command line');
}

test('smtp:// with STARTTLS, the CA from --smtp-ca-file, the login from --smtp-credentials', async () => {
  const sink = await startSink({tls: certs.tls, auth: {user, password}});
  const server = await startServer({args: relayArgs(`smtp://127.0.0.1:${sink.port}`,
      ['--smtp-ca-file', certs.ca, '--smtp-credentials', certs.credentials])});
  try {
    const {status, receipt} = await submit(server, validForm({email: 'anna@example.de'}));
    assert.equal(status, 201);
    await waitFor(() => sink.messages.length === 1, 20000, 'the receipt over STARTTLS');
    const [message] = sink.messages;
    assert.equal(message.envelope.secure, true, 'sent after STARTTLS');
    assert.equal(message.envelope.user, user);
    assert.deepEqual(sink.logins, [{user, ok: true, secure: true}], 'logged in once, over TLS');
    assert.ok(sink.commands.some((line) => /^STARTTLS$/i.test(line)), 'STARTTLS was asked for');
    assert.ok(message.parsed.subject.includes(receipt));
    assert.equal(outbox(server.db)[0].state, 'sent');
    assertPasswordKept(server);
  } finally {
    await server.stop();
    await sink.close();
  }
});

test('smtps:// (TLS from the first byte), the login from VETO_SMTP_USER and VETO_SMTP_PASSWORD', async () => {
  const sink = await startSink({tls: certs.tls, implicitTls: true, auth: {user, password}});
  const server = await startServer({
    args: relayArgs(`smtps://127.0.0.1:${sink.port}`, ['--smtp-ca-file', certs.ca]),
    env: {...process.env, VETO_SMTP_USER: user, VETO_SMTP_PASSWORD: password}});
  try {
    assert.equal((await submit(server, validForm({email: 'bert@example.de'}))).status, 201);
    await waitFor(() => sink.messages.length === 1, 20000, 'the receipt over smtps');
    assert.equal(sink.messages[0].envelope.secure, true);
    assert.equal(sink.messages[0].envelope.user, user);
    assert.ok(!sink.commands.some((line) => /^STARTTLS$/i.test(line)), 'no STARTTLS inside TLS');
    assertPasswordKept(server);
  } finally {
    await server.stop();
    await sink.close();
  }
});

// Each of these relays must not get the message; the objection is stored and its receipt
// waits in the outbox with the reason, tried again with backoff, for the operator to see.
const refusals = [
  {name: 'a relay that offers no STARTTLS (smtp:// requires it)', sink: {auth: {user, password}},
   args: ['--smtp-ca-file', certs.ca], reason: /TLS|SSL/i},
  {name: 'a certificate from a CA the server does not trust', sink: {tls: certs.tls, auth: {user, password}},
   args: [], reason: /certificate|SSL|peer/i},
  {name: 'a wrong password', sink: {tls: certs.tls, auth: {user, password: 'something else'}},
   args: ['--smtp-ca-file', certs.ca], reason: /^535\b/},
];
for (const refusal of refusals) {
  test(`${refusal.name}: the receipt waits, never sent in the clear, never dropped`, async () => {
    const sink = await startSink(refusal.sink);
    const server = await startServer({args: relayArgs(`smtp://127.0.0.1:${sink.port}`,
        [...refusal.args, '--smtp-credentials', certs.credentials])});
    try {
      assert.equal((await submit(server, validForm({email: 'carla@example.de'}))).status, 201);
      await waitFor(() => (outbox(server.db)[0]?.attempts ?? 0) >= 2, 20000, 'two attempts');
      const [row] = outbox(server.db);
      assert.equal(row.state, 'pending', JSON.stringify(row));
      assert.match(row.last_reply, refusal.reason);
      assert.equal(sink.messages.length, 0);
      assert.ok(!sink.commands.some((line) => /^(MAIL|RCPT|DATA)\b/i.test(line)),
                `no envelope was given: ${sink.commands.join(' | ')}`);
      // A password only ever crosses an encrypted connection.
      assert.ok(sink.logins.every((login) => login.secure), JSON.stringify(sink.logins));
      assertPasswordKept(server);
    } finally {
      await server.stop();
      await sink.close();
    }
  });
}
