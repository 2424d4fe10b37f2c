#!/usr/bin/env bash
# Configures and builds the native library, CLI and unit tests.
#   scripts/build-native.sh [BUILD_DIR] [extra cmake args...]   (default build/native)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/native}
shift || true
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${VETO_BUILD_TYPE:-Release} "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
