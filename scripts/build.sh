#!/usr/bin/env bash
# Builds pkg/: the crate for wasm32 twice (below), wasm-bindgen's `web`
# target for each (build-pkg.mjs makes the Node build's glue CommonJS),
# wasm-opt, then the entries, then the size report (sizes.mjs, also
# pkg/sizes.json for `make bench`).
set -euo pipefail
cd "$(dirname "$0")/.."

# Two builds of one crate (Cargo.toml's profiles): `release` for browsers
# (opt-level "z", wasm-opt -Oz: the bytes every page load downloads) and
# `node` for index.mjs and index.cjs (Node, Deno, Bun, Node bundles: read from disk; the
# crate's own code at opt-level 3, wasm-opt -O3: faster calls).
#
# The browser's build also rebuilds the standard library for size, with the
# nightly toolchain that make test's fuzzing installs anyway (deps.sh
# rust-size: nightly and its rust-src): std's `optimize_for_size` feature and
# the `immediate-abort` panic strategy (a panic traps at once, with no
# message formatting; panic = "abort" already ended the instance). 14.8 KB
# less wasm gzip than the prebuilt std (133.9 -> 119.1 KB, issue 28); its own
# target directory, as the flags differ. The rustflags given here are added
# to .cargo/config.toml's (sha2's compact rounds), not put in their place.
cargo +nightly build --release --target wasm32-unknown-unknown --target-dir target/size \
  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size \
  --config "target.wasm32-unknown-unknown.rustflags=['-Zunstable-options', '-Cpanic=immediate-abort']"
# The Node build alone has the signing proxy's export (createProxy; Cargo.toml's
# `proxy` feature): the browser's module does not grow for it.
cargo build --profile node --target wasm32-unknown-unknown --features proxy
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$out/release" target/size/wasm32-unknown-unknown/release/evs_snapshots.wasm
wasm-bindgen --target web --no-typescript --out-dir "$out/node" target/wasm32-unknown-unknown/node/evs_snapshots.wasm

rm -rf pkg
mkdir -p pkg/lib
cp "$out/release/evs_snapshots.js" pkg/lib/evs_snapshots.js
cp "$out/node/evs_snapshots.js" pkg/lib/evs_snapshots_node.js
# The glue imports the shell's module snippet (src/wasm/fetch.js) from
# ./snippets/; build-pkg.mjs bundles both glues with it, then it goes.
for build in release node; do
  if [ -d "$out/$build/snippets" ]; then cp -r "$out/$build/snippets" pkg/lib/; fi
done
# npm's binaryen (Debian's 108 breaks current wasm-bindgen output).
features=(--strip-producers --strip-target-features
  --enable-bulk-memory --enable-reference-types --enable-multivalue
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
node_modules/.bin/wasm-opt -Oz "${features[@]}" "$out/release/evs_snapshots_bg.wasm" -o pkg/lib/evs_snapshots_bg.wasm
node_modules/.bin/wasm-opt -O3 "${features[@]}" "$out/node/evs_snapshots_bg.wasm" -o pkg/lib/evs_snapshots_node.wasm
node scripts/build-pkg.mjs
rm -rf pkg/lib/snippets
node scripts/sizes.mjs

# The tests import the built package by name, as a user would.
mkdir -p node_modules
ln -sfn ../pkg node_modules/evs-snapshots
