#!/usr/bin/env bash
# Configures and builds the native library, CLI and unit tests.
#   scripts/build-native.sh [BUILD_DIR] [extra cmake args...]   (default build/native)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/native}
shift || true
# ccache (scripts/setup-system.sh) when there is one: the same sources and flags give the
# same objects, so a fresh clone's build takes the compiled ones instead of recompiling.
# Paths are hashed relative to the clone (BASEDIR), and the build folder is left out of the
# hash (NOHASHDIR), so that a clone elsewhere hits too; debug info may then name the other
# clone's folder, which only a debugger would notice.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${VETO_BUILD_TYPE:-Release} \
  "${launcher[@]}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
