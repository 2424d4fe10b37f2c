#!/usr/bin/env bash
# Forms per second through the C API (veto_c.h) and through the Python package (python/),
# beside the C++ API, on the bench corpus (bench/corpus.mjs, 10,000 forms, the same seed as
# scripts/bench.sh); and the Python process's resident set over 1,000,000 validations.
# Writes bench/RESULTS-ffi.md (scripts/bench.sh includes it in RESULTS.md). Needs
# build/native (scripts/build-native.sh); installs the package into build/python/venv as
# scripts/test.sh does (or VETO_PYTHON names a Python that has it). About 2 minutes on 2
# idle cores.
#   bench/ffi.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${VETO_PYTHON:-$root/build/python/venv/bin/python}
if [ -z "${VETO_PYTHON:-}" ]; then  # the package as scripts/test.sh installs it
  [ -x "$python" ] || /usr/bin/python3 -m venv --system-site-packages "$root/build/python/venv"
  "$python" -m pip install --quiet --no-build-isolation --no-index --force-reinstall --no-deps \
    "$root/python" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$root/bench/corpus.mjs" "$work/corpus.jsonl" 10000 20261129 >&2
native=$("$root/build/native/bench/veto-bench" "$work/corpus.jsonl" --api)
py=$(VETO_LIBRARY=$root/build/native/libveto.so.0 "$python" "$root/bench/python_bench.py" \
     "$work/corpus.jsonl")
node - "$native" "$py" > "$root/bench/RESULTS-ffi.md" <<'JS'
const [n, p] = process.argv.slice(2).map((s) => JSON.parse(s));
const rate = (seconds) => Math.round(n.forms / seconds).toLocaleString('en');
const us = (seconds) => (1e6 * seconds / n.forms).toFixed(1);
const rel = (seconds, base) => `${(seconds / base).toFixed(2)}x`;
const rows = [
  ['C++ `validate_json` + `to_json` (veto.h)', n.cpp_validate_json, n.cpp_validate_json],
  ['C `veto_validate_json` + `veto_free` (veto_c.h)', n.c_validate_json, n.cpp_validate_json],
  ['Python `Validator.validate_json(str) -> str`', p.python_validate_json, n.cpp_validate_json],
  ['C++ `validate(members)` + `to_json`', n.cpp_validate_members, n.cpp_validate_members],
  ['C `veto_validate_members` + `veto_free`', n.c_validate_members, n.cpp_validate_members],
  ['Python `Validator.validate(dict) -> dict`', p.python_validate_dict, n.cpp_validate_members],
];
console.log(`# Through the C API and Python\n`);
console.log(`${n.forms.toLocaleString('en')} forms of the bench corpus, locale en, one thread; CPU time, ` +
            `median of 5 passes after a warm-up pass.\n`);
console.log('| Path | forms/s | µs per form | time vs. the C++ call |');
console.log('|---|---:|---:|---:|');
for (const [name, seconds, base] of rows) {
  console.log(`| ${name} | ${rate(seconds)} | ${us(seconds)} | ${rel(seconds, base)} |`);
}
const grown = p.rss_kib_after - p.rss_kib_before;
console.log(`\nPython memory: resident set ${(p.rss_kib_before / 1024).toFixed(1)} MiB after a warm-up, ` +
            `${(p.rss_kib_after / 1024).toFixed(1)} MiB after ${p.memory_validations.toLocaleString('en')} ` +
            `more \`validate(dict)\` of a small form (${grown >= 0 ? '+' : ''}${grown} KiB; ` +
            `${p.memory_wall_seconds} s wall).`);
JS
cat "$root/bench/RESULTS-ffi.md"
