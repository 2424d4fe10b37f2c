// One version, written once (project(veto VERSION ...) in CMakeLists.txt, printed by
// scripts/version.sh), and every place that reports it: the CLI, veto-server, the C API of
// the shared library, the installed headers, the installed CMake package, the Wasm module's
// JS API and the Python package's metadata.
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';

import {cli, moduleUrl, projectRoot} from './paths.mjs';

const nativeBuild = path.dirname(cli);
const server = path.resolve(process.env.VETO_SERVER ?? path.join(nativeBuild, 'server/veto-server'));
const scratch = mkdtempSync(path.join(tmpdir(), 'veto-version-'));
after(() => rmSync(scratch, {recursive: true, force: true}));

const run = (file, args, options = {}) => execFileSync(file, args, {encoding: 'utf8', ...options}).trim();
const expected = run(path.join(projectRoot, 'scripts/version.sh'), []);

// The installed library, headers and CMake package, as a consumer finds them.
function installed() {
  const prefix = path.join(scratch, 'prefix');
  run('cmake', ['--install', nativeBuild, '--prefix', prefix]);
  // The headers: veto::version and the macros of veto/version.h, compiled as a consumer does.
  writeFileSync(path.join(scratch, 'header.cpp'), `#include <veto/veto.h>
#include <cstdio>
int main() {
  std::printf("%d.%d.%d %s %.*s\\n", VETO_VERSION_MAJOR, VETO_VERSION_MINOR, VETO_VERSION_PATCH,
              VETO_VERSION_STRING, static_cast<int>(veto::version.size()), veto::version.data());
}
`);
  run('c++', ['-std=c++17', '-I', path.join(prefix, 'include'), path.join(scratch, 'header.cpp'),
              '-o', path.join(scratch, 'header')]);
  const [numbers, macro, constant] = run(path.join(scratch, 'header'), []).split(' ');
  // The CMake package: find_package(veto MAJOR.MINOR) finds it and reports its version.
  const [major, minor] = expected.split('.');
  const project = (request) => {
    const dir = path.join(scratch, `cmake-${request.replaceAll(' ', '-')}`);
    writeFileSync(path.join(scratch, 'CMakeLists.txt'), `cmake_minimum_required(VERSION 3.20)
project(version_probe LANGUAGES NONE)
find_package(veto ${request} REQUIRED)
message(STATUS "veto_VERSION=\${veto_VERSION}")
`);
    return spawnSync('cmake', ['-S', scratch, '-B', dir, `-DCMAKE_PREFIX_PATH=${prefix}`], {encoding: 'utf8'});
  };
  const found = project(`${major}.${minor}`);
  assert.equal(found.status, 0, found.stderr);
  // A newer minor version than the installed one is refused: the version file is in force.
  const newer = project(`${major}.${Number(minor) + 1}`);
  assert.notEqual(newer.status, 0, 'find_package accepted a newer minor version');
  return {numbers, macro, constant, cmake: found.stdout.match(/veto_VERSION=(\S+)/)[1]};
}

test('every reporter gives the version of scripts/version.sh', async () => {
  assert.match(expected, /^\d+\.\d+\.\d+$/);
  const libveto = path.join(nativeBuild, 'libveto.so.0');
  const header = installed();
  const reported = {
    'veto --version': run(cli, ['--version']),
    'veto-server --version': run(server, ['--version']),
    'veto_version() of libveto': run('python3', ['-c', `import ctypes, sys
lib = ctypes.CDLL(sys.argv[1]); lib.veto_version.restype = ctypes.c_char_p
print(lib.veto_version().decode())`, libveto]),
    'VETO_VERSION_MAJOR.MINOR.PATCH': header.numbers,
    'VETO_VERSION_STRING': header.macro,
    'veto::version': header.constant,
    'find_package(veto) veto_VERSION': header.cmake,
    'veto.mjs version': (await import(moduleUrl)).version,
    'python/pyproject.toml': readFileSync(path.join(projectRoot, 'python/pyproject.toml'), 'utf8')
        .match(/^version = "([^"]*)"$/m)?.[1],
  };
  const want = Object.fromEntries(Object.keys(reported).map((k) => [k, k.endsWith('--version') ?
      `${k.split(' ')[0]} ${expected}` : expected]));
  assert.deepEqual(reported, want);
});
