//! One attempt over `fetch`, and the wait between attempts: the shell's
//! contact with the outside world.
//!
//! - An attempt's I/O is one call into `src/wasm/fetch.js` (a module
//!   snippet; issue 28: a handful of crossings per attempt instead of a
//!   dozen and more): it gets the request as flat data (method, URL, header
//!   pairs, the `User-Agent`, the caller's signals, the timeout, the most
//!   body bytes kept), builds the `Request` (`redirect: "manual"`: a
//!   redirect is never followed, since `fetch` would carry `X-Auth-Token`
//!   and `X-Security-Token` to wherever it points; the core makes an error
//!   of it) with the attempt's `AbortController`'s signal, calls the global
//!   `fetch` (or `config.fetch`, with that `Request`) so that a rejection
//!   keeps its `cause` (Node's `ECONNREFUSED`, `ENOTFOUND`), and reads a
//!   genuine `Response`'s status, headers and body into one `Uint8Array`.
//!   It resolves once, never rejects. Rust keeps every decision: what is
//!   sent, signing, retries, the clock, paging, what the answer means.
//! - **every await on a JavaScript promise is raced against the attempt's
//!   timer and the caller's signal**: in fetch.js for the attempt's I/O,
//!   with [`Stop`] here for the rest. A `fetch` that ignores
//!   `Request.signal`, a body that never ends or a stream that never
//!   settles still times out, and a stream of empty chunks cannot starve the
//!   timer (the deadline is also checked by the clock, and an empty chunk
//!   yields to the event loop);
//! - what is not a genuine `Response` of this realm with a status from 200
//!   to 599 (a Response-like a caller's `fetch` gave, a Proxy, a browser's
//!   opaque redirect) comes back unread, with the time left, and is read
//!   here: gloo-net reads a genuine `Response`'s status and headers,
//!   anything else is read structurally, every read a `catch` import;
//! - the caller's signal gets one `abort` listener however many calls share
//!   it (one in fetch.js, one here for waits), removed when the last of them
//!   ends (no lasting listener, no `MaxListenersExceededWarning`);
//! - no rejection is ever handed to gloo-net's error conversion, which
//!   panics on a value that is not an `Error` (gloo-net 0.7).

use std::cell::{Cell, RefCell};

use js_sys::{Array, ArrayBuffer, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, EventTarget};

use super::args::{member, Fetch};
use crate::core::call::{Ended, MAX_BODY_BYTES};
use crate::core::request::Request;

#[wasm_bindgen]
extern "C" {
    // The global timers, as gloo-timers binds them: in browsers, workers,
    // Node, Deno and Bun alike (`window` is not there in all of them). The
    // third argument is passed to the handler.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64, arg: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    /// A `Uint8Array` over an `ArrayBuffer` (no copy), or a copy of an
    /// array-like; throws for what is neither, or when a Proxy does.
    #[wasm_bindgen(js_name = Uint8Array)]
    type Bytes;
    #[wasm_bindgen(catch, constructor, js_class = "Uint8Array")]
    fn new(source: &JsValue) -> Result<Bytes, JsValue>;
}

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

/// How an attempt ended, owning what [`Ended`] borrows.
pub enum AttemptEnd {
    Response {
        status: u16,
        request_id: Option<String>,
        retry_after: Option<String>,
        date: Option<String>,
        location: Option<String>,
        body: Vec<u8>,
        truncated: bool,
        /// The headers the signing proxy passes on (`core::proxy::PASSED_HEADERS`), when present.
        #[cfg(feature = "proxy")]
        passed: Vec<(String, String)>,
    },
    Network(String),
    HiddenRedirect,
    Timeout,
    Aborted,
}

impl AttemptEnd {
    /// As the core reads it.
    pub fn as_ended(&self) -> Ended<'_> {
        match self {
            AttemptEnd::Response { status, request_id, retry_after, date, location, body, truncated, .. } => Ended::Response {
                status: *status,
                request_id: request_id.as_deref(),
                retry_after: retry_after.as_deref(),
                date: date.as_deref(),
                location: location.as_deref(),
                body,
                truncated: *truncated,
            },
            AttemptEnd::Network(m) => Ended::Network(m),
            AttemptEnd::HiddenRedirect => Ended::HiddenRedirect,
            AttemptEnd::Timeout => Ended::Timeout,
            AttemptEnd::Aborted => Ended::Aborted,
        }
    }
}

