// veto-server's mail (issue 23), measured: POST /api/objections latency without mail, with
// receipt mail to a live sink, and with the relay down; then how many receipts per second
// the sender hands to a sink on loopback once it comes up with a backlog waiting.
//   node bench/mail.mjs [REQUESTS]    (default 2000; writes bench/RESULTS-mail.md)
// VETO_SERVER and VETO_DIST as for the server tests; the sink is tests/server/smtp-sink.mjs.
import {execFileSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {freePort, startSink, waitFor} from '../tests/server/smtp-sink.mjs';
import {root, serverBinary, startServer, validForm} from '../tests/server/server.mjs';

const requests = Number(process.argv[2] ?? 2000);
const concurrency = 8;
const out = process.env.VETO_BENCH_MAIL_OUT ?? path.join(root, 'bench/RESULTS-mail.md');

const mailArgs = (port) => ['--mail-mode', 'receipt', '--smtp-relay', `smtp://127.0.0.1:${port}`,
  '--smtp-tls', 'off', '--smtp-from', 'objections@example.org', '--controller-name', 'Bench',
  '--mail-retry', '0.5', '--mail-retry-max', '1'];

// `count` POSTs from `concurrency` clients; their latencies in ms and the time taken.
async function load(server, count) {
  const latencies = [];
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      const res = await fetch(`${server.url}api/objections`, {
        method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify(validForm({email: `bench${i}@example.de`}))});
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`status ${res.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({length: concurrency}, client));
  return {latencies, seconds: (performance.now() - started) / 1000};
}

function summary(runs) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {rate: latencies.length / seconds, p50: at(0.5), p95: at(0.95), p99: at(0.99)};
}

// The three configurations take turns, round after round, so that the machine's other
// work (it is shared) falls on all of them alike.
const rounds = 3;
const perRound = Math.ceil(requests / rounds);
let sink = await startSink();
const downPort = await freePort();
const configurations = [
  ['no mail (`--mail-mode none`)', []],
  ['receipt mail, sink up', mailArgs(sink.port)],
  ['receipt mail, relay down (retrying)', mailArgs(downPort)],
];
const runs = configurations.map(() => []);
for (let round = 0; round < rounds; ++round) {
  for (const [i, [, args]] of configurations.entries()) {
    const server = await startServer({args});
    try {
      await load(server, 100);  // warm-up, not counted
      runs[i].push(await load(server, perRound));
    } finally {
      await server.stop();
    }
  }
}
const rows = configurations.map(([label], i) => [label, summary(runs[i])]);
await sink.close();

// Throughput: a backlog of receipts waits while the relay is down, then the sink comes up.
const backlog = Math.min(requests, 1000);
const port = await freePort();
const server = await startServer({args: mailArgs(port)});
let drain;
try {
  await load(server, backlog);
  sink = await startSink({port});
  const t0 = performance.now();
  await waitFor(() => sink.messages.length >= backlog, 600000, 'the backlog');
  drain = {count: backlog, seconds: (performance.now() - t0) / 1000};
  const states = execFileSync(serverBinary, ['admin', 'outbox', '--db', server.db, '--state', 'sent'],
                              {encoding: 'utf8'}).trim().split('\n').length;
  drain.sent = states;
} finally {
  await server.stop();
  await sink.close();
}

const ms = (x) => x.toFixed(2);
const lines = [
  '# veto-server: mail',
  '',
  `Command: \`node bench/mail.mjs ${requests}\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  `Machine: ${os.cpus().length} cores, ${os.cpus()[0].model}, shared with other work (load average ` +
  `${os.loadavg()[0].toFixed(1)} at the end: compare the rows with each other, not with other tables); Node ${process.version}.`,
  'One veto-server (`--rate-limit 0`, default threads, SQLite WAL `synchronous=FULL` under /tmp), ' +
  `${concurrency} Node clients with keep-alive on loopback, an npm smtp-server sink on loopback ` +
  '(tests/server/smtp-sink.mjs, which parses every message with mailparser).',
  '',
  `### POST /api/objections: ${rounds} rounds of ${perRound} requests per configuration, taking turns, each after 100 of warm-up`,
  '',
  '| configuration | requests/s | p50 ms | p95 ms | p99 ms |',
  '|---|---:|---:|---:|---:|',
  ...rows.map(([label, r]) => `| ${label} | ${r.rate.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} |`),
  '',
  'With mail, the objection\'s transaction also writes its outbox row, and the sender thread ' +
  'reads the outbox and updates each row after sending, on the same database; the SMTP ' +
  'conversation itself is on the sender\'s thread. "Relay down": every receipt fails to ' +
  'connect and is rescheduled while the requests run.',
  '',
  '### Receipts handed to the sink',
  '',
  `${drain.count} receipts queued while the relay was down, then the sink started: all ` +
  `${drain.count} received in ${drain.seconds.toFixed(1)} s, ` +
  `**${(drain.count / drain.seconds).toFixed(0)} receipts/s** (${drain.sent} rows \`sent\`). ` +
  'One sender thread on one kept SMTP connection (MAIL, RCPT, DATA per message), one ' +
  'transaction per 16 outcomes: the rate is bound by round trips to the relay, so a relay ' +
  'across a network sends fewer per second; the API does not wait for it (above).',
  '',
];
writeFileSync(out, lines.join('\n'));
console.log(lines.join('\n'));
