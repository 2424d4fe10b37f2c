#!/usr/bin/env bash
# The ONE benchmark command (issue 8): builds veto natively and to Wasm, installs the JS
# libraries of bench/package.json (npm ci), generates the corpus (10,000 forms, fixed seed),
# measures veto native, veto Wasm in Node and the JavaScript stack side by side in one run,
# then the objection page in headless Chromium (bench/page.mjs), veto-server under wrk
# (bench/server.sh), the C API and Python package (bench/ffi.sh) and the npm package's sizes
# (bench/package.mjs), and writes
# bench/RESULTS.md with the machine, the commands and the date.
# Figures, not pass/fail. About 12-15 minutes on 2 cores.
#   scripts/bench.sh
#   VETO_BENCH_SKIP_BUILD=1 scripts/bench.sh   (measure build/native and build/wasm as they are)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${VETO_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  "$root/scripts/setup-system.sh" >&2
  "$root/scripts/build-native.sh" >&2
  "$root/scripts/build-wasm.sh" >&2
fi
(cd "$root/bench" && npm ci --no-audit --no-fund --loglevel=error >&2)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$root/bench/corpus.mjs" "$work/corpus.jsonl" 10000 20261129 >&2
started=$(date -u '+%Y-%m-%d %H:%M UTC')
node "$root/bench/run.mjs" "$root/build/native/bench/veto-bench" "$root/build/wasm/dist/veto.mjs" \
  "$work/corpus.jsonl" > "$work/results.md"
# The page and the server, each writing its own RESULTS-*.md, included below.
VETO_SERVER=$root/build/native/server/veto-server VETO_DIST=$root/build/wasm/dist \
  node "$root/bench/page.mjs" 7 >&2
"$root/bench/server.sh" >&2
"$root/bench/scale.sh" >&2
"$root/bench/ffi.sh" >&2
node "$root/bench/package.mjs" "$("$root/scripts/package.sh" | tail -n1)" >&2
VETO_SERVER=$root/build/native/server/veto-server VETO_DIST=$root/build/wasm/dist \
  node "$root/bench/mail.mjs" 1500 >&2
{
  echo "# veto benchmark results"
  echo
  echo "Made by \`scripts/bench.sh\` on $started (one run, $(( $(date +%s) - $(date -d "$started" +%s) )) s)."
  echo
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
       "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr), shared with other work."
  echo "- Node $(node --version) (V8 $(node -p process.versions.v8), ICU $(node -p process.versions.icu));" \
       "$(g++ --version | sed -n 1p); Emscripten $(emcc --version 2>/dev/null | sed -n 1p | grep -o '[0-9]*\.[0-9]*\.[0-9]*' | tail -n1 || echo '?')."
  echo "- veto: build/native ($(cd "$root/build/native" && grep -m1 CMAKE_BUILD_TYPE:STRING CMakeCache.txt | cut -d= -f2))," \
       "build/wasm/dist (veto.wasm of $(date -u -r "$root/build/wasm/dist/veto.wasm" '+%Y-%m-%d %H:%M UTC'));" \
       "ICU 72.1 and libphonenumber 8.12.57 in both."
  echo "- JS stack: $(cd "$root/bench" && node -p "Object.entries(require('./package.json').devDependencies).map(([k, v]) => k + ' ' + v).join(', ')")."
  echo "- Commands: \`scripts/setup-system.sh\`, \`scripts/build-native.sh\`, \`scripts/build-wasm.sh\`," \
       "\`(cd bench && npm ci)\`, \`node bench/corpus.mjs CORPUS 10000 20261129\`," \
       "\`node bench/run.mjs build/native/bench/veto-bench build/wasm/dist/veto.mjs CORPUS\`" \
       "(run.mjs spawns veto-bench, fresh \`node\` processes for cold start, esbuild, and valgrind for the phone profile)."
  echo
  echo "Figures, not pass/fail: bench/README.md says how to read them."
  echo
  cat "$work/results.md"
  echo
  echo "## The objection page (\`node bench/page.mjs 7\`, run by scripts/bench.sh)"
  echo
  sed '1{/^#/d}' "$root/bench/RESULTS-page.md"
  echo
  echo "## veto-server (\`bench/server.sh\`, run by scripts/bench.sh)"
  echo
  sed '1{/^#/d}' "$root/bench/RESULTS-server.md"
  echo
  echo "## veto-server's mail (\`node bench/mail.mjs 1500\`, run by scripts/bench.sh)"
  echo
  sed '1{/^#/d}' "$root/bench/RESULTS-mail.md"
  echo
  echo "## Instances behind nginx, on PostgreSQL and SQLite (\`bench/scale.sh\`, run by scripts/bench.sh)"
  echo
  sed '1{/^#/d}' "$root/bench/RESULTS-scale.md"
  echo
  echo "## Through the C API and Python (\`bench/ffi.sh\`, run by scripts/bench.sh)"
  echo
  sed '1{/^#/d}' "$root/bench/RESULTS-ffi.md"
  echo
  echo "## The npm package (\`node bench/package.mjs\`, run by scripts/bench.sh)"
  echo
  sed '1{/^#/d}' "$root/bench/RESULTS-package.md"
  echo
  # Made once, by hand, with the commands they name (each compares two builds).
  cat "$root/bench/RESULTS-connections.md"
  echo
  cat "$root/bench/RESULTS-refactor.md"
  echo
  cat "$root/bench/RESULTS-numbers.md"
  echo
  cat "$root/bench/RESULTS-messages.md"
} > "$root/bench/RESULTS.md.new"
mv "$root/bench/RESULTS.md.new" "$root/bench/RESULTS.md"
cat "$root/bench/RESULTS.md"