/// A rejection as one line: Node puts the reason in `cause`. Every read is
/// checked (the value may be anything a caller's `fetch` threw).
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

/// What a [`Stop`] resolves with, made once: the timer's and the signal's
/// values are `Error`s, so that whatever an attempt's `AbortController` is
/// aborted with is an `Error` (as gloo-net and callers expect).
struct Reasons {
    timed_out: JsValue,
    aborted: JsValue,
    /// The attempt ended: the stop is settled so that nothing waits on it.
    ended: JsValue,
    /// `() => {}`, to mark a promise whose rejection nobody wants as handled.
    ignore: Closure<dyn FnMut(JsValue)>,
}

thread_local! {
    static REASONS: Reasons = Reasons {
        timed_out: js_sys::Error::new("timed out").into(),
        aborted: js_sys::Error::new("aborted by the caller's signal").into(),
        ended: js_sys::Object::new().into(),
        ignore: Closure::new(|_| {}),
    };
    /// The caller's signals now watched, each with one `abort` listener.
    static WATCHED: RefCell<Vec<Watched>> = const { RefCell::new(Vec::new()) };
    static NEXT_WAITER: Cell<u32> = const { Cell::new(0) };
}

/// One caller's signal, its single `abort` listener, and the stops waiting
/// on it.
struct Watched {
    signal: JsValue,
    listener: Closure<dyn FnMut()>,
    waiters: Vec<(u32, Function)>,
}

/// Has one of the caller's signals aborted (a call's, and a wait's)? A
/// getter that throws reads as aborted: the call then ends at once rather
/// than running on a signal it cannot read.
pub fn is_aborted(signals: &[JsValue]) -> bool {
    signals.iter().any(|s| Reflect::get(s, &JsValue::from_str("aborted")).map_or(true, |a| a.as_bool() == Some(true)))
}

/// `resolve` is called with the abort reason when `signal` aborts. Returns
/// the waiter's number, for [`unwatch`].
fn watch(signal: &JsValue, resolve: &Function) -> u32 {
    let id = NEXT_WAITER.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    let known = WATCHED.with_borrow_mut(|all| match all.iter_mut().find(|w| w.signal == *signal) {
        Some(w) => {
            w.waiters.push((id, resolve.clone()));
            true
        }
        None => false,
    });
    if !known {
        // The listener is added with no borrow held: a signal's
        // addEventListener is the caller's code and may call back.
        let sig = signal.clone();
        let listener = Closure::<dyn FnMut()>::new(move || wake_waiters(&sig));
        let _ = signal.unchecked_ref::<EventTarget>().add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        WATCHED.with_borrow_mut(|all| all.push(Watched { signal: signal.clone(), listener, waiters: vec![(id, resolve.clone())] }));
    }
    id
}

/// The listener's work: every stop waiting on `signal` resolves as aborted.
fn wake_waiters(signal: &JsValue) {
    let waiters: Vec<Function> = WATCHED
        .with_borrow(|all| all.iter().find(|w| w.signal == *signal).map(|w| w.waiters.iter().map(|(_, f)| f.clone()).collect()).unwrap_or_default());
    REASONS.with(|r| {
        for f in waiters {
            let _ = f.call1(&JsValue::UNDEFINED, &r.aborted);
        }
    });
}

/// Waiter `id` no longer waits; the last one takes the listener away.
fn unwatch(signal: &JsValue, id: u32) {
    let done = WATCHED.with_borrow_mut(|all| {
        let at = all.iter().position(|w| w.signal == *signal)?;
        let w = all.get_mut(at)?;
        w.waiters.retain(|(i, _)| *i != id);
        w.waiters.is_empty().then(|| all.swap_remove(at))
    });
    if let Some(w) = done {
        let _ = w.signal.unchecked_ref::<EventTarget>().remove_event_listener_with_callback("abort", w.listener.as_ref().unchecked_ref());
    }
}

/// Why an attempt (or a wait) was cut short.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Why {
    Timeout,
    Aborted,
}

