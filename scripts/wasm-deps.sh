#!/usr/bin/env bash
# Builds veto's WebAssembly dependencies with Debian's Emscripten, from exactly the Debian
# bookworm source packages the native build links against: ICU 72.1 (common + i18n),
# protobuf 3.21.12 (libprotobuf-lite), Abseil 20220623.1 and libphonenumber 8.12.57.
# Everything lands in one prefix, cached outside the clone and keyed on this script, emcc,
# the Debian source versions and the optimization flags.
#
#   prefix=$(scripts/wasm-deps.sh | tail -n1)
#
# Progress goes to stderr (scripts/lib/progress.sh: step n of 6, elapsed time, a line every
# 30 s while a step runs, a failed step's last lines), build chatter to a log under the
# cache root; the only line on stdout is the prefix. Env: VETO_WASM_DEPS_OPT (default -Oz), VETO_CACHE (cache root).
# Needs what scripts/setup-system.sh installs (emscripten, icu-devtools, protobuf-compiler,
# dpkg-dev, deb-src lists); runs as root or as a user who may run `apt-get source`.
set -euo pipefail

die() { echo "wasm-deps: $*" >&2; exit 1; }

script=$(realpath "${BASH_SOURCE[0]}")
script_dir=$(dirname "$script")
# Not part of the cache key (below): how progress looks never changes what is built.
# shellcheck source=lib/progress.sh
source "$script_dir/lib/progress.sh"
opt=${VETO_WASM_DEPS_OPT:--Oz}
root=${VETO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/veto}
export NODE_PATH=/usr/share/nodejs # emcc's JS optimizer needs Debian's acorn

packages=(icu protobuf abseil libphonenumber)
declare -A upstream=([icu]=72.1 [protobuf]=3.21.12 [abseil]=20220623.1 [libphonenumber]=8.12.57)

# --- Debian source versions: the newest one of each package with the expected upstream version.
declare -A debver=()
while read -r pkg ver; do
  up=${ver#*:}   # epoch
  up=${up%-*}    # Debian revision
  up=${up%%+*}   # repack suffix (libphonenumber is 8.12.57+ds)
  [ "$up" = "${upstream[$pkg]}" ] || continue
  if [ -z "${debver[$pkg]:-}" ] || dpkg --compare-versions "$ver" gt "${debver[$pkg]}"; then
    debver[$pkg]=$ver
  fi
done < <(apt-cache showsrc --only-source "${packages[@]}" 2>/dev/null |
         awk '/^Package:/ { p = $2 } /^Version:/ { print p, $2 }')
for pkg in "${packages[@]}"; do
  [ -n "${debver[$pkg]:-}" ] || die "no Debian source package $pkg ${upstream[$pkg]} in apt's lists" \
    "(found: $(apt-cache showsrc --only-source "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | xargs))." \
    "veto needs Debian bookworm's sources: scripts/setup-system.sh enables deb-src for them."
done

# sed, not head: head would close the pipe early and pipefail would flag emcc's SIGPIPE.
emcc_version=$(emcc --version | sed -n 1p)

# --- Cache key and prefix.
key=$(
  {
    cat "$script"
    if [ -d "$script_dir/wasm-deps" ]; then
      (cd "$script_dir" && find wasm-deps -type f -print0 | sort -z | xargs -0r sha256sum)
    fi
    echo "$emcc_version"
    for pkg in "${packages[@]}"; do echo "$pkg ${debver[$pkg]}"; done
    echo "$opt"
  } | sha256sum | cut -c1-16
)
prefix=$root/wasm-deps-$key
stamp=$prefix/.wasm-deps-complete

if [ -e "$stamp" ]; then
  echo "wasm-deps: cached $prefix" >&2
  echo "$prefix"
  exit 0
fi

mkdir -p "$root"
exec 9>>"$root/wasm-deps.lock"
if ! flock -n 9; then
  echo "wasm-deps: another build holds $root/wasm-deps.lock, waiting" >&2
  flock 9
fi
# The build we waited for may have produced this very prefix.
if [ -e "$stamp" ]; then
  echo "wasm-deps: cached $prefix" >&2
  echo "$prefix"
  exit 0
fi

# We hold the lock, so whatever an earlier run left behind is stale: a build tree kept for
# inspection after a failure, or a prefix moved into place without its stamp.
rm -rf "$root"/wasm-deps-build.* "$prefix"

work=$(mktemp -d "$root/wasm-deps-build.XXXXXX")
stage=$work/prefix   # installed into here, then moved to $prefix in one rename
log=$root/wasm-deps-$key.log
: >"$log"
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    # A failed step has shown its own last lines (progress_step); anything else, the log's.
    [ -n "$progress_failed" ] || tail -n 40 "$log" >&2
    echo "wasm-deps: FAILED (exit $rc). Log: $log  Build tree kept: $work" >&2
  fi
}
trap on_exit EXIT

