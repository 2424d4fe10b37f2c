#!/usr/bin/env bash
# Measures veto (native, Wasm in Node) and the JS library a web developer would otherwise
# use, side by side in one run, and writes bench/RESULTS.md. Figures, not pass/fail.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-system.sh" >&2
"$root/scripts/build-native.sh" >&2
"$root/scripts/build-wasm.sh" >&2
(cd "$root/bench" && npm ci --no-audit --no-fund --loglevel=error >&2)
{
  echo "# veto benchmark results"
  echo
  echo "Made by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores," \
       "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Node $(node --version)," \
       "$(emcc --version | sed -n 1p | sed 's/ (.*//')."
  echo
  node "$root/bench/run.mjs" "$root/build/native/bench/veto-bench" "$root/build/wasm/dist/veto.mjs"
} > "$root/bench/RESULTS.md.new"
mv "$root/bench/RESULTS.md.new" "$root/bench/RESULTS.md"
cat "$root/bench/RESULTS.md"