/// A settled promise raced against a [`Stop`].
enum Raced {
    Value(JsValue),
    Rejected(JsValue),
    Stopped(Why),
}

/// What ends an attempt or a wait early: a promise that resolves when its
/// timer fires or the caller's signal aborts, and the deadline by the clock.
/// Dropping it clears the timer, stops watching the signal and settles the
/// promise, so that nothing is left waiting.
pub struct Stop {
    promise: Promise,
    resolve: Function,
    timer: JsValue,
    watched: Vec<(JsValue, u32)>,
    deadline: f64,
}

impl Stop {
    pub fn new(signals: &[JsValue], ms: f64) -> Stop {
        let mut resolver: Option<Function> = None;
        let promise = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
        // The executor runs at once; the fallback is never used.
        let resolve = resolver.unwrap_or_else(|| JsValue::UNDEFINED.unchecked_into());
        let timer = REASONS.with(|r| set_timeout(&resolve, ms, &r.timed_out));
        let watched = signals.iter().map(|s| (s.clone(), watch(s, &resolve))).collect();
        Stop { promise, resolve, timer, watched, deadline: now() + ms }
    }

    /// What the stop's promise resolved with, as a reason.
    fn why(v: &JsValue) -> Option<Why> {
        REASONS.with(|r| {
            if *v == r.timed_out {
                Some(Why::Timeout)
            } else if *v == r.aborted {
                Some(Why::Aborted)
            } else {
                None
            }
        })
    }

    /// Whether the call must end now, by the signal or the clock (which a
    /// stream that never yields to the event loop cannot hold back).
    fn due(&self) -> Option<Why> {
        if self.watched.iter().any(|(s, _)| is_aborted(std::slice::from_ref(s))) {
            Some(Why::Aborted)
        } else if now() >= self.deadline {
            Some(Why::Timeout)
        } else {
            None
        }
    }

    /// `value` (a promise or not) raced against the stop. `Promise.race`
    /// never throws: a thenable whose `then` throws becomes a rejection.
    async fn race(&self, value: &JsValue) -> Raced {
        if let Some(why) = self.due() {
            ignore_rejection(value);
            return Raced::Stopped(why);
        }
        let raced = Promise::race(&Array::of2(value, &self.promise));
        match JsFuture::from(raced).await {
            Ok(v) => match Stop::why(&v) {
                Some(why) => Raced::Stopped(why),
                None => Raced::Value(v),
            },
            Err(e) => Raced::Rejected(e),
        }
    }

    /// Waits for the stop itself: the timer (`None`) or the signal.
    async fn wait(&self) -> Option<Why> {
        match JsFuture::from(self.promise.clone()).await {
            Ok(v) if Stop::why(&v) == Some(Why::Aborted) => Some(Why::Aborted),
            _ => None,
        }
    }
}

impl Drop for Stop {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        for (signal, id) in &self.watched {
            unwatch(signal, *id);
        }
        REASONS.with(|r| {
            let _ = self.resolve.call1(&JsValue::UNDEFINED, &r.ended);
        });
    }
}

/// Marks `value`'s rejection, if it is a promise that rejects, as handled:
/// a promise the shell no longer waits for must not end as an unhandled
/// rejection in the host.
pub fn ignore_rejection(value: &JsValue) {
    REASONS.with(|r| {
        let _ = Promise::race(&Array::of1(value)).catch(&r.ignore);
    });
}

