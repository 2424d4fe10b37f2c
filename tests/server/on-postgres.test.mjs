// The store's HTTP tests once more with PostgreSQL behind every server they start: the
// API (receipts, idempotency, concurrent first submissions), the page's submissions and the
// admin listener (list, read, answer, extend, erase, exports, audit). Tests that read or
// write a SQLite file directly pass their own `db` and stay on SQLite.
import assert from 'node:assert/strict';
import {after, test} from 'node:test';

import {havePostgres, startPostgres} from './postgres.mjs';
import {usePostgres} from './server.mjs';

if (!havePostgres) throw new Error('PostgreSQL 15 is missing (scripts/setup-system.sh installs it)');
const cluster = await startPostgres();
usePostgres(cluster);
after(() => cluster.destroy());

await import('./api.test.mjs');
await import('./page.test.mjs');
await import('./admin.test.mjs');

test('the servers above stored their objections in PostgreSQL', () => {
  const names = cluster.sql('postgres', "SELECT datname FROM pg_database WHERE datname LIKE 'veto_test_%'").map((r) => r[0]);
  assert.ok(names.length >= 3, `${names.length} databases`);
  const stored = names.reduce((sum, db) => sum + Number(cluster.sql(db, 'SELECT count(*) FROM objections')[0][0]), 0);
  assert.ok(stored >= 5, `${stored} objections in PostgreSQL`);
});
