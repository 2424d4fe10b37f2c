// What the mail tests on SQLite (mail.test.mjs) and on PostgreSQL (mail-postgres.test.mjs)
// share: the server's mail options for a sink, a submission, the outbox as the admin CLI
// prints it, and the SIGKILL-under-load scenario.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';

import {startSink, waitFor} from './smtp-sink.mjs';
import {serverBinary, startServer, validForm} from './server.mjs';

export const controller = 'Ñandú Daten GmbH';  // not ASCII: the From: display name is encoded
export const contact = 'privacy@example.org';

// Receipts through the relay at `url`, retries after 0.2 s.
export const relayArgs = (url, extra = []) => [
  '--mail-mode', 'receipt', '--smtp-relay', url,
  '--smtp-from', 'objections@example.org', '--controller-name', controller,
  '--controller-contact', contact, '--mail-retry', '0.2', '--mail-retry-max', '0.4', ...extra];

// Plain SMTP to a sink on loopback (--smtp-tls off is allowed there only).
export const mailArgs = (port, extra = []) => relayArgs(`smtp://127.0.0.1:${port}`, ['--smtp-tls', 'off', ...extra]);

export async function submit(server, form, {locale = 'en', key} = {}) {
  const headers = {'Content-Type': 'application/json'};
  if (key) headers['Idempotency-Key'] = key;
  const res = await fetch(`${server.url}api/objections?locale=${locale}`,
                          {method: 'POST', headers, body: JSON.stringify(form)});
  const body = await res.json();
  return {status: res.status, receipt: body.receipt};
}

// `veto-server admin outbox --db DB`: one object per row.
export function outbox(db) {
  const out = execFileSync(serverBinary, ['admin', 'outbox', '--db', db], {encoding: 'utf8'});
  return out.trim() === '' ? [] : out.trim().split('\n').map((line) => JSON.parse(line));
}

// A sink that answers 451 twice to an address starting with "later" (then accepts it) and
// 550 to one starting with "never".
export function startLaterAndNeverSink() {
  let deferred = 0;
  return startSink({
    onRcpt: (address) => {
      if (address.startsWith('later') && deferred++ < 2) return {code: 451, message: '4.3.0 try again later'};
      if (address.startsWith('never')) return {code: 550, message: '5.1.1 mailbox unavailable'};
      return undefined;
    },
  });
}

export const receiptOf = (message) =>
  /^<receipt\.([0-9A-Z-]+)@example\.org>$/.exec(message.parsed.messageId)?.[1];

// Eight clients submit to a server on `db` until 100 are acknowledged, the server is
// SIGKILLed, a new one starts on the same database: every acknowledged receipt must reach
// the sink within `withinMs`, a repeat with the same Message-ID and body.
export async function sigkillUnderLoadThenRestart(db, {withinMs = 60000} = {}) {
  const sink = await startSink({holdMs: 20});  // slower than the API: a backlog builds up
  let server = await startServer({db, args: mailArgs(sink.port)});
  const acknowledged = new Set();
  let killed = false;
  const client = async (n) => {
    for (let i = 0; !killed; ++i) {
      try {
        const {status, receipt} = await submit(server, validForm({email: `load${n}.${i}@example.de`}));
        if (status === 201) acknowledged.add(receipt);
      } catch {
        return;  // the connection died with the server
      }
    }
  };
  const clients = Array.from({length: 8}, (_, n) => client(n));
  try {
    await waitFor(() => acknowledged.size >= 100, 60000, '100 acknowledgements');
  } finally {
    killed = true;
    server.proc.kill('SIGKILL');
    await server.exited;
    await Promise.all(clients);
  }
  assert.ok(sink.messages.length < acknowledged.size, 'the kill left receipts unsent (else the test proves nothing)');
  server = await startServer({db, args: mailArgs(sink.port)});
  try {
    const emailed = () => new Set(sink.messages.map(receiptOf));
    await waitFor(() => [...acknowledged].every((r) => emailed().has(r)), withinMs, 'every acknowledged receipt');
    // A repeat (sent, then killed before it was marked) has the same Message-ID and body.
    for (const message of sink.messages) {
      assert.ok(message.parsed.text.includes(receiptOf(message)));
    }
  } finally {
    await server.stop();
    await sink.close();
  }
}
