#!/usr/bin/env bash
# Builds pkg/: the crate in release mode for wasm32, wasm-bindgen's `web`
# target (the one glue every entry uses; build-pkg.mjs makes its CommonJS
# copy), wasm-opt -Oz, then the entries, then the size report (sizes.mjs,
# also pkg/sizes.json for `make bench`).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --target wasm32-unknown-unknown
wasm=target/wasm32-unknown-unknown/release/evs_snapshots.wasm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out/web" "$wasm"

rm -rf pkg
mkdir -p pkg/lib
cp "$out/web/evs_snapshots.js" pkg/lib/evs_snapshots.js
# npm's binaryen (Debian's 108 breaks current wasm-bindgen output).
node_modules/.bin/wasm-opt -Oz --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-reference-types --enable-multivalue \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/web/evs_snapshots_bg.wasm" -o pkg/lib/evs_snapshots_bg.wasm
node scripts/build-pkg.mjs
node scripts/sizes.mjs

# The tests import the built package by name, as a user would.
mkdir -p node_modules
ln -sfn ../pkg node_modules/evs-snapshots
