#!/usr/bin/env bash
# Writes pkg-template/THIRD_PARTY_NOTICES.md: the licences and notices of the
# crates compiled into the package's WebAssembly modules (the wasm32 build's
# dependencies: about.toml), from Cargo.lock and the crates' own licence
# files, by cargo-about (scripts/deps.sh cargo-about installs it) with the
# template about.hbs. The build copies the file into pkg/.
#
#   scripts/notices.sh           write the file (after a change to Cargo.lock)
#   scripts/notices.sh --check   write it aside and fail, showing the
#                                difference, when the committed one is not it
set -euo pipefail
cd "$(dirname "$0")/.."

file=pkg-template/THIRD_PARTY_NOTICES.md
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The crates of Cargo.lock, then cargo-about without the network (--frozen:
# Cargo.lock as committed, and licence texts from the crates' own files
# only, so that the result does not depend on a git host); --fail: a crate
# whose licence cannot be read is an error, not a gap in the file.
cargo fetch --locked --quiet
cargo about generate --frozen --fail --config about.toml --output-file "$out" about.hbs

case "${1:-}" in
  --check)
    if ! diff -u "$file" "$out"; then
      echo "$file is not what Cargo.lock gives (the difference above): run scripts/notices.sh and commit it" >&2
      exit 1
    fi
    echo "$file matches Cargo.lock"
    ;;
  "") cp "$out" "$file"; echo "wrote $file" ;;
  *) echo "usage: scripts/notices.sh [--check]" >&2; exit 2 ;;
esac