/// `obj.name(...args)`, every step checked: `Err` when the member is not a
/// function or the call throws.
fn call_method(obj: &JsValue, name: &str, args: &Array) -> Result<JsValue, JsValue> {
    let f = Reflect::get(obj, &JsValue::from_str(name))?;
    let f: Function = f.dyn_into().map_err(|_| JsValue::from_str(&format!("{name} is not a function")))?;
    Reflect::apply(&f, obj, args)
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
pub async fn attempt(fetch: &Fetch, signals: &[JsValue], req: &Request, timeout_ms: u32) -> AttemptEnd {
    if is_aborted(signals) {
        return AttemptEnd::Aborted;
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
        Err(e) => return AttemptEnd::Network(describe(&e)),
    };
    let ended: Array = match JsFuture::from(pending).await {
        Ok(v) if Array::is_array(&v) => v.unchecked_into(),
        Ok(_) => return AttemptEnd::Network("internal: the attempt gave no outcome".into()),
        Err(e) => return AttemptEnd::Network(describe(&e)),
    };
    let kind = ended.get(0).as_f64().map_or(u32::MAX, |k| k as u32);
    match kind {
        RESPONSE => {
            let status = ended.get(1).as_f64().unwrap_or(0.0) as u16;
            let lines = ended.get(2).as_string().unwrap_or_default();
            let body = ended.get(3).dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default();
            let truncated = ended.get(4).as_bool() == Some(true);
            let headers = Headers::Lines(lines);
            let head = Head::from_headers(status, &headers, true);
            head.with_body(body, truncated)
        }
        NETWORK => AttemptEnd::Network(ended.get(1).as_string().unwrap_or_else(|| "fetch failed".into())),
        TIMEOUT => AttemptEnd::Timeout,
        ABORTED => AttemptEnd::Aborted,
        OTHER => {
            let left = ended.get(2).as_f64().unwrap_or(0.0);
            let ctrl: AbortController = ended.get(3).unchecked_into();
            let stop = Stop::new(signals, left);
            let outcome = read_response(&ended.get(1), &stop).await;
            let outcome = match outcome {
                // Whichever abort came during the attempt wins over what was read.
                _ if is_aborted(signals) => AttemptEnd::Aborted,
                AttemptEnd::Network(_) if stop.due() == Some(Why::Timeout) => AttemptEnd::Timeout,
                other => other,
            };
            if matches!(outcome, AttemptEnd::Aborted | AttemptEnd::Timeout) {
                // A fetch that honours the signal stops sending and reading.
                REASONS.with(|r| ctrl.abort_with_reason(if matches!(outcome, AttemptEnd::Aborted) { &r.aborted } else { &r.timed_out }));
            }
            outcome
        }
        _ => AttemptEnd::Network("internal: the attempt gave no outcome".into()),
    }
}

thread_local! {
    /// `evs-snapshots/<version> <runtime>/<version>` in Node, Deno and Bun,
    /// as the official SDKs name themselves (docs/contract.md "Seeing each
    /// request"); undefined in browsers, which keep their own.
    static USER_AGENT: JsValue = user_agent().map_or(JsValue::UNDEFINED, |a| JsValue::from_str(&a));
    /// The global object: `this` of the global `fetch`, as browsers require.
    static GLOBAL: JsValue = js_sys::global().into();
    /// The response headers [`Head::from_headers`] reads: fetch.js looks
    /// these up alone (made once).
    static WANTED: Array = wanted_headers().map(JsValue::from_str).collect();
}

/// The names of the response headers an attempt reads (`Head`): the
/// request ID's, `Retry-After`, `Date`, `Location`, and the ones the signing
/// proxy passes on.
fn wanted_headers() -> impl Iterator<Item = &'static str> {
    let passed: &[&str] = {
        #[cfg(feature = "proxy")]
        {
            &crate::core::proxy::PASSED_HEADERS
        }
        #[cfg(not(feature = "proxy"))]
        {
            &[]
        }
    };
    crate::core::error_body::REQUEST_ID_HEADERS.iter().copied().chain(["retry-after", "date", "location"]).chain(passed.iter().copied())
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
    crate::core::config::is_sendable(&agent).then_some(agent)
}

/// What stopped an exchange, as its outcome.
fn stopped(why: Why) -> AttemptEnd {
    match why {
        Why::Timeout => AttemptEnd::Timeout,
        Why::Aborted => AttemptEnd::Aborted,
    }
}

/// Reads what a fetch resolved with that is not a genuine `Response` of
/// this realm with a status from 200 to 599 (fetch.js hands it back
/// unread): structurally, every read checked, every await raced.
async fn read_response(response: &JsValue, stop: &Stop) -> AttemptEnd {
    let head = match Head::read(response) {
        Ok(head) => head,
        Err(outcome) => return outcome,
    };
    match read_body(response, &head, MAX_BODY_BYTES, stop).await {
        Ok((body, truncated)) => head.with_body(body, truncated),
        Err(outcome) => outcome,
    }
}

