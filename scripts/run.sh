#!/usr/bin/env bash
# veto's main job, from a fresh machine: installs what it needs, builds both builds, then
# validates the bundled example forms (examples/forms.jsonl, or the files given) with the
# native CLI and with the Wasm module in Node, shows the results and checks they agree.
# VETO_LOCALE=de scripts/run.sh shows the messages in German (any of the 26 locales).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-system.sh" >&2
"$root/scripts/build-native.sh" >&2
"$root/scripts/build-wasm.sh" >&2
forms=("$@")
[ ${#forms[@]} -gt 0 ] || forms=("$root/examples/forms.jsonl")
node "$root/scripts/show-results.mjs" "$root/build/native/veto" "$root/build/wasm/dist/veto.mjs" "${forms[@]}"
