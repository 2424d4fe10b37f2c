#!/usr/bin/env bash
# Makes the npm package veto-validator: fills OUT_DIR/package/ from the Wasm build (veto.mjs,
# veto.wasm, veto.d.mts) and the repository (web/npm/: the manifest and the npm README; the
# license and third-party notices), then packs it with `npm pack` into
# OUT_DIR/veto-validator-VERSION.tgz, whose path it prints last.
#   scripts/package.sh [DIST_DIR [OUT_DIR]]   (default build/wasm/dist and build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$(cd "${1:-$root/build/wasm/dist}" && pwd)
out=$(mkdir -p "${2:-$root/build}" && cd "${2:-$root/build}" && pwd)

version=$("$root/scripts/version.sh")  # the project's one version (CMakeLists.txt's project())

pkg=$out/package
rm -rf "$pkg"
mkdir -p "$pkg"
for file in veto.mjs veto.wasm veto.d.mts; do
  [ -f "$dist/$file" ] || { echo "package: $dist/$file is missing (scripts/build-wasm.sh makes it)" >&2; exit 1; }
  cp "$dist/$file" "$pkg/"
done
cp "$root/web/npm/README.md" "$pkg/README.md"
for item in LICENSE THIRD_PARTY_NOTICES.md LICENSES; do
  [ -e "$root/$item" ] || { echo "package: $root/$item is missing" >&2; exit 1; }
  cp -r "$root/$item" "$pkg/"
done
# web/npm/package.json with the version after the name.
node -e '
  const [template, version] = process.argv.slice(1);
  const {name, ...rest} = JSON.parse(require("node:fs").readFileSync(template, "utf8"));
  process.stdout.write(JSON.stringify({name, version, ...rest}, null, 2) + "\n");
' "$root/web/npm/package.json" "$version" > "$pkg/package.json"
rm -f "$out/veto-validator-$version.tgz"
(cd "$pkg" && npm pack --pack-destination "$out" --loglevel=error >/dev/null)
echo "$out/veto-validator-$version.tgz"
