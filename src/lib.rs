//! evs-snapshots: a client for Huawei Cloud EVS snapshots.
//!
//! - [`core`]: the sans-IO core, pure Rust, tested natively. `core::call`
//!   is the step-by-step call machine the JS attempt loop drives.
//! - `allocator` (wasm32 only): the module's small size-class allocator.
//! - this file (wasm32 only): the `#[wasm_bindgen]` surface. Every export
//!   is synchronous and takes and returns only strings, bytes and numbers:
//!   no JS objects, promises or closures cross the boundary, which keeps
//!   the module small and each crossing cheap.
//!
//! The exports here are the package's raw layer; users call the JS entry in
//! `pkg-template/`, which describes the caller's values as JSON
//! (`core::call` documents the shapes), runs the attempt loop with `fetch`
//! and timers, and turns results into plain objects and `EvsError`s.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]
// The shipped wasm build is no_std (feature `wasm-release`); the code uses
// `core` and `alloc` paths only, so it builds either way.
#![cfg_attr(feature = "wasm-release", no_std)]

extern crate alloc;

pub mod core;

/// The core never panics (it is fuzzed for that); if it did, the shipped
/// module traps (`unreachable`), which the JS layer reports as an internal
/// error, instead of linking the standard library's panic machinery.
#[cfg(all(feature = "wasm-release", target_arch = "wasm32"))]
#[panic_handler]
fn on_panic(_: &::core::panic::PanicInfo<'_>) -> ! {
    ::core::arch::wasm32::unreachable()
}

#[cfg(target_arch = "wasm32")]
mod allocator;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator::new();

#[cfg(target_arch = "wasm32")]
pub use wasm::*;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use crate::core::call::{
        depends_on_time, fail_text, next_page, plan_json, prepare, settle_described, sign_described, step_text, Ended, Op, MAX_BODY_BYTES,
    };
    #[allow(unused_imports)]
    use crate::core::prelude::*;
    use crate::core::error::EvsError;
    use wasm_bindgen::prelude::*;

    fn op(code: u32) -> Result<Op, EvsError> {
        Op::from_code(code).ok_or_else(|| EvsError::invalid_input("internal: unknown operation"))
    }

    /// The request of attempt `now` for call `desc` (op 0 `getSnapshot`,
    /// 1 `listSnapshots`): `R` + `{"url","headers","timeoutMs"}` (`S` + the
    /// same when it does not depend on `now`, so it may be reused), or `E`
    /// + the error as JSON when nothing may be sent.
    #[wasm_bindgen]
    pub fn request(op_code: u32, desc: &str, now: f64) -> String {
        match op(op_code).and_then(|o| prepare(o, desc)) {
            Ok(call) => {
                let mut s = String::from(if depends_on_time(&call) { "R" } else { "S" });
                s.push_str(&plan_json(&call, now));
                s
            }
            Err(e) => fail_text(&e),
        }
    }

    /// What attempt `attempt` of call `desc` ending as `kind` (0 response,
    /// 1 network failure, 2 timeout, 3 aborted) means: `O` + the result as
    /// JSON, `E` + the error as JSON, or `W` + the milliseconds to wait
    /// before the next attempt.
    #[wasm_bindgen]
    #[allow(clippy::too_many_arguments)]
    pub fn settle_attempt(
        op_code: u32,
        desc: &str,
        attempt: u32,
        kind: u32,
        status: u32,
        request_id: Option<String>,
        retry_after: Option<String>,
        body: &[u8],
        truncated: bool,
        message: &str,
        now: f64,
        random: f64,
    ) -> String {
        let op = match op(op_code) {
            Ok(o) => o,
            Err(e) => return fail_text(&e),
        };
        let ended = match kind {
            0 => Ended::Response {
                status: u16::try_from(status).unwrap_or(0),
                request_id: request_id.as_deref(),
                retry_after: retry_after.as_deref(),
                body,
                truncated,
            },
            2 => Ended::Timeout,
            3 => Ended::Aborted,
            _ => Ended::Network(message),
        };
        step_text(settle_described(op, desc, attempt, &ended, now, random))
    }

    /// Largest body `settle_attempt` takes; the JS layer reads no more.
    #[wasm_bindgen]
    pub fn max_body_bytes() -> u32 {
        MAX_BODY_BYTES
    }

    /// After a page of `paginateSnapshots`: `D` (done), `E` + error JSON, or
    /// `Q` + the options description of the next request.
    #[wasm_bindgen]
    pub fn next_page_options(options: &str, count: u32, next_marker: Option<String>) -> String {
        match next_page(options, count as usize, next_marker.as_deref()) {
            Ok(Some(o)) => {
                let mut s = String::from("Q");
                s.push_str(&o);
                s
            }
            Ok(None) => String::from("D"),
            Err(e) => fail_text(&e),
        }
    }

    /// `signRequest`: `O` + `{"url","headers"}`, or `E` + error JSON.
    #[wasm_bindgen]
    pub fn sign_request(desc: &str, body: &[u8], now: f64) -> String {
        match sign_described(desc, body, now) {
            Ok(mut s) => {
                s.insert(0, 'O');
                s
            }
            Err(e) => fail_text(&e),
        }
    }

    /// Bytes of linear memory now: for the memory tests and benchmarks (not
    /// part of the public API).
    #[wasm_bindgen]
    pub fn memory_bytes() -> f64 {
        ::core::arch::wasm32::memory_size(0) as f64 * 65536.0
    }
}
