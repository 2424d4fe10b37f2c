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
       "Emscripten $(emcc --version | sed -n 1p | grep -o '[0-9]*\.[0-9]*\.[0-9]*' | tail -n1)."
  echo
  echo "Command: \`scripts/bench.sh\` (builds both, installs the JS libraries of bench/package.json,"
  echo "generates the corpus with a fixed seed, runs everything in one Node process beside the"
  echo "native binary). Figures, not pass/fail: see bench/README.md for how to read them."
  echo
  node "$root/bench/run.mjs" "$root/build/native/bench/veto-bench" "$root/build/wasm/dist/veto.mjs"
} > "$root/bench/RESULTS.md.new"
mv "$root/bench/RESULTS.md.new" "$root/bench/RESULTS.md"
cat "$root/bench/RESULTS.md"
