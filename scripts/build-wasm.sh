#!/usr/bin/env bash
# Builds the WebAssembly ES module (BUILD_DIR/dist/veto.mjs + veto.wasm + veto.d.mts) with
# Debian's Emscripten, against the dependencies scripts/wasm-deps.sh builds and caches.
#   scripts/build-wasm.sh [BUILD_DIR [TARGET...]]   (default build/wasm; TARGETs besides all,
#   e.g. veto-icu-probe, which scripts/test.sh builds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/wasm}
shift $(($# > 0 ? 1 : 0))
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimizer needs Debian's acorn
"$root/scripts/setup-node.sh" >&2      # esbuild, which minifies veto.mjs
deps=${VETO_WASM_DEPS:-$("$root/scripts/wasm-deps.sh" | tail -n1)}
emcmake cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVETO_BUILD_TESTS=OFF -DVETO_WASM_DEPS="$deps" >/dev/null
cmake --build "$build" -j "$(nproc)" --target all "$@"
