#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang, ASan and UBSan, and runs each for a
# bounded time (default 25 s; longer runs: scripts/fuzz.sh 3600) from the seed corpus in
# tests/fuzz-corpus/. The corpus a run grows is left in FUZZ_WORK (default build/fuzz-work)
# for the differential check (tests/differential/fuzz-corpus.test.mjs) and is never written
# back into the repository. Prints one line per target and exits non-zero on a finding.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-25}
work=${FUZZ_WORK:-$root/build/fuzz-work}
build=$root/build/fuzz
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVETO_SANITIZE=ON -DVETO_FUZZ=ON -DVETO_BUILD_TESTS=OFF -DVETO_SHARED=OFF >/dev/null
cmake --build "$build" --target fuzz-validate_json fuzz-field fuzz-capi >/dev/null
rm -rf "$work"
status=0
for target in validate_json field capi; do
  dict=$root/fuzz/json.dict
  [ "$target" = field ] && dict=$root/fuzz/email.dict
  mkdir -p "$work/$target" "$work/$target-findings"
  cp "$root/tests/fuzz-corpus/$target/"* "$work/$target/"
  log=$work/$target.log
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$build/fuzz/fuzz-$target" "$work/$target" -dict="$dict" -max_total_time="$seconds" \
      -max_len=70000 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/$target-findings/" \
      >"$log" 2>&1; then
    runs=$(grep -oE '#[0-9]+' "$log" | tail -n1 | tr -d '#')
    echo "fuzz $target: ok, ${runs:-?} runs in ${seconds}s, corpus $(ls "$work/$target" | wc -l) inputs"
  else
    echo "fuzz $target: FINDING (log $log, inputs in $work/$target-findings)"
    tail -n 40 "$log" >&2
    status=1
  fi
done
exit $status
