#!/usr/bin/env bash
# Instructions per form of a Wasm build in Node, counted by callgrind: the difference between
# validating 2,000 forms and none, divided by 2,000 (bench/README.md, "Levers tried").
#   bench/instructions.sh [MODULE] [phone]     (default build/wasm/dist/veto.mjs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
module=$(realpath "${1:-$root/build/wasm/dist/veto.mjs}")
count() {
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null \
    node "$root/bench/instructions.mjs" "$module" "$1" ${2:+"$2"} 2>&1 |
    sed -nE 's/.*Collected : ([0-9]+)/\1/p'
}
none=$(count 0 "${2:-}")
many=$(count 2000 "${2:-}")
echo "$(( (many - none) / 2000 )) instructions per form${2:+ (with a phone)}"
