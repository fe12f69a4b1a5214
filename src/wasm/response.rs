//! What a fetch resolved with that is not a genuine `Response` of this
//! realm with a status from 200 to 599 (a Response-like a caller's `fetch`
//! gave, a subclass, a Proxy, a browser's opaque redirect): fetch.js hands
//! it back unread, with the time left, and it is read here structurally,
//! every read a `catch` import or checked, every await raced against a
//! [`Stop`]. gloo-net reads a genuine `Response`'s status and headers; no
//! rejection is ever handed to gloo-net's error conversion, which panics on
//! a value that is not an `Error` (gloo-net 0.7).

use js_sys::{Array, ArrayBuffer, Function, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{bytes, member};
use super::stop::{ignore_rejection, tick, Raced, Stop, Why};
use crate::core::ended::{read_headers, Ended, Received, MAX_BODY_BYTES};

/// The names of the response headers an attempt reads, each once: the
/// core's ([`read_headers`]: a new rule's header is added there), and in
/// the signing proxy's build the ones it passes on
/// (`core::proxy::PASSED_HEADERS`).
pub fn header_names() -> Vec<&'static str> {
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
    let mut names: Vec<&'static str> = Vec::new();
    for name in read_headers().chain(passed.iter().copied()) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name);
        }
    }
    names
}

/// A rejection as one line: Node puts the reason in `cause`. Every read is
/// checked (the value may be anything a caller's `fetch` threw).
pub fn describe(err: &JsValue) -> String {
    let message = member(err, "message").as_string().filter(|m| !m.is_empty());
    let msg = message.unwrap_or_else(|| err.as_string().unwrap_or_else(|| "fetch failed".into()));
    let cause = member(err, "cause");
    let why = member(&cause, "code").as_string().or_else(|| member(&cause, "message").as_string());
    match why {
        Some(w) if !w.is_empty() && !msg.contains(&w) => format!("{msg} ({w})"),
        _ => msg,
    }
}

/// `obj.name(...args)`, every step checked: `Err` when the member is not a
/// function or the call throws.
fn call_method(obj: &JsValue, name: &str, args: &Array) -> Result<JsValue, JsValue> {
    let f = Reflect::get(obj, &JsValue::from_str(name))?;
    let f: Function = f.dyn_into().map_err(|_| JsValue::from_str(&format!("{name} is not a function")))?;
    Reflect::apply(&f, obj, args)
}

/// What stopped an exchange, as its outcome.
pub fn stopped(why: Why) -> Ended {
    match why {
        Why::Timeout => Ended::Timeout,
        Why::Aborted => Ended::Aborted,
    }
}

/// Reads what a fetch resolved with that is not a genuine `Response` of
/// this realm with a status from 200 to 599 (fetch.js hands it back
/// unread): structurally, every read checked, every await raced.
pub async fn read_response(response: &JsValue, stop: &Stop) -> Ended {
    let (mut received, hints) = match read_head(response) {
        Ok(head) => head,
        Err(outcome) => return outcome,
    };
    match read_body(response, &hints, MAX_BODY_BYTES, stop).await {
        Ok((body, truncated)) => {
            received.body = body;
            received.truncated = truncated;
            Ended::Response(received)
        }
        Err(outcome) => outcome,
    }
}

/// What the body read needs of the headers: `Content-Length`, and whether a
/// content coding applies (the decoded body would be larger).
#[derive(Clone, Copy)]
struct Hints {
    length: Option<usize>,
    encoded: bool,
}

/// A response's headers: through gloo-net for a genuine `Response`; read
/// structurally, every read checked, for a Response-like object a caller's
/// fetch gave (`headers.get` may be missing, or throw).
enum Headers {
    Gloo(gloo_net::http::Headers),
    Structural(JsValue),
}

impl Headers {
    fn get(&self, name: &str) -> Option<String> {
        match self {
            Headers::Gloo(h) => h.get(name),
            Headers::Structural(h) => call_method(h, "get", &Array::of1(&JsValue::from_str(name))).ok()?.as_string(),
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
fn not_a_response(what: &str) -> Ended {
    Ended::Network(format!("config.fetch resolved to {what}, not a Response"))
}

/// The status and headers of what a fetch resolved with, as the core reads
/// them (the headers of [`header_names`]), and what the body read needs.
fn read_head(response: &JsValue) -> Result<(Received, Hints), Ended> {
    if !response.is_object() {
        return Err(not_a_response("a value that is not an object"));
    }
    let (status, headers) = if is_genuine(response) {
        let r = gloo_net::http::Response::from(response.clone().unchecked_into::<web_sys::Response>());
        (f64::from(r.status()), Headers::Gloo(r.headers()))
    } else {
        let status = Reflect::get(response, &JsValue::from_str("status")).map_err(|_| not_a_response("an object whose status could not be read"))?;
        let headers =
            Reflect::get(response, &JsValue::from_str("headers")).map_err(|_| not_a_response("an object whose headers could not be read"))?;
        (status.as_f64().unwrap_or(f64::NAN), Headers::Structural(headers))
    };
    // `redirect: "manual"` in a browser: an opaque answer that hides
    // the redirect (status 0).
    if status == 0.0 && member(response, "type").as_string().as_deref() == Some("opaqueredirect") {
        return Err(Ended::HiddenRedirect);
    }
    // A status is a whole number from 200 to 599 (the Fetch standard's
    // range for a response that is not a network error).
    let status = match status {
        s if s.fract() == 0.0 && (200.0..=599.0).contains(&s) => s as u16,
        _ => return Err(not_a_response("an object whose status is not an HTTP status from 200 to 599")),
    };
    let read = header_names().into_iter().filter_map(|n| headers.get(n).map(|v| (n.to_string(), v))).collect();
    let hints = Hints {
        length: headers.get("content-length").and_then(|v| v.trim().parse::<usize>().ok()),
        encoded: headers.get("content-encoding").is_some_and(|v| !v.trim().is_empty()),
    };
    Ok((Received { status, headers: read, body: Vec::new(), truncated: false }, hints))
}

/// A body read that failed: a network failure, unless the stop ended it.
fn body_failed(why: String) -> Ended {
    Ended::Network(format!("the response body could not be read: {why}"))
}

/// Reads at most `max` bytes of the body; the flag says more came. Every
/// await is raced against `stop`.
async fn read_body(res: &JsValue, hints: &Hints, max: usize, stop: &Stop) -> Result<(Vec<u8>, bool), Ended> {
    let Hints { length, encoded } = *hints;
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

/// `stream.cancel()` or `reader.cancel()`, its result ignored.
fn cancel(stream: &JsValue) {
    if let Ok(p) = call_method(stream, "cancel", &Array::new()) {
        ignore_rejection(&p);
    }
}
