//! evs-snapshots: a client for Huawei Cloud EVS snapshots.
//!
//! - [`core`]: the sans-IO core, pure Rust, tested natively: validation,
//!   requests and signing, reading responses, retry and paging decisions.
//! - `wasm` (wasm32 only): the async shell, the only code that touches JS
//!   values. It exports `getSnapshot`, `listSnapshots`, `signRequest` and
//!   the paging walk to JavaScript, reads the arguments with
//!   serde-wasm-bindgen, sends each attempt through `fetch` with one call
//!   into its module snippet (`src/wasm/fetch.js`: the `Request`, the
//!   timer and signals, a genuine `Response` read), reads anything else
//!   with gloo-net or through `catch` imports, sleeps, aborts, and resolves
//!   with plain objects.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod core;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// talc's allocator for single-threaded wasm, which grows linear memory as
/// needed: a few KB smaller than the standard library's dlmalloc.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
pub use wasm::{get_snapshot, list_snapshots, memory_bytes, sign_request, SnapshotWalk};