/// What an attempt needs of a response before its body: the status, the
/// request ID (`X-Request-Id`, else `X-Openstack-Request-Id`), the
/// `Retry-After`, `Location` (a redirect) and (on a 401, for a wrong clock)
/// `Date` headers, and what the body read needs
/// (`Content-Length`, whether a content coding applies). Each header is
/// read once.
struct Head {
    status: u16,
    request_id: Option<String>,
    retry_after: Option<String>,
    date: Option<String>,
    location: Option<String>,
    content_length: Option<usize>,
    encoded: bool,
    #[cfg(feature = "proxy")]
    passed: Vec<(String, String)>,
}

/// A response's headers: through gloo-net for a genuine `Response`; read
/// structurally, every read checked, for a Response-like object a caller's
/// fetch gave (`headers.get` may be missing, or throw).
enum Headers {
    Gloo(gloo_net::http::Headers),
    Structural(JsValue),
    /// fetch.js's reading of a genuine Response: `name\nvalue\n` each,
    /// the names lowercase (as a `Headers` iterates them).
    Lines(String),
}

impl Headers {
    fn get(&self, name: &str) -> Option<String> {
        match self {
            Headers::Gloo(h) => h.get(name),
            Headers::Structural(h) => call_method(h, "get", &Array::of1(&JsValue::from_str(name))).ok()?.as_string(),
            Headers::Lines(lines) => {
                let mut it = lines.split('\n');
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    if k.eq_ignore_ascii_case(name) {
                        return Some(v.to_string());
                    }
                }
                None
            }
        }
    }
}

thread_local! {
    /// `Response.prototype`, where there is a global `Response`.
    static RESPONSE_PROTOTYPE: JsValue = member(&member(&js_sys::global(), "Response"), "prototype");
}

/// A genuine `Response` of this realm: its getters are the platform's,
/// which do not throw. Anything else (a Response-like, a subclass, a
/// Proxy) is read structurally.
fn is_genuine(response: &JsValue) -> bool {
    RESPONSE_PROTOTYPE.with(|proto| {
        proto.is_object()
            && Reflect::get_prototype_of(response).is_ok_and(|p| JsValue::from(p) == *proto)
            && response.is_instance_of::<web_sys::Response>()
    })
}

/// Not a response at all: a network failure, in the words of what was
/// wrong.
fn not_a_response(what: &str) -> AttemptEnd {
    AttemptEnd::Network(format!("config.fetch resolved to {what}, not a Response"))
}

impl Head {
    fn read(response: &JsValue) -> Result<Head, AttemptEnd> {
        if !response.is_object() {
            return Err(not_a_response("a value that is not an object"));
        }
        let (status, headers) = if is_genuine(response) {
            let r = gloo_net::http::Response::from(response.clone().unchecked_into::<web_sys::Response>());
            (f64::from(r.status()), Headers::Gloo(r.headers()))
        } else {
            let status =
                Reflect::get(response, &JsValue::from_str("status")).map_err(|_| not_a_response("an object whose status could not be read"))?;
            let headers =
                Reflect::get(response, &JsValue::from_str("headers")).map_err(|_| not_a_response("an object whose headers could not be read"))?;
            (status.as_f64().unwrap_or(f64::NAN), Headers::Structural(headers))
        };
        // `redirect: "manual"` in a browser: an opaque answer that hides
        // the redirect (status 0).
        if status == 0.0 && member(response, "type").as_string().as_deref() == Some("opaqueredirect") {
            return Err(AttemptEnd::HiddenRedirect);
        }
        // A status is a whole number from 200 to 599 (the Fetch standard's
        // range for a response that is not a network error).
        let status = match status {
            s if s.fract() == 0.0 && (200.0..=599.0).contains(&s) => s as u16,
            _ => return Err(not_a_response("an object whose status is not an HTTP status from 200 to 599")),
        };
        Ok(Head::from_headers(status, &headers, false))
    }

