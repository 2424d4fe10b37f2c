#!/usr/bin/env bash
# Load benchmark of veto-server on loopback with wrk: /api/validate and /api/objections at
# 1, 16 and 64 connections (VETO_BENCH_SECONDS each, default 10), on a temp database with
# the rate limit off. Checks that every 201 is a stored row, and writes the figures to
# bench/RESULTS-server.md.
#   VETO_BENCH_SERVER_BINARY=PATH  another veto-server (e.g. a build of an older commit)
#   VETO_BENCH_SERVER_OUT=FILE     where the figures go (default bench/RESULTS-server.md)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${VETO_BENCH_SECONDS:-10}
threads=${VETO_BENCH_SERVER_THREADS:-64}
server=${VETO_BENCH_SERVER_BINARY:-$root/build/native/server/veto-server}
out=${VETO_BENCH_SERVER_OUT:-$root/bench/RESULTS-server.md}
dist=${VETO_DIST:-$root/build/wasm/dist}

[ -x "$server" ] || scripts/build-native.sh >&2
[ -f "$dist/veto.wasm" ] || scripts/build-wasm.sh >&2
command -v wrk >/dev/null || { echo "bench/server.sh: wrk is not installed" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$server" --listen 127.0.0.1:0 --db "$work/bench.db" --dist "$dist" --rate-limit 0 --threads "$threads" \
  >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/stdout" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^veto-server: listening on //p' "$work/stdout" | head -n1)
[ -n "$url" ] || { cat "$work/stderr" >&2; echo "bench/server.sh: the server did not start" >&2; exit 1; }

rows() { sqlite3 "$work/bench.db" 'SELECT count(*) FROM objections'; }

results=()
check_failed=0
for endpoint in validate objections; do
  for conns in 1 16 64; do
    wrk_threads=$((conns < 2 ? 1 : 2))
    before=$(rows)
    line=$(wrk -t"$wrk_threads" -c"$conns" -d"${seconds}s" --latency -s "bench/server/$endpoint.lua" "$url" |
      grep '^RESULT')
    after=$(rows)
    requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
    secs=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$line")
    p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$line")
    p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")
    socket_errors=$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$line")
    statuses=$(sed -E 's/.*statuses=(.*)$/\1/' <<<"$line")
    expected=$([ "$endpoint" = validate ] && echo 200 || echo 201)
    ok=$(tr ',' '\n' <<<"$statuses" | sed -n "s/^$expected://p")
    ok=${ok:-0}
    wrong=$((requests - ok))
    stored=$((after - before))
    check=-
    if [ "$endpoint" = objections ]; then
      # Requests still in flight when wrk stops are stored but not counted by wrk: at
      # most one per connection.
      if [ "$stored" -ge "$ok" ] && [ "$stored" -le $((ok + conns)) ]; then
        check="$ok acknowledged, $stored rows"
      else
        check="MISMATCH: $ok acknowledged, $stored rows"; check_failed=1
      fi
    fi
    rps=$(awk -v r="$requests" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')
    row="| \`POST /api/$endpoint\` | $conns | $rps | $(awk -v u="$p50" 'BEGIN{printf "%.2f", u/1000}') | $(awk -v u="$p99" 'BEGIN{printf "%.2f", u/1000}') | $wrong | $socket_errors | $check |"
    echo "$row" >&2
    results+=("$row")
  done
done

{
  echo "# veto-server under load"
  echo
  echo "Command: \`bench/server.sh\` (VETO_BENCH_SECONDS=$seconds per row), $(date -u +%Y-%m-%d)."
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $(uname -sr);"
  echo "wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}') on loopback against one veto-server (\`--threads $threads --rate-limit 0\`,"
  echo "SQLite WAL with \`synchronous=FULL\` on $(df -T "$work" | awk 'NR==2 {print $2}') under $(dirname "$work"))."
  echo "wrk and the server share the machine's cores."
  echo
  echo "| request | connections | requests/s | p50 ms | p99 ms | other statuses | socket errors | 201s vs. stored rows |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${results[@]}"
  echo
  echo "\"Other statuses\" counts answers other than 200 (validate) or 201 (objections). \"Socket"
  echo "errors\" are wrk's read errors: a connection ended under it (veto-server ends one after"
  echo "100,000 requests, with \`Connection: close\`, or when it waits too long for a thread); a few"
  echo "in a run of over 100,000 requests have not been traced further. Every request wrk completed"
  echo "got its expected status."
  echo "Each objection has its own body and Idempotency-Key, so every 201 must be a new row; the"
  echo "last column compares the 201s wrk counted with the rows the table gained (requests in flight"
  echo "when wrk stops are stored but not counted, so the rows may exceed the 201s by at most the"
  echo "number of connections; fewer rows than 201s fails the script). That no acknowledged receipt"
  echo "is ever lost is shown receipt by receipt by the crash test (tests/server/lifecycle.test.mjs)."
} >"$out"
echo "wrote $out" >&2
exit "$check_failed"
