#!/usr/bin/env bash
# Installs the built library into a scratch prefix, then builds consumers against it twice:
# with CMake's find_package(veto) and with pkg-config: the C++ program of consumer/ (both
# builds must run and agree) and the C program of tests/capi, compiled as C99 with
# -pedantic -Werror. Checks that the shared library has its SONAME and exports only the
# public C and C++ symbols, and that LICENSE, THIRD_PARTY_NOTICES.md and LICENSES/ are
# installed in share/doc/veto.
#   check.sh BUILD_DIR CONSUMER_DIR VERSION
set -euo pipefail
build_dir=$1 consumer=$2 version=$3
prefix=$(mktemp -d) work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
# The license, the third-party notices and every license text, as in the source tree.
source_root=$(cd "$consumer/../../.." && pwd)
docs=$prefix/share/doc/veto
diff -r "$source_root/LICENSES" "$docs/LICENSES" || { echo "LICENSES/ not installed as in the source"; exit 1; }
for f in LICENSE THIRD_PARTY_NOTICES.md; do
  cmp "$source_root/$f" "$docs/$f" || { echo "$f not installed in share/doc/veto"; exit 1; }
done
lib=$(find "$prefix" -name 'libveto.so.0' | head -n1)
if [ -n "$lib" ]; then
  readelf -d "$lib" | grep -q 'Library soname: \[libveto.so.0\]' || { echo "no SONAME libveto.so.0"; exit 1; }
  # Exported: veto_* (veto_c.h) and veto::* (veto.h), nothing else: no internals, no std::.
  others=$(nm -D --defined-only "$lib" | awk '{print $3}' | c++filt | grep -vE '^(veto_|veto::)' || true)
  [ -z "$others" ] || { echo "libveto.so exports more than its API:"; echo "$others" | head; exit 1; }
  nm -D --defined-only "$lib" | grep -q ' T veto_validate_json$' || { echo "veto_validate_json not exported"; exit 1; }
fi
cmake -S "$consumer" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
from_cmake=$("$work/cmake/consumer")
"$work/cmake/c_consumer" "$version"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
rpath=-Wl,-rpath,$(pkg-config --variable=libdir veto)
# shellcheck disable=SC2046
c++ -std=c++17 "$consumer/main.cpp" -o "$work/pkg" $(pkg-config --cflags --libs veto) "$rpath"
from_pkg=$("$work/pkg")
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -pedantic -Werror "$consumer/../../capi/c_api_test.c" -o "$work/c_pkg" \
  $(pkg-config --cflags --libs veto) "$rpath"
"$work/c_pkg" "$version"
echo "$from_cmake"
[ "$from_cmake" = "$from_pkg" ] || { echo "find_package and pkg-config builds disagree"; exit 1; }
grep -q '"code":"email.typo"' <<<"$from_cmake"
