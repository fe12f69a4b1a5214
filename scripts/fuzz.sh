#!/usr/bin/env bash
# Runs every cargo-fuzz target for a fixed time each (default 60 s) and
# prints executions per target. Usage: scripts/fuzz.sh [seconds] [target ...]
# `make test` runs a short smoke of each; a long run is `scripts/fuzz.sh 600`.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(read_response timestamps query_encoding signing config_json)
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz
fi
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
mkdir -p fuzz/corpus
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  cp -n fuzz/seeds/"$t"/* "fuzz/corpus/$t"/ 2>/dev/null || true
  log=$(mktemp)
  echo "== fuzz $t for ${secs}s"
  if ! cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz target $t FAILED (crash input in fuzz/artifacts/$t/)" >&2
    exit 1
  fi
  grep -E "^#[0-9]+\s+(DONE|pulse)" "$log" | tail -n 1 | sed "s/^/  $t: /"
  rm -f "$log"
done
