#!/usr/bin/env bash
# Every test, from a fresh machine: installs what is needed (system packages, npm tools,
# the cached Wasm dependencies), builds natively, with ASan+UBSan and to WebAssembly, runs
# the unit tests (ctest) under both native builds, the Python package's tests (pytest), a
# bounded fuzz run (VETO_FUZZ_SECONDS per target, default 25), then the JS, CLI, differential, server and browser tests (node --test),
# the npm package's consumers (tests/package/), the server's HTTP tests once more against its ASan+UBSan build, and ends with one line:
# "N passed, N failed".
#
# scripts/test.sh --quick: a subset for iterating (a few minutes once built): no sanitizer
# build, fuzzing or bundler consumers, browser tests in Chromium only (unless VETO_ENGINES
# says otherwise). CI and a change's last check run everything.
set -uo pipefail
quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
logs=$root/build/test-logs
mkdir -p "$logs"
passed=0 failed=0

step() { echo "== $*" >&2; }
die() { echo "test: $*" >&2; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

step "setup"
scripts/setup-system.sh >&2 || die "system setup failed"
scripts/setup-node.sh >&2 || die "npm setup failed"

# ctest: counts from its summary line "N% tests passed, F tests failed out of T".
run_ctest() {
  local build=$1 name=$2
  shift 2
  local log=$logs/ctest-$name.log
  (cd "$build" && ctest --output-on-failure -j "$(nproc)" "$@") >"$log" 2>&1
  local line total bad
  line=$(grep -E "tests failed out of" "$log" | tail -n1)
  [ -n "$line" ] || { tail -n 30 "$log" >&2; die "ctest ($name) gave no summary"; }
  bad=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* tests failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + total - bad)) failed=$((failed + bad))
  echo "ctest ($name): $((total - bad)) passed, $bad failed" >&2
  [ "$bad" = 0 ] || grep -E "\*\*\*Failed|Failed|SEGFAULT" "$log" | head -n 20 >&2
}

step "native build and unit tests"
scripts/build-native.sh "$root/build/native" >"$logs/build-native.log" 2>&1 ||
  { tail -n 30 "$logs/build-native.log" >&2; die "native build failed"; }
run_ctest "$root/build/native" native

