// The throwaway consumer project: tests/package/consumer/ copied to
// build/package-test/consumer/ (its builds go to build/package-test/out/), its bundlers installed from its lockfile (npm ci, only when
// the lockfile changed, --prefer-offline so that a warm npm cache needs no network), then
// the packed veto-validator tarball installed into it as a user would (npm install FILE).
import {execFileSync} from 'node:child_process';
import {cpSync, existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const template = path.join(root, 'tests/package/consumer');
export const dir = path.join(root, 'build/package-test/consumer');
const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** The tarball scripts/package.sh made: VETO_PACKAGE, else made now. */
export function tarball() {
  if (process.env.VETO_PACKAGE) return path.resolve(process.env.VETO_PACKAGE);
  return execFileSync(path.join(root, 'scripts/package.sh'), {encoding: 'utf8'}).trim().split('\n').pop();
}

/** Lays the project out afresh (keeping node_modules) and installs `packed` into it. */
export function prepareConsumer(packed) {
  for (const name of ['../out', 'src', 'index.html', 'node_modules/.vite', 'node_modules/.vite7',
                      'node_modules/veto-validator']) {
    rmSync(path.join(dir, name), {recursive: true, force: true});
  }
  cpSync(template, dir, {recursive: true, filter: (from) => !from.includes('node_modules')});
  const lock = readFileSync(path.join(dir, 'package-lock.json'));
  const stamp = path.join(dir, 'node_modules/.veto-lock');
  if (!existsSync(stamp) || !readFileSync(stamp).equals(lock)) {
    execFileSync('npm', ['ci', ...npmFlags], {cwd: dir, stdio: ['ignore', 'ignore', 'inherit']});
    writeFileSync(stamp, lock);
  }
  execFileSync('npm', ['install', '--no-save', ...npmFlags, packed],
               {cwd: dir, stdio: ['ignore', 'ignore', 'inherit']});
  return dir;
}
