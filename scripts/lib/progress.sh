# shellcheck shell=bash disable=SC2034  # progress_failed and progress_done are for callers
# Progress of a long build, on stderr, the way people expect it: which step of how many,
# how long it took, a line every VETO_PROGRESS_INTERVAL seconds (default 30) while a step
# runs so that it never looks hung, and when a step fails, its last lines and where the
# whole log is. Each step's own output goes to the log only. Sourced by scripts/wasm-deps.sh
# (which is hashed into its cache key: this file is not, so changing how progress looks
# never rebuilds the dependencies); tests/js/progress.test.mjs runs it with fake steps.
#
#   source scripts/lib/progress.sh
#   progress_init wasm-deps 6 "$log"      # a name for the lines, the number of steps, the log
#   progress_step "ICU" build_icu         # [2/6] ICU ... done in 9 min 12 s; or FAILED
#
# progress_step runs the command in a subshell with the caller's options and returns its
# exit status; after a failure, progress_failed names the step. Call it as a plain command
# under `set -e`, as wasm-deps.sh does: then a step stops at its first failing command and
# a failed step stops the caller. (Under `if` or `||` bash ignores `set -e` inside it.)

progress_name=build
progress_total=0
progress_done=0
progress_log=/dev/null
progress_started=0
progress_failed=''
# How many of a failed step's last log lines are shown.
progress_tail_lines=30

# "45 s", "3 min 20 s", "1 h 02 min".
progress_duration() {
  local s=$1
  if [ "$s" -lt 60 ]; then
    printf '%d s' "$s"
  elif [ "$s" -lt 3600 ]; then
    printf '%d min %d s' $((s / 60)) $((s % 60))
  else
    printf '%d h %02d min' $((s / 3600)) $((s % 3600 / 60))
  fi
}

progress_say() { echo "$progress_name: $*" >&2; }

# progress_init NAME TOTAL_STEPS LOG
progress_init() {
  progress_name=$1 progress_total=$2 progress_log=$3
  progress_done=0 progress_failed='' progress_started=$SECONDS
}

# progress_step NAME COMMAND [ARGS...]
progress_step() {
  local name=$1
  shift
  local n=$((progress_done + 1)) t0=$SECONDS rc=0 heartbeat step
  local tag="[$n/$progress_total]"
  # Where this step's output starts in the log, to show only its lines if it fails.
  local offset
  offset=$(stat -c %s "$progress_log" 2>/dev/null || echo 0)
  progress_say "$tag $name ..."
  echo "===== $tag $name" >>"$progress_log"
  # The reminder lines come from a background loop; its sleep has no stdio of its own, so
  # a caller reading stderr through a pipe never waits for a sleep that outlives the step.
  (
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    nap=
    while :; do
      sleep "${VETO_PROGRESS_INTERVAL:-30}" >/dev/null 2>&1 &
      nap=$!
      wait "$nap"
      progress_say "$tag still building $name, $(progress_duration $((SECONDS - t0)))" \
        "(all steps: $(progress_duration $((SECONDS - progress_started))))"
    done
  ) &
  heartbeat=$!
  # A background job, waited for: `"$@" || rc=$?` would turn `set -e` off inside the step.
  ("$@") >>"$progress_log" 2>&1 </dev/null &
  step=$!
  wait "$step" || rc=$?
  kill "$heartbeat" 2>/dev/null || true
  wait "$heartbeat" 2>/dev/null || true
  local took
  took=$(progress_duration $((SECONDS - t0)))
  if [ "$rc" -ne 0 ]; then
    progress_failed=$name
    progress_say "$tag $name FAILED after $took (exit $rc); its last $progress_tail_lines lines:"
    tail -c +$((offset + 1)) "$progress_log" | tail -n "$progress_tail_lines" | sed 's/^/    /' >&2
    progress_say "the whole log: $progress_log"
    return "$rc"
  fi
  progress_done=$n
  progress_say "$tag $name done in $took (all steps: $(progress_duration $((SECONDS - progress_started))))"
}
