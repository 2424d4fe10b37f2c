#!/usr/bin/env bash
# veto's main job, from a fresh machine: installs what it needs, builds both builds, then
# starts veto-server on localhost with the objection page and prints where to open it.
#   scripts/run.sh [SERVER OPTIONS...]   serve the page (VETO_LISTEN, default 127.0.0.1:8080;
#                                        VETO_DB, default build/objections.db); Ctrl-C stops it
#   scripts/run.sh --cli [FILES...]      the former demo: validate the example forms (or FILES)
#                                        with the native CLI and the Wasm module, and compare
# VETO_LOCALE=de scripts/run.sh --cli shows the CLI demo's messages in German.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-system.sh" >&2
"$root/scripts/build-native.sh" >&2
"$root/scripts/build-wasm.sh" >&2

if [ "${1:-}" = --cli ]; then
  shift
  forms=("$@")
  [ ${#forms[@]} -gt 0 ] || forms=("$root/examples/forms.jsonl")
  exec node "$root/scripts/show-results.mjs" "$root/build/native/veto" "$root/build/wasm/dist/veto.mjs" "${forms[@]}"
fi

listen=${VETO_LISTEN:-127.0.0.1:8080}
db=${VETO_DB:-$root/build/objections.db}
echo "veto: starting veto-server with the objection page (objections go to $db)." >&2
echo "veto: open the address on the next line in a browser; Ctrl-C stops the server." >&2
exec "$root/build/native/server/veto-server" --listen "$listen" --db "$db" \
  --web "$root/web" --dist "$root/build/wasm/dist" "$@"
