// A throwaway PostgreSQL 15 cluster for the tests: initdb in a temp folder, listening on a
// free loopback port and a socket in that folder, trust authentication for the role
// `veto`. As root it runs as the `postgres` user (initdb refuses root). Debian's binaries
// are in /usr/lib/postgresql/15/bin (not on PATH); VETO_PG_BIN overrides the folder.
import {execFileSync, spawnSync} from 'node:child_process';
import {chownSync, existsSync, rmSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import {tempDir} from './server.mjs';

export const pgBin = process.env.VETO_PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const havePostgres = existsSync(path.join(pgBin, 'initdb'));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address();
      s.close(() => resolve(port));
    });
  });
}

function asOwner(command, args, options = {}) {
  const root = process.getuid && process.getuid() === 0;
  const [file, all] = root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return execFileSync(file, all, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000, ...options});
}

// Starts a cluster; resolves to {port, dir, url(db), createDatabase(), sql(db, text),
// stop(mode), start(), destroy()}.
export async function startPostgres() {
  const dir = tempDir('veto-pg-');
  if (process.getuid && process.getuid() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], {encoding: 'utf8'})), 0);
  const data = path.join(dir, 'data');
  const port = await freePort();
  asOwner(path.join(pgBin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'veto', '--no-sync', '-E', 'UTF8', '--locale', 'C.UTF-8']);
  const pgCtl = (...args) => asOwner(path.join(pgBin, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args]);
  const start = () => pgCtl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
                            '-l', path.join(dir, 'log'), 'start');
  start();
  let databases = 0;
  const cluster = {
    port, dir,
    url: (db) => `postgresql://veto@127.0.0.1:${port}/${db}`,
    // Runs SQL in database `db`; the rows as arrays of strings (psql's unaligned output).
    sql(db, text) {
      const run = spawnSync('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1',
                                     '-p', String(port), '-U', 'veto', '-d', db, '-c', text],
                            {encoding: 'utf8', timeout: 30000});
      if (run.status !== 0) throw new Error(`psql: ${run.stderr}`);
      return run.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
    },
    // A new, empty database; its name.
    createDatabase() {
      const name = `veto_test_${process.pid}_${++databases}`;
      cluster.sql('postgres', `CREATE DATABASE ${name}`);
      return name;
    },
    stop: (mode = 'fast') => pgCtl('-m', mode, 'stop'),
    start,
    destroy() {
      try { pgCtl('-m', 'immediate', 'stop'); } catch { /* already stopped */ }
      rmSync(dir, {recursive: true, force: true});
    },
  };
  return cluster;
}
