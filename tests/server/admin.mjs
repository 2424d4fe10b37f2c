// What the admin tests share: tokens made with the real `veto-server admin token create`,
// a server with its admin listener, requests from a chosen loopback address, the sqlite3
// shell for databases as main left them and for moving dates into the past, and the
// public API to submit objections.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

import {serverBinary, startServer, tempDir, validForm} from './server.mjs';

export function admin(args, options = {}) {
  return spawnSync(serverBinary, ['admin', ...args], {encoding: 'utf8', ...options});
}

// A tokens file with `names` = {name: role}; resolves to {file, dir, secret: {name: secret}}.
export function makeTokens(names, dir = tempDir('veto-admin-')) {
  const file = path.join(dir, 'tokens');
  const secret = {};
  for (const [name, role] of Object.entries(names)) {
    const run = admin(['token', 'create', '--name', name, '--role', role, '--tokens', file]);
    assert.equal(run.status, 0, run.stderr);
    secret[name] = run.stdout.trim();
  }
  return {file, dir, secret};
}

export async function startAdmin(tokens, options = {}) {
  return startServer({adminTokens: tokens.file, ...options});
}

// One request to the admin listener. `token` goes into a Bearer header; `from` is the
// local loopback address to send from (the failure limit is per client).
export function request(base, target, {method = 'GET', token, headers = {}, body, from} = {}) {
  const url = new URL(target, base);
  const all = {...headers};
  if (token !== undefined) all.authorization = `Bearer ${token}`;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    all['content-type'] ??= 'application/json';
  }
  if (body !== undefined) all['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method,
                              headers: all, localAddress: from, agent: false}, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({status: res.statusCode, headers: res.headers, text, json});
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Submits objections through the public API; resolves to their receipts, in order.
export async function submit(server, forms) {
  const receipts = [];
  for (const form of forms) {
    const res = await fetch(server.url + 'api/objections', {
      method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(validForm(form)),
    });
    assert.equal(res.status, 201, await res.clone().text());
    receipts.push((await res.json()).receipt);
  }
  return receipts;
}

export function sql(db, statement) {
  const out = execFileSync('sqlite3', ['-json', db, statement]).toString().trim();
  return out ? JSON.parse(out) : [];
}

// The table as main's veto-server created it (schema before versions were kept).
export const mainSchema =
    'CREATE TABLE IF NOT EXISTS objections ( id INTEGER PRIMARY KEY, receipt TEXT NOT NULL UNIQUE,' +
    ' received_at TEXT NOT NULL, locale TEXT NOT NULL, ruleset_id TEXT NOT NULL,' +
    ' ruleset_version INTEGER NOT NULL, fields TEXT NOT NULL, idempotency_key TEXT UNIQUE,' +
    ' request_sha256 TEXT NOT NULL);';

// A database as main left it, with rows [{receipt, received_at, country, email}].
export function mainDatabase(db, rows) {
  const values = rows.map((r) => {
    const fields = JSON.stringify({email: r.email, country: r.country ?? null, phone: null,
                                   justification: 'Meta must not train its AI models on my posts.', details: null});
    return `('${r.receipt}', '${r.received_at}', 'en', 'ai-training-objection', 1, '${fields}', NULL, '${'0'.repeat(64)}')`;
  });
  execFileSync('sqlite3', [db, `PRAGMA journal_mode=WAL; ${mainSchema} INSERT INTO objections (receipt, received_at,` +
    ` locale, ruleset_id, ruleset_version, fields, idempotency_key, request_sha256) VALUES ${values.join(', ')};`]);
}

// The UTC timestamp `days` days before now, as the store writes them.
export function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString();
}
