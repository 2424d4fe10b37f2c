#!/usr/bin/env bash
# Installs every system package veto's builds and tests use, and enables Debian source
# packages (deb-src) so scripts/wasm-deps.sh can fetch the exact sources of ICU,
# libphonenumber, protobuf and Abseil that the native build links against.
# Idempotent: a second run is a few quick dpkg queries.
set -euo pipefail

packages=(
  # native build and tests
  cmake ninja-build pkg-config g++ libicu-dev icu-devtools libphonenumber-dev
  libprotobuf-dev nlohmann-json3-dev libgtest-dev
  # a compiler cache (~/.cache/ccache) so that a fresh clone's native and sanitizer builds
  # reuse what an earlier clone compiled: scripts/build-native.sh uses it when present
  ccache
  # WebAssembly build (Debian's Emscripten 3.1.6) and the tools its dependency build uses
  emscripten protobuf-compiler dpkg-dev autoconf automake make python3
  # size figures and sanitizer/fuzzing runtimes
  brotli gzip clang-14 libclang-rt-14-dev valgrind
  # Unicode 15.0 test data (GraphemeBreakTest.txt, WordBreakTest.txt) for the text tests
  unicode-data
  # veto-server: HTTP (cpp-httplib 0.11), storage (SQLite), the sqlite3 shell its crash test
  # reads the database with, and wrk for the load benchmark
  libcpp-httplib-dev libsqlite3-dev sqlite3 zlib1g-dev libbrotli-dev wrk
  # veto-server's mail-domain check: c-ares (the resolver library), and dnsmasq, the DNS
  # server its tests start on loopback
  libc-ares-dev dnsmasq-base
  # veto-server's mail: SMTP through libcurl (issue 23)
  libcurl4-openssl-dev
  # veto-server on PostgreSQL (libpq), and what its deployment tests start on loopback:
  # a throwaway PostgreSQL 15 cluster and nginx in front of several instances (deploy/)
  libpq-dev postgresql nginx
  # the Python package (python/): a venv, pip (which brings setuptools and wheel), pytest
  python3-venv python3-pip python3-pytest
  # browser tests: Debian's Chromium, driven by playwright-core (its own download fails here)
  chromium fonts-dejavu-core fonts-noto-core
  # the same tests in Firefox ESR (puppeteer-core over WebDriver BiDi) and WebKitGTK
  # (WebKitWebDriver + MiniBrowser, which needs an X display: Xvfb)
  firefox-esr webkit2gtk-driver xvfb
)

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

src_list=/etc/apt/sources.list.d/veto-deb-src.sources
need_update=0
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  sudo_ tee "$src_list" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  need_update=1
fi

if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
  sudo_ apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-system: installing ${missing[*]}"
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup-system: system packages ready"
