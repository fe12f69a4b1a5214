//! One attempt over `fetch`, and the wait between attempts: the shell's
//! contact with the outside world.
//!
//! - web-sys builds the `Request` (method, headers, abort signal: one
//!   `new Request(url, init)`; gloo-net's builder makes two `Request`s, a
//!   `URL` and a `URLSearchParams` per send, which measured as 40 % of a
//!   call's time);
//! - the shell calls the global `fetch` (or `config.fetch`) with it and
//!   awaits the promise itself, so that a rejection keeps its `cause`
//!   (Node's `ECONNREFUSED`, `ENOTFOUND`, certificate errors): gloo-net's
//!   `send` turns it into a name and a message only;
//! - gloo-net reads a `Response`'s status and headers;
//! - one `AbortController` per attempt joins the caller's `signal` and the
//!   attempt's timeout, and stays in force while the body is read;
//! - every rejection is classified here and never handed to gloo-net's
//!   error conversion, which panics on a value that is not an `Error`
//!   (gloo-net 0.7; the controller is always aborted with an `Error`
//!   reason, and a caller's `fetch` and body reads are awaited here).

use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, ReadableStreamDefaultReader, Response};

use super::args::{member, Fetch};
use crate::core::call::{Ended, MAX_BODY_BYTES};
use crate::core::request::Request;

#[wasm_bindgen]
extern "C" {
    // The global timers, as gloo-timers binds them: in browsers, workers,
    // Node, Deno and Bun alike (`window` is not there in all of them).
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// How an attempt ended, owning what [`Ended`] borrows.
pub enum Outcome {
    Response { status: u16, request_id: Option<String>, retry_after: Option<String>, date: Option<String>, body: Vec<u8>, truncated: bool },
    Network(String),
    Timeout,
    Aborted,
}

impl Outcome {
    pub fn ended(&self) -> Ended<'_> {
        match self {
            Outcome::Response { status, request_id, retry_after, date, body, truncated } => Ended::Response {
                status: *status,
                request_id: request_id.as_deref(),
                retry_after: retry_after.as_deref(),
                date: date.as_deref(),
                body,
                truncated: *truncated,
            },
            Outcome::Network(m) => Ended::Network(m),
            Outcome::Timeout => Ended::Timeout,
            Outcome::Aborted => Ended::Aborted,
        }
    }
}

/// A rejection as one line: Node puts the reason in `cause`.
fn describe(err: &JsValue) -> String {
    let message = member(err, "message").as_string().filter(|m| !m.is_empty());
    let msg = message.unwrap_or_else(|| err.as_string().unwrap_or_else(|| "fetch failed".into()));
    let cause = member(err, "cause");
    let why = member(&cause, "code").as_string().or_else(|| member(&cause, "message").as_string());
    match why {
        Some(w) if !w.is_empty() && !msg.contains(&w) => format!("{msg} ({w})"),
        _ => msg,
    }
}

thread_local! {
    /// The two abort reasons, made once: an `Error` each (so that whatever
    /// rejects with them is an `Error`), without a stack trace per attempt.
    static REASONS: (JsValue, JsValue) = (
        js_sys::Error::new("aborted by the caller's signal").into(),
        js_sys::Error::new("timed out").into(),
    );
}

/// `ctrl.abort(reason)` as a function to hand to a timer or an event
/// listener (no Rust closure is kept alive).
fn abort_with(ctrl: &AbortController, reason: &JsValue) -> Function {
    let abort: Function = member(ctrl, "abort").unchecked_into();
    abort.bind1(ctrl, reason).unchecked_into()
}

/// Whether the caller's signal has aborted.
pub fn is_aborted(signal: Option<&AbortSignal>) -> bool {
    signal.is_some_and(|s| member(s, "aborted").as_bool() == Some(true))
}

/// One attempt: never fails, it says how it ended.
pub async fn attempt(fetch: &Fetch, signal: Option<&AbortSignal>, req: &Request, timeout_ms: u32) -> Outcome {
    if is_aborted(signal) {
        return Outcome::Aborted;
    }
    let ctrl = match AbortController::new() {
        Ok(c) => c,
        Err(e) => return Outcome::Network(describe(&e)),
    };
    let (on_abort, on_timeout) = REASONS.with(|(by_caller, by_timer)| (abort_with(&ctrl, by_caller), abort_with(&ctrl, by_timer)));
    if let Some(s) = signal {
        let _ = s.add_event_listener_with_callback("abort", &on_abort);
    }
    let timer = set_timeout(&on_timeout, f64::from(timeout_ms));
    let result = exchange(fetch, req, &ctrl.signal()).await;
    clear_timeout(&timer);
    if let Some(s) = signal {
        let _ = s.remove_event_listener_with_callback("abort", &on_abort);
    }
    // Whichever abort came during the attempt wins over what fetch said.
    if is_aborted(signal) {
        Outcome::Aborted
    } else if ctrl.signal().aborted() {
        Outcome::Timeout
    } else {
        result
    }
}

/// The `Request` of one attempt: method, headers and the attempt's signal.
fn build(req: &Request, abort: &AbortSignal) -> Result<web_sys::Request, JsValue> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in &req.headers {
        headers.append(name, value)?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(req.method);
    init.set_headers(&headers);
    init.set_signal(Some(abort));
    web_sys::Request::new_with_str_and_init(&req.url, &init)
}

