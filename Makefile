# evs-snapshots — the two commands a newcomer needs:
#   make demo   build everything and run `evs-snapshots serve` against the mock EVS service
#   make test   run every test: native Rust, wasm (Node + Chromium), Node, browser
# Each installs what it needs (wasm32 target, wasm-bindgen-cli, npm packages,
# Debian's chromium) and is safe to run again.

SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8080
# COUNT=20000 make demo: the mock serves that many snapshots (the seed plus copies)
COUNT ?=

.PHONY: help deps build demo test test-rust test-wasm test-node test-cli test-browser test-consumers test-notices test-fuzz fuzz bench clean

help:
	@echo "make demo    build and run evs-snapshots serve on port $(PORT) against the mock EVS service (COUNT=20000 for 20,000 snapshots)"
	@echo "make test    run every test"
	@echo "make build   build the npm package into pkg/"
	@echo "make bench   size and speed benchmarks"

deps:
	scripts/deps.sh rust rust-size wasm-bindgen npm

build: deps
	scripts/build.sh

# The dashboard as a user runs it for their account (evs-snapshots serve),
# with the mock EVS service as the upstream, checking AK/SK signatures.
demo: build
	@echo "== evs-snapshots demo: evs-snapshots serve on port $(PORT), its upstream the mock EVS service (AK/SK-signed, seeded data)."
	@echo "== Open the URL it prints below, http://127.0.0.1:$(PORT)/?key=… (the key lets your browser in); Ctrl-C stops it."
	node scripts/demo.mjs --port $(PORT) $(if $(COUNT),--count $(COUNT))

test: build
	scripts/deps.sh browser cli
	$(MAKE) --no-print-directory test-rust test-notices test-wasm test-node test-cli test-browser test-consumers test-fuzz

test-rust:
	@echo "== native Rust tests (core, signing vectors), formatting, docs (and every docs/*.md section a comment cites), no files importing each other in a loop"
	cargo fmt --check
	cd fuzz && cargo fmt --check
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
	node scripts/check-doc-sections.mjs
	node scripts/check-cycles.mjs
	cargo test
	cargo clippy --all-targets -- -D warnings
	cargo clippy --release --target wasm32-unknown-unknown --all-targets --all-features -- -D warnings

test-wasm:
	@echo "== wasm tests in Node (the exports against the mock EVS service)"
	node scripts/with-mock.mjs cargo test --target wasm32-unknown-unknown --test wasm
	@echo "== wasm tests in Chromium"
	WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
	  WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/tests/webdriver.json \
	  node scripts/with-mock.mjs cargo test --target wasm32-unknown-unknown --test wasm

test-node:
	@echo "== Node tests (mock service, built package)"
	node --test --test-concurrency=1 tests/mock-evs/ tests/node/

test-cli:
	@echo "== the evs-snapshots command (child processes against the mock; script, curl, python3, openssl)"
	scripts/deps.sh cli
	node --test --test-concurrency=1 tests/cli/

test-browser:
	@echo "== browser tests (headless Chromium)"
	node --test --test-concurrency=1 tests/browser/

test-consumers:
	@echo "== consumer matrix: the packed tarball in Node ESM/CJS, TypeScript, Vite, esbuild (browser, Node ESM/CJS), webpack (browser, Node), Rollup (browser, Node), Deno, Bun, a worker, a plain page; then apps from their own lock files: React + Vite, Vue + Vite, Next.js (next build, next start), Angular (ng build, ng serve)"
	node --test --test-concurrency=1 tests/consumers/

test-notices:
	@echo "== third-party notices: pkg-template/THIRD_PARTY_NOTICES.md is what cargo-about makes of Cargo.lock (the wasm32 build's crates)"
	scripts/deps.sh cargo-about
	scripts/notices.sh --check

test-fuzz:
	@echo "== fuzz smoke: each cargo-fuzz target for 10 s, then random JS values through the exports for 10 s"
	scripts/fuzz.sh 10
	node fuzz/values.mjs --seconds 10

fuzz: build
	scripts/fuzz.sh $(or $(SECONDS_PER_TARGET),600)
	node fuzz/values.mjs --seconds $(or $(SECONDS_PER_TARGET),600)

bench: build
	scripts/deps.sh browser bench-python
	node bench/run.mjs

clean:
	rm -rf pkg target test-output
