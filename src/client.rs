//! The call loop (wasm32 only): build the request, send an attempt through
//! the JS I/O object, read the answer with the core, and ask
//! `core::retry` whether and how long to wait before the next attempt.
//! Nothing here decides anything the core could decide.

use crate::core::config::{Config, ListQuery};
use crate::core::error::{ErrorKind, EvsError};
use crate::core::paginate::Paginator;
use crate::core::request::{list_request, show_request, Request};
use crate::core::response::{http_error, read_list, read_show, ListPage};
use crate::core::retry::{next_delay, Outcome};
use crate::wasm::{Attempt, Io};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Largest body read; a larger 2xx body is an `invalid_response` (a page of
/// 1,000 snapshots is about 300 KB).
pub const MAX_BODY_BYTES: u32 = 16 * 1024 * 1024;

/// A checked call: config, the `fetch` to use, the caller's signal.
pub struct Call {
    pub cfg: Config,
    pub fetch: JsValue,
    pub signal: JsValue,
}

impl Call {
    fn aborted(&self) -> bool {
        !self.signal.is_undefined()
            && js_sys::Reflect::get(&self.signal, &JsValue::from_str("aborted"))
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
    }

    /// Scrubs this call's secrets from an error, whatever produced it.
    fn redact(&self, mut e: EvsError) -> EvsError {
        e.redact(&self.cfg.secrets());
        e
    }
}

fn aborted_error() -> EvsError {
    EvsError::new(ErrorKind::Aborted, "the call was aborted by its signal")
}

/// A 2xx answer.
struct Answer {
    status: u16,
    request_id: Option<String>,
    body: Vec<u8>,
}

/// Attempts until a 2xx answer, a final error, or the attempts run out.
async fn run(io: &Io, call: &Call, build: &dyn Fn(f64) -> Request) -> Result<Answer, EvsError> {
    let max = call.cfg.max_attempts;
    let mut attempt: u32 = 0;
    loop {
        attempt = attempt.saturating_add(1);
        if call.aborted() {
            return Err(aborted_error());
        }
        let req = build(io.now());
        let mut headers = String::new();
        for (i, (k, v)) in req.headers.iter().enumerate() {
            if i > 0 {
                headers.push('\n');
            }
            headers.push_str(k);
            headers.push('\n');
            headers.push_str(v);
        }
        let promise = io.send(&call.fetch, &req.url, &headers, call.cfg.timeout_ms, &call.signal, MAX_BODY_BYTES);
        let outcome: Attempt = match JsFuture::from(promise).await {
            Ok(v) => v.unchecked_into(),
            // io.send never rejects; if it does, it is a network failure.
            Err(_) => js_sys::Object::new().unchecked_into(),
        };
        let mut retry_after = None;
        let (error, kind) = match outcome.kind().as_str() {
            "response" => {
                let status = outcome.status();
                let request_id = outcome.request_id();
                let body = outcome.body().map(|b| b.to_vec()).unwrap_or_default();
                if (200..300).contains(&status) {
                    if outcome.truncated() {
                        let mut m = String::from("the response body is larger than ");
                        crate::core::json::push_uint(&mut m, u64::from(MAX_BODY_BYTES / (1024 * 1024)));
                        m.push_str(" MiB");
                        return Err(EvsError::invalid_response(m).with_request_id(request_id.as_deref()));
                    }
                    return Ok(Answer { status, request_id, body });
                }
                retry_after = outcome.retry_after();
                (http_error(status, request_id.as_deref(), &body), Outcome::Status(status))
            }
            "aborted" => return Err(aborted_error()),
            "timeout" => {
                let mut m = String::from("no response within ");
                crate::core::json::push_uint(&mut m, u64::from(call.cfg.timeout_ms));
                m.push_str(" ms");
                (EvsError::new(ErrorKind::Timeout, m), Outcome::Timeout)
            }
            _ => {
                let mut m = String::from("the request failed before a response: ");
                m.push_str(&outcome.message().unwrap_or_else(|| "fetch failed".into()));
                (EvsError::new(ErrorKind::Network, m), Outcome::Network)
            }
        };
        let delay = next_delay(attempt, max, kind, retry_after.as_deref(), io.now(), io.random());
        let Some(ms) = delay else {
            if attempt > 1 && error.retryable() {
                let mut e = error;
                e.message.push_str(" (after ");
                crate::core::json::push_uint(&mut e.message, u64::from(attempt));
                e.message.push_str(" attempts)");
                return Err(e);
            }
            return Err(error);
        };
        let aborted = JsFuture::from(io.sleep(ms as f64, &call.signal)).await;
        if aborted.map(|v| v.as_bool().unwrap_or(false)).unwrap_or(true) {
            return Err(aborted_error());
        }
    }
}

pub async fn get_snapshot(io: &Io, call: &Call, id: &str) -> Result<String, EvsError> {
    let result = match run(io, call, &|now| show_request(&call.cfg, id, now)).await {
        Ok(a) => read_show(a.status, a.request_id.as_deref(), &a.body),
        Err(e) => Err(e),
    };
    result.map_err(|e| call.redact(e))
}

pub async fn list_snapshots(io: &Io, call: &Call, query: &ListQuery) -> Result<ListPage, EvsError> {
    let result = match run(io, call, &|now| list_request(&call.cfg, query, now)).await {
        Ok(a) => read_list(a.status, a.request_id.as_deref(), &a.body),
        Err(e) => Err(e),
    };
    result.map_err(|e| call.redact(e))
}

/// One `paginateSnapshots` walk.
pub struct PagerState {
    call: Option<Call>,
    pending_error: RefCell<Option<EvsError>>,
    pager: RefCell<Paginator>,
}

impl PagerState {
    pub fn new(prepared: Result<(Call, ListQuery), EvsError>) -> Self {
        match prepared {
            Ok((call, query)) => PagerState {
                call: Some(call),
                pending_error: RefCell::new(None),
                pager: RefCell::new(Paginator::new(query)),
            },
            Err(e) => PagerState {
                call: None,
                pending_error: RefCell::new(Some(e)),
                pager: RefCell::new(Paginator::new(ListQuery::default())),
            },
        }
    }
}

/// The next page as JSON text, `None` when the walk is over.
pub async fn next_page(io: &Io, state: &PagerState) -> Result<Option<String>, EvsError> {
    if let Some(e) = state.pending_error.borrow_mut().take() {
        state.pager.borrow_mut().finish();
        return Err(e);
    }
    let Some(call) = &state.call else { return Ok(None) };
    // Cloned so no borrow is held across the await.
    let query = match state.pager.borrow().next_query() {
        Some(q) => q.clone(),
        None => return Ok(None),
    };
    match list_snapshots(io, call, &query).await {
        Ok(page) => {
            state.pager.borrow_mut().advance(page.count, page.next_marker.as_deref())?;
            Ok(Some(page.json))
        }
        Err(e) => {
            state.pager.borrow_mut().finish();
            Err(e)
        }
    }
}