# UCONFIG_NO_SERVICE: no registration of custom break iterators and the like (veto registers
# none); ICU then builds iterators from its data directly, with the same results, and the
# module sheds the service registry and the locale display-name code it pulls in.
# The same bytes from every build of the same inputs: source paths in __FILE__ (protobuf's
# log messages) are written relative to the source folder, not the random build folder.
reproducible="-ffile-prefix-map=$work/src/="
icu_flags="$opt $reproducible -DU_CHARSET_IS_UTF8=1 -DUCONFIG_NO_LEGACY_CONVERSION=1 -DUCONFIG_NO_SERVICE=1"
# NDEBUG as in any release build: drops Abseil's and protobuf's debug-only checks.
cmake_flags="$opt $reproducible -DNDEBUG"
# C++17 everywhere: Abseil's installed headers and libraries must agree on the standard.
cmake_common=(
  -DCMAKE_BUILD_TYPE=Release
  "-DCMAKE_C_FLAGS_RELEASE=$cmake_flags"
  "-DCMAKE_CXX_FLAGS_RELEASE=$cmake_flags"
  -DCMAKE_CXX_STANDARD=17
  "-DCMAKE_INSTALL_PREFIX=$stage"
  -DCMAKE_INSTALL_LIBDIR=lib
)

fetch_sources() {
  # apt-get source skips files already in src-cache whose checksums match, so reruns are offline;
  # dpkg-source -x applies Debian's patch series as `apt-get source` does.
  mkdir -p "$root/src-cache" "$work/src"
  local pins=() pkg
  for pkg in "${packages[@]}"; do pins+=("$pkg=${debver[$pkg]}"); done
  (cd "$root/src-cache" && apt-get source --download-only "${pins[@]}")
  for pkg in "${packages[@]}"; do
    dpkg-source -x "$root/src-cache/${pkg}_${debver[$pkg]#*:}.dsc" "$work/src/$pkg"
  done
  # Debian's latomic.diff adds "-Wl,--push-state,--as-needed -latomic -Wl,--pop-state" to the
  # link options every absl:: CMake target exports (for armel). wasm-ld knows none of these
  # flags and there is no libatomic, so any consumer linking absl:: targets would fail.
  patch -d "$work/src/abseil" -p1 -R <"$work/src/abseil/debian/patches/latomic.diff"
  # veto's own patches for the Wasm build, each explaining itself in its header; none
  # changes behavior (scripts/wasm-deps/*.patch, part of the cache key).
  local p
  for p in "$script_dir"/wasm-deps/icu-*.patch; do
    patch -d "$work/src/icu" -p1 <"$p"
  done
  for p in "$script_dir"/wasm-deps/libphonenumber-*.patch; do
    patch -d "$work/src/libphonenumber" -p1 <"$p"
  done
}

build_icu() {
  local src=$work/src/icu/source build=$work/build/icu cross=$work/build/icu-cross
  # configure refuses to cross-compile without --with-cross-build, yet only reads these two
  # files from it; building just the libraries runs no ICU tool, so Debian's icu-devtools do.
  mkdir -p "$cross/config" "$build"
  cat >"$cross/config/icucross.mk" <<EOF
CROSS_ICU_VERSION=${upstream[icu]}
TOOLEXEEXT=
TOOLBINDIR=/usr/bin
TOOLLIBDIR=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
INVOKE=
PKGDATA_INVOKE=
EOF
  : >"$cross/config/icucross.inc"
  cd "$build"
  # ICU's config.sub does not know wasm32-unknown-emscripten; -linux selects mh-linux.
  CFLAGS=$icu_flags CXXFLAGS=$icu_flags emconfigure "$src/configure" \
    --host=wasm32-unknown-linux --build=x86_64-pc-linux-gnu --with-cross-build="$cross" \
    --prefix="$stage" --enable-static --disable-shared --disable-dyload --disable-extras \
    --disable-icuio --disable-layoutex --disable-tools --disable-tests --disable-samples \
    --disable-draft --with-data-packaging=archive
  mkdir -p lib bin # normally made by the top-level Makefile, which we skip
  local dir
  # ICUDATA_DIR: ICU compiles its default data folder in (unused: the data is embedded and
  # there is no file system); a fixed one instead of the random build folder's.
  for dir in stubdata common i18n; do
    make -j2 -C "$dir" VERBOSE=1 ICUDATA_DIR=/usr/share/icu/${upstream[icu]} install
  done
  # Full prebuilt data; veto embeds it (or a subset of it) with genccode/icupkg.
  install -D -m 644 "$src/data/in/icudt72l.dat" "$stage/share/icu/icudt72l.dat"
}

