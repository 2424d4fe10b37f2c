// Starts veto-server for the HTTP tests: a temp database, a free port on 127.0.0.1, and the
// binaries and directories scripts/test.sh names (VETO_SERVER, VETO_DIST, VETO_CLI).
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const serverBinary =
    path.resolve(process.env.VETO_SERVER ?? path.join(root, 'build/native/server/veto-server'));
export const distDir = path.resolve(process.env.VETO_DIST ?? path.join(root, 'build/wasm/dist'));
export const cliBinary = path.resolve(process.env.VETO_CLI ?? path.join(root, 'build/native/veto'));
export const webDir = path.join(root, 'web');
export const fixturesDir = path.join(root, 'tests/server/fixtures');

export function tempDir(prefix = 'veto-server-test-') {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

// With a cluster set (tests/server/postgres.mjs), a server started without `options.db`
// gets a new PostgreSQL database of its own instead of a SQLite file.
let postgres = null;
export function usePostgres(cluster) { postgres = cluster; }

// Spawns a server and resolves once it printed its URL. `options.args` are extra options;
// `options.db` reuses a database file; `options.prefix` runs it through a command (e.g.
// prlimit); `options.adminTokens` (a tokens file) adds the admin listener, `options.env`
// replaces the environment. The returned object has url, adminUrl, db, proc, stderr() and
// stop(signal) (resolves to {code, signal}).
export async function startServer(options = {}) {
  const dir = options.db ? null : tempDir();
  const db = options.db ?? (postgres ? postgres.url(postgres.createDatabase()) : path.join(dir, 'objections.db'));
  const args = ['--listen', '127.0.0.1:0', '--db', db, '--web', options.web ?? webDir,
                '--dist', options.dist ?? distDir, '--rate-limit', '0', ...(options.args ?? [])];
  // With `options.adminTokens`, the admin listener too: its URL is the second line.
  if (options.adminTokens) args.push('--admin-listen', '0', '--admin-tokens', options.adminTokens);
  const [command, ...prefixArgs] = [...(options.prefix ?? []), serverBinary];
  const proc = spawn(command, [...prefixArgs, ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: options.env});
  let stderr = '';
  proc.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({code, signal})));
  const lines = options.adminTokens ? 2 : 1;
  let adminUrl = null;
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const got = out.split('\n');
      if (got.length > lines) {
        proc.stdout.off('data', onData);
        const match = /^veto-server: listening on (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(got[0]);
        if (lines === 2) {
          const admin = /^veto-server: admin listening on (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(got[1]);
          if (!admin) return reject(new Error(`unexpected second line: ${got[1]}`));
          adminUrl = admin[1];
        }
        match ? resolve(match[1]) : reject(new Error(`unexpected first line: ${got[0]}`));
      }
    };
    proc.stdout.on('data', onData);
    exited.then(({code}) => reject(new Error(`veto-server exited (${code}): ${stderr}`)));
  });
  const {port} = new URL(url);
  return {
    url, adminUrl, db, dir, proc, port: Number(port), exited,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const result = await exited;
      if (dir && !options.keep) rmSync(dir, {recursive: true, force: true});
      return result;
    },
  };
}

// Runs a server to completion expecting it to refuse to start; resolves {code, stderr}.
export function startFailure(args) {
  return new Promise((resolve) => {
    const proc = spawn(serverBinary, args, {stdio: ['ignore', 'pipe', 'pipe']});
    let stderr = '';
    proc.stderr.on('data', (chunk) => { stderr += chunk; });
    proc.on('exit', (code) => resolve({code, stderr}));
  });
}

// Sends raw bytes on a new connection and resolves with everything the server sent until
// it closed the connection (or `timeoutMs` passed), plus how long that took.
export function rawRequest(port, chunks, {timeoutMs = 5000, gapMs = 0} = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const received = [];
    let closed = false;
    const finish = (how) => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({text: Buffer.concat(received).toString('latin1'), how, ms: Date.now() - started});
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (d) => received.push(d));
    socket.on('end', () => finish('closed'));
    socket.on('error', () => finish('error'));
    socket.on('connect', async () => {
      for (const chunk of [].concat(chunks)) {
        if (closed) return;
        socket.write(chunk);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

export const validForm = (extra = {}) => ({
  email: 'anna@example.de',
  country: 'AT',
  justification: 'Meta must not train its AI models on my posts and photos.',
  ...extra,
});

/**
 * A summary line as the page strings `catalog` (web/i18n/<locale>.json) join it: summary.item
 * with the field's short summary label (else its label) and the message.
 */
export const summaryLine = (catalog, field, message) => catalog['summary.item']
    .replace('{label}', catalog[`${field}.summary_label`] ?? catalog[`${field}.label`])
    .replace('{message}', message);

// A sample's value in Prometheus' text format (`labels` as written: '{route="/",status="200"}');
// 0 when the line is absent.
export function metricValue(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ').pop()) : 0;
}
