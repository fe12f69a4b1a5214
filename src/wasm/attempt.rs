//! One attempt's I/O: one call into `src/wasm/fetch.js` (a module
//! snippet; issue 28: a handful of crossings per attempt instead of a dozen
//! and more). It gets the request as flat data (method, URL, header pairs,
//! the `User-Agent`, the caller's signals, the timeout, the most body bytes
//! kept, the response headers to read), builds the `Request` (`redirect:
//! "manual"`: a redirect is never followed, since `fetch` would carry
//! `X-Auth-Token` and `X-Security-Token` to wherever it points; the core
//! makes an error of it) with the attempt's `AbortController`'s signal,
//! calls the global `fetch` (or `config.fetch`, with that `Request`) so that
//! a rejection keeps its `cause` (Node's `ECONNREFUSED`, `ENOTFOUND`), and
//! reads a genuine `Response`'s status, headers and body into one
//! `Uint8Array`. It resolves once, never rejects, every await in it raced
//! against the attempt's timer and the caller's signals. What is not a
//! genuine `Response` comes back unread and is read by `response`, with
//! the time left. Rust keeps every decision: what is sent, signing,
//! retries, the clock, paging, what the answer means.

use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use super::args::{member, Fetch};
use super::response::{describe, header_names, read_response};
use super::stop::{abort, is_aborted, Stop, Why};
use crate::core::arg4_config::is_sendable;
use crate::core::ended::{Ended, Received, MAX_BODY_BYTES};
use crate::core::request::Request;

// The attempt's I/O in one crossing (src/wasm/fetch.js, a module snippet
// wasm-bindgen ships beside the glue): it builds the Request, calls fetch,
// races every await against the attempt's timer and the caller's signals,
// reads a genuine Response's headers and body, and resolves once, never
// rejecting. `catch` all the same: nothing it could throw unwinds here.
#[wasm_bindgen(module = "/src/wasm/fetch.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = attempt)]
    #[allow(clippy::too_many_arguments)]
    fn attempt_io(
        fetch: &Function,
        this: &JsValue,
        custom: bool,
        method: &str,
        url: &str,
        headers: &Array,
        user_agent: &JsValue,
        signals: &Array,
        ms: f64,
        max: f64,
        wanted: &Array,
    ) -> Result<Promise, JsValue>;
}

/// How fetch.js says an attempt ended: the first element of its array.
const RESPONSE: u32 = 0;
const NETWORK: u32 = 1;
const TIMEOUT: u32 = 3;
const ABORTED: u32 = 4;
const OTHER: u32 = 5;

/// One attempt: never fails, it says how it ended. One call into
/// fetch.js, whose promise settles by the attempt's deadline or the
/// caller's signal whatever `fetch` does; then, only for what is not a
/// genuine `Response`, the structural reading below, with the time left.
pub async fn attempt(fetch: &Fetch, signals: &[JsValue], req: &Request, timeout_ms: u32) -> Ended {
    if is_aborted(signals) {
        return Ended::Aborted;
    }
    let (function, this, custom) = match fetch {
        Fetch::Global(f) => (f, GLOBAL.with(JsValue::clone), false),
        Fetch::Custom(f) => (f, JsValue::UNDEFINED, true),
    };
    let headers = Array::new();
    for (name, value) in &req.headers {
        headers.push(&JsValue::from_str(name));
        headers.push(&JsValue::from_str(value));
    }
    // The User-Agent where the platform lets a script set it, unless the caller set one.
    let agent = if req.header("user-agent").is_none() { USER_AGENT.with(JsValue::clone) } else { JsValue::UNDEFINED };
    let watched: Array = signals.iter().collect();
    let max = MAX_BODY_BYTES as f64;
    let wanted = WANTED.with(Array::clone);
    let pending = match attempt_io(function, &this, custom, req.method, &req.url, &headers, &agent, &watched, f64::from(timeout_ms), max, &wanted) {
        Ok(p) => p,
        Err(e) => return Ended::Network(describe(&e)),
    };
    let ended: Array = match JsFuture::from(pending).await {
        Ok(v) if Array::is_array(&v) => v.unchecked_into(),
        Ok(_) => return Ended::Network("internal: the attempt gave no outcome".into()),
        Err(e) => return Ended::Network(describe(&e)),
    };
    let kind = ended.get(0).as_f64().map_or(u32::MAX, |k| k as u32);
    match kind {
        RESPONSE => {
            let status = ended.get(1).as_f64().unwrap_or(0.0) as u16;
            // `name\nvalue\n` each, for the names asked (`WANTED`) that were present.
            let lines = ended.get(2).as_string().unwrap_or_default();
            let mut it = lines.split('\n');
            let mut headers = Vec::new();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                headers.push((k.to_string(), v.to_string()));
            }
            let body = ended.get(3).dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default();
            let truncated = ended.get(4).as_bool() == Some(true);
            Ended::Response(Received { status, headers, body, truncated })
        }
        NETWORK => Ended::Network(ended.get(1).as_string().unwrap_or_else(|| "fetch failed".into())),
        TIMEOUT => Ended::Timeout,
        ABORTED => Ended::Aborted,
        OTHER => {
            let left = ended.get(2).as_f64().unwrap_or(0.0);
            let ctrl: AbortController = ended.get(3).unchecked_into();
            let stop = Stop::new(signals, left);
            let outcome = read_response(&ended.get(1), &stop).await;
            let outcome = match outcome {
                // Whichever abort came during the attempt wins over what was read.
                _ if is_aborted(signals) => Ended::Aborted,
                Ended::Network(_) if stop.due() == Some(Why::Timeout) => Ended::Timeout,
                other => other,
            };
            match outcome {
                // A fetch that honours the signal stops sending and reading.
                Ended::Aborted => abort(&ctrl, Why::Aborted),
                Ended::Timeout => abort(&ctrl, Why::Timeout),
                _ => {}
            }
            outcome
        }
        _ => Ended::Network("internal: the attempt gave no outcome".into()),
    }
}

thread_local! {
    /// `evs-snapshots/<version> <runtime>/<version>` in Node, Deno and Bun,
    /// as the official SDKs name themselves (docs/contract.md "Seeing each
    /// request"); undefined in browsers, which keep their own.
    static USER_AGENT: JsValue = user_agent().map_or(JsValue::UNDEFINED, |a| JsValue::from_str(&a));
    /// The global object: `this` of the global `fetch`, as browsers require.
    static GLOBAL: JsValue = js_sys::global().into();
    /// The response headers an attempt reads ([`header_names`]): fetch.js
    /// looks these up alone (made once).
    static WANTED: Array = header_names().into_iter().map(JsValue::from_str).collect();
}

fn user_agent() -> Option<String> {
    let g: JsValue = js_sys::global().into();
    let at = |path: &[&str]| path.iter().try_fold(g.clone(), |v, k| Some(member(&v, k)).filter(|m| !m.is_undefined())).and_then(|v| v.as_string());
    let runtime = if let Some(v) = at(&["Deno", "version", "deno"]) {
        format!("deno/{v}")
    } else if let Some(v) = at(&["Bun", "version"]) {
        format!("bun/{v}")
    } else if let Some(v) = at(&["process", "versions", "node"]) {
        format!("node/{v}")
    } else {
        return None;
    };
    let agent = format!("evs-snapshots/{} {runtime}", env!("CARGO_PKG_VERSION"));
    is_sendable(&agent).then_some(agent)
}