build_abseil() {
  # Installs every absl library: the exported CMake package refers to all of them.
  emcmake cmake -S "$work/src/abseil" -B "$work/build/abseil" -G Ninja "${cmake_common[@]}" \
    -DABSL_PROPAGATE_CXX_STD=ON -DBUILD_TESTING=OFF
  cmake --build "$work/build/abseil" -j2 --verbose
  cmake --install "$work/build/abseil"
}

build_protobuf() {
  local build=$work/build/protobuf
  emcmake cmake -S "$work/src/protobuf" -B "$build" -G Ninja "${cmake_common[@]}" \
    -Dprotobuf_BUILD_TESTS=OFF -Dprotobuf_BUILD_PROTOC_BINARIES=OFF -Dprotobuf_WITH_ZLIB=OFF \
    -Dprotobuf_BUILD_SHARED_LIBS=OFF
  cmake --build "$build" -j2 --verbose --target libprotobuf-lite
  cmake --install "$build" --component libprotobuf-lite
  cmake --install "$build" --component protobuf-headers
}

build_libphonenumber() {
  local src=$work/src/libphonenumber/cpp build=$work/build/libphonenumber
  # find_or_build_gtest() always runs and adds its include dir to every target: hand it an
  # empty stub so host headers never reach the wasm compile; the test target is never built.
  mkdir -p "$build/gtest-stub/gtest"
  : >"$build/gtest-stub/gtest/gtest.h"
  # Debian's disable-abseil-git-fetch.patch makes find_package(absl) unconditional; it and the
  # ICU/protobuf lookups find the stage prefix through CMAKE_FIND_ROOT_PATH. The host protoc
  # (Debian's 3.21.12, same as the library) generates the *.pb.cc. PkgConfig is disabled: it
  # would only report the host's libraries. Unix Makefiles, not Ninja: under Emscripten the
  # SHARED library turns static with the same output name, which Ninja rejects.
  # Lite metadata: the same patterns and formats without example numbers, which veto never
  # asks for (13 KB less in the module).
  emcmake cmake -S "$src" -B "$build" -G "Unix Makefiles" "${cmake_common[@]}" \
    "-DCMAKE_FIND_ROOT_PATH=$stage" -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON \
    "-DGTEST_INCLUDE_DIR=$build/gtest-stub" -DGTEST_LIB=gtest-not-built \
    -DUSE_BOOST=OFF -DUSE_STDMUTEX=ON -DUSE_ICU_REGEXP=ON -DUSE_RE2=OFF -DUSE_PROTOBUF_LITE=ON \
    -DBUILD_GEOCODER=OFF -DREGENERATE_METADATA=OFF -DBUILD_STATIC_LIB=ON -DUSE_LITE_METADATA=ON
  make -C "$build" -j2 VERBOSE=1 phonenumber
  install -D -m 644 "$build/libphonenumber.a" "$stage/lib/libphonenumber.a"
  # The install rules would also install the (same-named) shared target; copy the headers
  # instead: all of src/phonenumbers, a superset of upstream's list, without the geocoder.
  (cd "$src/src" && find phonenumbers -path phonenumbers/geocoding -prune -o -name '*.h' -print |
    xargs cp --parents -t "$stage/include")
}

finish() {
  # The prefix is moved after installing, so nothing may refer to the build tree (the absl
  # CMake package is relocatable; Abseil's pkg-config files hard-code it and are not needed).
  rm -rf "$stage/lib/pkgconfig"
  if grep -rlIF "$work" "$stage"; then die "installed files refer to the build tree (see above)"; fi
  {
    for pkg in "${packages[@]}"; do echo "$pkg ${upstream[$pkg]} debian ${debver[$pkg]}"; done
    echo "opt $opt"
    echo "icu-flags $icu_flags"
    echo "cmake-flags $cmake_flags"
    echo "cxx-standard 17"
    echo "emcc $emcc_version"
    echo "key $key"
    (cd "$stage/lib" && ls -1 -- *.a) | sed 's/^/lib /'
  } >"$stage/veto-wasm-deps.txt"
}

t_start=$SECONDS
echo "wasm-deps: building $prefix once, in 6 steps (about 20 minutes on 2 cores; log: $log)" >&2
progress_init wasm-deps 6 "$log"
progress_step "fetch sources" fetch_sources
progress_step "ICU" build_icu
progress_step "Abseil" build_abseil
progress_step "protobuf-lite" build_protobuf
progress_step "libphonenumber" build_libphonenumber
progress_step "finish" finish

mv "$stage" "$prefix"
date -u +%FT%TZ >"$stamp" # written last: only a complete prefix has it
rm -rf "$work"
echo "wasm-deps: built $prefix in $(progress_duration $((SECONDS - t_start)))" >&2
echo "$prefix"
