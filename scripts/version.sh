#!/usr/bin/env bash
# Prints veto's version, e.g. 0.1.0, for scripts and tests. It is written in one place,
# project(veto VERSION ...) in CMakeLists.txt; the builds take it from there too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -nE 's/^project\(veto VERSION ([0-9]+\.[0-9]+\.[0-9]+)[ )].*/\1/p' "$root/CMakeLists.txt")
[ -n "$version" ] || { echo "version.sh: no project(veto VERSION X.Y.Z ...) in CMakeLists.txt" >&2; exit 1; }
echo "$version"