/// Builds the request and sends it; reads the answer.
async fn exchange(fetch: &Fetch, req: &Request, abort: &AbortSignal) -> Outcome {
    let request = match build(req, abort) {
        Ok(r) => r,
        Err(e) => return Outcome::Network(describe(&e)),
    };
    let (function, this) = match fetch {
        Fetch::Global(f) => (f, js_sys::global().into()),
        Fetch::Custom(f) => (f, JsValue::UNDEFINED),
    };
    let promise = match function.call1(&this, &request) {
        Ok(p) => Promise::resolve(&p),
        Err(e) => return Outcome::Network(describe(&e)),
    };
    let response: Response = match JsFuture::from(promise).await {
        Ok(r) if r.is_object() && member(&r, "status").as_f64().is_some() => r.unchecked_into(),
        Ok(_) => return Outcome::Network("config.fetch resolved to something that is not a Response".into()),
        Err(e) => return Outcome::Network(describe(&e)),
    };
    let head = Head::read(&response);
    match read_body(&response, &head, MAX_BODY_BYTES).await {
        Ok((body, truncated)) => {
            let Head { status, request_id, retry_after, date, .. } = head;
            Outcome::Response { status, request_id, retry_after, date, body, truncated }
        }
        Err(e) => Outcome::Network(describe(&e)),
    }
}

/// What an attempt needs of a response before its body: the status, the
/// `X-Request-Id`, `Retry-After` and (on a 401, for a wrong clock) `Date`
/// headers, and what the body read needs (`Content-Length`, whether a
/// content coding applies). Each header is read once.
struct Head {
    status: u16,
    request_id: Option<String>,
    retry_after: Option<String>,
    date: Option<String>,
    content_length: Option<usize>,
    encoded: bool,
}

/// A response's headers: through gloo-net for a real `Response`; read
/// structurally for a Response-like object a caller's fetch gave
/// (gloo-net's header reads throw on anything but real `Headers`).
enum Headers {
    Gloo(gloo_net::http::Headers),
    Structural(web_sys::Headers),
}

impl Headers {
    fn get(&self, name: &str) -> Option<String> {
        match self {
            Headers::Gloo(h) => h.get(name),
            Headers::Structural(h) => h.get(name).ok().flatten(),
        }
    }
}

impl Head {
    fn read(response: &Response) -> Head {
        let (status, headers) = if response.is_instance_of::<Response>() {
            let r = gloo_net::http::Response::from(Clone::clone(response));
            (r.status(), Headers::Gloo(r.headers()))
        } else {
            (response.status(), Headers::Structural(response.headers()))
        };
        let get = |name: &str| headers.get(name);
        let present = |name: &str| get(name).filter(|v| !v.is_empty());
        Head {
            status,
            request_id: present("x-request-id"),
            retry_after: present("retry-after"),
            date: if status == 401 { get("date") } else { None },
            content_length: get("content-length").and_then(|v| v.trim().parse::<usize>().ok()),
            encoded: get("content-encoding").is_some_and(|v| !v.trim().is_empty()),
        }
    }
}

/// Reads at most `max` bytes of the body; the flag says more came.
async fn read_body(res: &Response, head: &Head, max: usize) -> Result<(Vec<u8>, bool), JsValue> {
    let (length, encoded) = (head.content_length, head.encoded);
    let stream = res.body();
    if length.is_some_and(|n| n > max) && !encoded {
        if let Some(s) = &stream {
            let _ = s.cancel();
        }
        return Ok((Vec::new(), true));
    }
    // An exact, small enough Content-Length (no content coding, which would
    // make the decoded body larger): the whole body at once.
    let Some(stream) = stream.filter(|_| length.is_none() || encoded) else {
        let buf = JsFuture::from(res.array_buffer()?).await?;
        let mut bytes = Uint8Array::new(&buf).to_vec();
        let truncated = bytes.len() > max;
        bytes.truncate(max);
        return Ok((bytes, truncated));
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let step = JsFuture::from(reader.read()).await?;
        if member(&step, "done").as_bool() == Some(true) {
            return Ok((bytes, false));
        }
        let chunk = Uint8Array::new(&member(&step, "value"));
        let n = chunk.length() as usize;
        if bytes.len() + n > max {
            let _ = reader.cancel();
            let keep = max - bytes.len();
            bytes.extend(chunk.subarray(0, keep as u32).to_vec());
            return Ok((bytes, true));
        }
        bytes.extend(chunk.to_vec());
    }
}

/// Waits `ms` milliseconds; the caller's signal ends the wait early.
pub async fn sleep(ms: u64, signal: Option<&AbortSignal>) {
    if is_aborted(signal) {
        return;
    }
    let mut timer = JsValue::UNDEFINED;
    let mut resolver: Option<Function> = None;
    let promise = Promise::new(&mut |resolve, _reject| {
        timer = set_timeout(&resolve, ms as f64);
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", &resolve);
        }
        resolver = Some(resolve);
    });
    let _ = JsFuture::from(promise).await;
    clear_timeout(&timer);
    if let (Some(s), Some(r)) = (signal, resolver) {
        let _ = s.remove_event_listener_with_callback("abort", &r);
    }
}

/// Milliseconds since the epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// The jitter of the backoff, in `[0, 1)`.
pub fn random() -> f64 {
    js_sys::Math::random()
}

