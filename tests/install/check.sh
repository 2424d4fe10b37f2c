#!/usr/bin/env bash
# Installs the built library into a scratch prefix, then builds a consumer against it twice:
# with CMake's find_package(veto) and with pkg-config. Both must run and agree.
set -euo pipefail
build_dir=$1 consumer=$2
prefix=$(mktemp -d) work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
cmake -S "$consumer" -B "$work/cmake" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
from_cmake=$("$work/cmake/consumer")
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
# shellcheck disable=SC2046
c++ -std=c++17 "$consumer/main.cpp" -o "$work/pkg" $(pkg-config --cflags --libs veto)
from_pkg=$("$work/pkg")
echo "$from_cmake"
[ "$from_cmake" = "$from_pkg" ] || { echo "find_package and pkg-config builds disagree"; exit 1; }
grep -q '"code":"email.typo"' <<<"$from_cmake"
