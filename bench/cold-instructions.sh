#!/usr/bin/env bash
# What a Node cold start costs, in figures that repeat on a shared machine (bench/README.md,
# "Cold start and V8's compile threads"): the main thread's instructions from node's start to
# the first full-form result with V8 kept to one thread and to Liftoff, so that only the work
# the result needs is counted (callgrind, less what node's own start counts), and the
# TurboFan jobs the same cold start triggers (count and bytes of function bodies: what V8's
# background threads compile while the main thread runs, unless the machine has cores to
# spare). Repeats to about 0.1M instructions.
#   bench/cold-instructions.sh [MODULE]     (default build/wasm/dist/veto.mjs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
module=$(realpath "${1:-$root/build/wasm/dist/veto.mjs}")
script=$root/bench/cold-start.mjs
# setarch -R and the seeds keep addresses and hashes, and so V8's work, the same each run.
count() {
  setarch -R valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null \
    node --single-threaded --liftoff-only --predictable --hash-seed=1 --random-seed=1 "$@" 2>&1 |
    sed -nE 's/.*Collected : ([0-9]+)/\1/p'
}
total=$(count "$script" "$module")
node_alone=$(count --input-type=module -e '')
echo "main thread: $(( (total - node_alone) / 100000 ))e5 instructions beyond node's own start" \
  "($(( total / 100000 ))e5 in all; node --single-threaded --liftoff-only)"
# Single-threaded, V8 compiles the triggered jobs only after the result, one after another.
node --single-threaded --trace-wasm-compilation-times "$script" "$module" 2>&1 |
  sed -nE 's/.*using TurboFan, took .* bodysize ([0-9]+) .*/\1/p' |
  awk '{ n++; bytes += $1 } END { printf "TurboFan jobs: %d, %d bytes of function bodies\n", n, bytes }'