    /// The head, from a status already checked and the headers.
    /// `lines`: fetch.js read them, and the body too (its length and coding
    /// are not needed).
    fn from_headers(status: u16, headers: &Headers, lines: bool) -> Head {
        let get = |name: &str| headers.get(name);
        let present = |name: &str| get(name).filter(|v| !v.is_empty());
        Head {
            status,
            request_id: crate::core::error_body::request_id(present),
            retry_after: present("retry-after"),
            date: if status == 401 { get("date") } else { None },
            location: if (300..400).contains(&status) { present("location") } else { None },
            content_length: if lines { None } else { get("content-length").and_then(|v| v.trim().parse::<usize>().ok()) },
            encoded: !lines && get("content-encoding").is_some_and(|v| !v.trim().is_empty()),
            #[cfg(feature = "proxy")]
            passed: crate::core::proxy::PASSED_HEADERS.iter().filter_map(|n| get(n).map(|v| ((*n).to_string(), v))).collect(),
        }
    }

    /// The attempt's outcome: this head and its body.
    fn with_body(self, body: Vec<u8>, truncated: bool) -> AttemptEnd {
        let Head {
            status,
            request_id,
            retry_after,
            date,
            location,
            #[cfg(feature = "proxy")]
            passed,
            ..
        } = self;
        AttemptEnd::Response {
            status,
            request_id,
            retry_after,
            date,
            location,
            body,
            truncated,
            #[cfg(feature = "proxy")]
            passed,
        }
    }
}

/// A body read that failed: a network failure, unless the stop ended it.
fn body_failed(why: String) -> AttemptEnd {
    AttemptEnd::Network(format!("the response body could not be read: {why}"))
}

/// Reads at most `max` bytes of the body; the flag says more came. Every
/// await is raced against `stop`.
async fn read_body(res: &JsValue, head: &Head, max: usize, stop: &Stop) -> Result<(Vec<u8>, bool), AttemptEnd> {
    let (length, encoded) = (head.content_length, head.encoded);
    let stream = Reflect::get(res, &JsValue::from_str("body")).map_err(|e| body_failed(describe(&e)))?;
    let stream = (!stream.is_null() && !stream.is_undefined()).then_some(stream);
    if length.is_some_and(|n| n > max) && !encoded {
        if let Some(s) = &stream {
            cancel(s);
        }
        return Ok((Vec::new(), true));
    }
    // An exact, small enough Content-Length (no content coding, which would
    // make the decoded body larger), or no stream: the whole body at once.
    // A Response-like with a stream and no arrayBuffer() is read by its
    // stream.
    let whole = member(res, "arrayBuffer").is_function() && (length.is_some() && !encoded || stream.is_none());
    let Some(stream) = stream.filter(|_| !whole) else {
        let pending = call_method(res, "arrayBuffer", &Array::new()).map_err(|e| body_failed(describe(&e)))?;
        let buf = match stop.race(&pending).await {
            Raced::Value(b) => b,
            Raced::Rejected(e) => return Err(body_failed(describe(&e))),
            Raced::Stopped(why) => return Err(stopped(why)),
        };
        if !buf.is_instance_of::<ArrayBuffer>() {
            return Err(body_failed("arrayBuffer() resolved to something that is not an ArrayBuffer".into()));
        }
        let mut bytes = bytes(&buf).ok_or_else(|| body_failed("its ArrayBuffer could not be read".into()))?;
        let truncated = bytes.len() > max;
        bytes.truncate(max);
        return Ok((bytes, truncated));
    };
    let reader = call_method(&stream, "getReader", &Array::new()).map_err(|e| body_failed(describe(&e)))?;
    let mut bytes = Vec::new();
    loop {
        if let Some(why) = stop.due() {
            cancel(&reader);
            return Err(stopped(why));
        }
        let pending = call_method(&reader, "read", &Array::new()).map_err(|e| body_failed(describe(&e)))?;
        let step = match stop.race(&pending).await {
            Raced::Value(s) => s,
            Raced::Rejected(e) => return Err(body_failed(describe(&e))),
            Raced::Stopped(why) => {
                cancel(&reader);
                return Err(stopped(why));
            }
        };
        if !step.is_object() {
            return Err(body_failed("read() gave something that is not a { done, value } result".into()));
        }
        let done = Reflect::get(&step, &JsValue::from_str("done")).map_err(|e| body_failed(describe(&e)))?;
        if done.is_truthy() {
            return Ok((bytes, false));
        }
        let value = Reflect::get(&step, &JsValue::from_str("value")).map_err(|e| body_failed(describe(&e)))?;
        // A genuine Uint8Array only: its length and contents are the
        // platform's to read (a Proxy or an array of numbers is not).
        if !ArrayBuffer::is_view(&value) || !value.is_instance_of::<Uint8Array>() {
            cancel(&reader);
            return Err(body_failed("the stream gave a chunk that is not a Uint8Array".into()));
        }
        let chunk: Uint8Array = value.unchecked_into();
        let n = chunk.length() as usize;
        if n == 0 {
            // No progress: let timers and the signal's listeners run.
            if let Raced::Stopped(why) = stop.race(&tick()).await {
                cancel(&reader);
                return Err(stopped(why));
            }
            continue;
        }
        let over = bytes.len() + n > max;
        let keep = if over { max.saturating_sub(bytes.len()) } else { n };
        append(&mut bytes, &chunk, keep);
        if over {
            cancel(&reader);
            return Ok((bytes, true));
        }
    }
}