# pytest: counts from its summary line "N passed, F failed, E errors in T s".
step "Python package (python/): pip install into a venv, pytest against the native library"
py_venv=$root/build/python/venv py_corpus=$root/build/python/corpus.bin
{ [ -x "$py_venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$py_venv"; } &&
  "$py_venv/bin/python" -m pip install --quiet --no-build-isolation --no-index --force-reinstall \
    --no-deps "$root/python" && node tests/differential/write-corpus.mjs "$py_corpus" \
  >"$logs/python-setup.log" 2>&1 || { tail -n 30 "$logs/python-setup.log" >&2; die "Python package install failed"; }
(cd "$root/build/python" && VETO_LIBRARY=$root/build/native/libveto.so.0 VETO_CLI=$root/build/native/veto \
  VETO_PY_CORPUS=$py_corpus "$py_venv/bin/python" -m pytest -p no:cacheprovider -q -rf \
  "$root/python/tests") >"$logs/pytest.log" 2>&1
py_line=$(grep -E "^=*\s*[0-9]+ (passed|failed)" "$logs/pytest.log" | tail -n1 || true)
[ -n "$py_line" ] || { tail -n 30 "$logs/pytest.log" >&2; die "pytest gave no summary"; }
py_pass=$(grep -oE "[0-9]+ passed" <<<"$py_line" | grep -oE "[0-9]+" || echo 0)
py_fail=$(( $(grep -oE "[0-9]+ failed" <<<"$py_line" | grep -oE "[0-9]+" || echo 0) +
            $(grep -oE "[0-9]+ errors?" <<<"$py_line" | grep -oE "[0-9]+" || echo 0) ))
passed=$((passed + py_pass)) failed=$((failed + py_fail))
echo "pytest (python): $py_pass passed, $py_fail failed" >&2
[ "$py_fail" = 0 ] || grep -E "^(FAILED|ERROR)" "$logs/pytest.log" | head -n 20 >&2

fuzz_work=$root/build/fuzz-work
if [ "$quick" = 0 ]; then
step "unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
VETO_BUILD_TYPE=RelWithDebInfo scripts/build-native.sh "$root/build/sanitize" -DVETO_SANITIZE=ON \
  >"$logs/build-sanitize.log" 2>&1 || { tail -n 30 "$logs/build-sanitize.log" >&2; die "sanitizer build failed"; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest "$root/build/sanitize" sanitize -E '^install\.'  # the install test links without sanitizers

step "fuzzing: libFuzzer targets under ASan+UBSan, ${VETO_FUZZ_SECONDS:-25} s each"
if FUZZ_WORK=$fuzz_work scripts/fuzz.sh "${VETO_FUZZ_SECONDS:-25}" >"$logs/fuzz.log" 2>&1; then :; fi
fuzz_ok=$(grep -c '^fuzz .*: ok' "$logs/fuzz.log" || true)
fuzz_bad=$(grep -c '^fuzz .*: FINDING' "$logs/fuzz.log" || true)
[ $((fuzz_ok + fuzz_bad)) -gt 0 ] || { tail -n 30 "$logs/fuzz.log" >&2; die "fuzz build failed"; }
passed=$((passed + fuzz_ok)) failed=$((failed + fuzz_bad))
grep '^fuzz ' "$logs/fuzz.log" >&2
fi

step "WebAssembly dependencies (cached) and module"
# The dependencies' progress goes to the terminal: their first build takes ~20 minutes.
# VETO_WASM_DEPS names a prefix to use instead, as for scripts/build-wasm.sh.
wasm_deps=${VETO_WASM_DEPS:-$(scripts/wasm-deps.sh | tail -n1)} ||
  die "Wasm dependencies failed (see above)"
VETO_WASM_DEPS=$wasm_deps scripts/build-wasm.sh "$root/build/wasm" veto-icu-probe \
  >"$logs/build-wasm.log" 2>&1 ||
  { tail -n 30 "$logs/build-wasm.log" >&2; die "Wasm build failed"; }
step "npm package veto-validator (scripts/package.sh; installed and bundled by tests/package/)"
VETO_PACKAGE=$(scripts/package.sh "$root/build/wasm/dist" "$root/build" 2>"$logs/package.log" | tail -n1) &&
  [ -f "$VETO_PACKAGE" ] || { tail -n 30 "$logs/package.log" >&2; die "npm package failed"; }
export VETO_PACKAGE

# node --test: counts from its TAP summary lines "# pass N" and "# fail N".
run_node() {
  local name=$1
  shift
  local log=$logs/node-$name.log
  node --test --test-reporter=tap --test-concurrency=1 "$@" >"$log" 2>&1
  local pass fail
  pass=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$log" | tail -n1)
  fail=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log" | tail -n1)
  [ -n "$pass" ] && [ -n "$fail" ] || { tail -n 30 "$log" >&2; die "node --test ($name) gave no summary"; }
  passed=$((passed + pass)) failed=$((failed + fail))
  grep -E "^# differential" "$log" >&2 || true
  echo "node ($name): $pass passed, $fail failed" >&2
  [ "$fail" = 0 ] || grep -E "^not ok|error:|AddressSanitizer|runtime error" -A8 "$log" | head -n 60 >&2
}

step "JS API, CLI, types, differential, server and browser tests (node --test)"
export VETO_CLI=$root/build/native/veto VETO_MODULE=$root/build/wasm/dist/veto.mjs
# The fuzzer's corpus, when a full run has made one (tests/differential/fuzz-corpus.test.mjs).
[ -d "$fuzz_work/validate_json" ] && export VETO_FUZZ_CORPUS=$fuzz_work/validate_json
export VETO_SERVER=$root/build/native/server/veto-server VETO_DIST=$root/build/wasm/dist
export VETO_ICU_PROBE_NATIVE=$root/build/native/tests/veto-icu-probe
export VETO_ICU_PROBE_WASM=$root/build/wasm/veto-icu-probe.cjs
# tests/server/connections.test.mjs holds about 4,100 sockets in node and as many in
# veto-server: the soft limit of open files goes up to the hard one (node and veto-server
# raise theirs too; this makes it explicit for both builds' runs).
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || ulimit -Sn 65536 2>/dev/null || true
shopt -s nullglob
if [ "$quick" = 1 ]; then
  VETO_ENGINES=${VETO_ENGINES:-chromium} run_node quick tests/js/*.test.mjs tests/differential/*.test.mjs \
    tests/server/*.test.mjs tests/browser/*.test.mjs
  echo "quick: no sanitizer build, fuzzing, bundler consumers or sanitized server run" >&2
else
  run_node all tests/js/*.test.mjs tests/differential/*.test.mjs tests/server/*.test.mjs \
    tests/browser/*.test.mjs tests/package/*.test.mjs
fi
shopt -u nullglob

if [ "$quick" = 0 ]; then
  step "HTTP tests again, against veto-server built with ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    VETO_SERVER=$root/build/sanitize/server/veto-server run_node sanitized-server tests/server/*.test.mjs
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
