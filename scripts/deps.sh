#!/usr/bin/env bash
# Installs what the build and the tests need, each only if missing, so every
# call after the first is quick. Usage: scripts/deps.sh rust|rust-size|wasm-bindgen|npm|browser|cli|cargo-about|bench-python ...
set -euo pipefail
cd "$(dirname "$0")/.."

# The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
wbg_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

for what in "$@"; do
  case "$what" in
    rust)
      if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        echo "== installing the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
      fi
      ;;
    rust-size)
      # The browser's build (scripts/build.sh) rebuilds std for size: a
      # nightly toolchain (fuzzing uses it too) with the standard library's
      # source.
      rustup toolchain list | grep -q '^nightly' || { echo "== installing the nightly toolchain"; rustup toolchain install nightly --profile minimal; }
      if ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
        echo "== installing rust-src for nightly (the browser build rebuilds std for size)"
        rustup component add rust-src --toolchain nightly
      fi
      ;;
    wasm-bindgen)
      v=$(wbg_version)
      [ -n "$v" ] || { echo "no wasm-bindgen in Cargo.lock" >&2; exit 1; }
      have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
      if [ "$have" != "$v" ]; then
        echo "== installing wasm-bindgen-cli $v (found: ${have:-none}); this takes a few minutes once"
        # Not --locked: its lock file pins a crate the registry here lacks.
        cargo install wasm-bindgen-cli --version "=$v"
      fi
      ;;
    npm)
      # npm ci only when node_modules was not installed from this lock file.
      want=$(sha256sum package-lock.json | cut -d' ' -f1)
      if [ "$(cat node_modules/.lock-sha256 2>/dev/null || true)" != "$want" ]; then
        echo "== npm ci"
        npm ci --no-audit --no-fund
        echo "$want" > node_modules/.lock-sha256
      fi
      ;;
    browser)
      # A CJK font too, so screenshots show Chinese snapshot names.
      if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
        echo "== installing Debian's chromium, chromium-driver and a CJK font"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
      fi
      ;;
    cli)
      # The command's tests: a pseudo-terminal (util-linux's script, in Debian's
      # bsdutils), a real curl, Python 3's csv module as an independent reader,
      # and openssl for the proxy test's certificate (tests/cli/proxy.test.mjs).
      if ! script --version 2>/dev/null | grep -q util-linux || ! command -v curl >/dev/null || ! command -v python3 >/dev/null || ! command -v openssl >/dev/null; then
        echo "== installing script (util-linux), curl, python3 and openssl"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq bsdutils curl python3 openssl >/dev/null
      fi
      ;;
    cargo-about)
      # The third-party notices' generator (scripts/notices.sh). Its `cli`
      # feature is the binary; 0.9.3 builds in about 8 minutes on 2 cores.
      want=0.9.3
      have=$(cargo about --version 2>/dev/null | awk '{print $2}' || true)
      if [ "$have" != "$want" ]; then
        echo "== installing cargo-about $want (found: ${have:-none}); this takes several minutes once"
        cargo install cargo-about --version "=$want" --features cli --locked
      fi
      ;;
    bench-python)
      # The bench's Python peers (python-cinderclient, Huawei's Python SDK) in
      # a virtual environment of their own, rebuilt when the pins change.
      want=$(sha256sum bench/requirements.txt | cut -d' ' -f1)
      if [ "$(cat bench/.venv/.requirements-sha256 2>/dev/null || true)" != "$want" ]; then
        echo "== creating bench/.venv (bench/requirements.txt)"
        if ! python3 -m venv --help >/dev/null 2>&1; then
          export DEBIAN_FRONTEND=noninteractive
          apt-get update -qq
          apt-get install -y -qq python3 python3-venv >/dev/null
        fi
        rm -rf bench/.venv
        python3 -m venv bench/.venv
        bench/.venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
        echo "$want" > bench/.venv/.requirements-sha256
      fi
      ;;
    *) echo "unknown dependency group: $what" >&2; exit 2 ;;
  esac
done