/// The first `keep` bytes of `chunk` (at most its length) added to `bytes`,
/// copied once, straight into wasm memory.
fn append(bytes: &mut Vec<u8>, chunk: &Uint8Array, keep: usize) {
    let keep = keep.min(chunk.length() as usize);
    let start = bytes.len();
    bytes.resize(start + keep, 0);
    if let (Some(dst), Ok(end)) = (bytes.get_mut(start..), u32::try_from(keep)) {
        // The same length on both sides, as copy_to needs.
        chunk.subarray(0, end).copy_to(dst);
    }
}

/// A promise that resolves on the event loop's next turn (a zero-delay
/// timer), with a value that is no stop's reason.
fn tick() -> Promise {
    Promise::new(&mut |resolve, _reject| {
        REASONS.with(|r| set_timeout(&resolve, 0.0, &r.ended));
    })
}

/// The bytes of an `ArrayBuffer` or a byte array, through a checked
/// `new Uint8Array(source)` (a view of a buffer; a copy of anything else,
/// whose reading may throw).
pub fn bytes(source: &JsValue) -> Option<Vec<u8>> {
    Bytes::new(source).ok().map(|b| b.unchecked_into::<Uint8Array>().to_vec())
}

/// `stream.cancel()` or `reader.cancel()`, its result ignored.
fn cancel(stream: &JsValue) {
    if let Ok(p) = call_method(stream, "cancel", &Array::new()) {
        ignore_rejection(&p);
    }
}

/// `value` awaited until it settles, one of the caller's signals aborts, or
/// `ms` pass (a promise shared by several calls: each races its own
/// signals and time; at most 2^31 − 1 ms, a timer's limit). The timer is
/// cleared and the signals unwatched however it ends.
pub async fn settled_or_stopped(value: &JsValue, signals: &[JsValue], ms: f64) -> Result<Result<JsValue, JsValue>, Why> {
    let stop = Stop::new(signals, ms);
    match stop.race(value).await {
        Raced::Value(v) => Ok(Ok(v)),
        Raced::Rejected(e) => Ok(Err(e)),
        Raced::Stopped(why) => Err(why),
    }
}

/// `value` awaited until it settles, `ms` milliseconds pass or one of the
/// signals aborts (the console's `authorize`, in the signing proxy).
#[cfg(feature = "proxy")]
pub async fn settled_within(value: &JsValue, signals: &[JsValue], ms: f64) -> Result<Result<JsValue, JsValue>, Why> {
    let stop = Stop::new(signals, ms);
    match stop.race(value).await {
        Raced::Value(v) => Ok(Ok(v)),
        Raced::Rejected(e) => Ok(Err(e)),
        Raced::Stopped(why) => Err(why),
    }
}

/// Waits `ms` milliseconds; the caller's signals end the wait early.
pub async fn sleep(ms: u64, signals: &[JsValue]) {
    if is_aborted(signals) {
        return;
    }
    let _ = Stop::new(signals, ms as f64).wait().await;
}

/// Milliseconds since the epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// The jitter of the backoff, in `[0, 1)`.
pub fn random() -> f64 {
    js_sys::Math::random()
}
