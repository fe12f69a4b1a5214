//! One call, step by step, with no I/O. The JS attempt loop
//! (`pkg-template/src/api.js`) asks this module two things per attempt:
//!
//! - [`plan`]: what to send (URL, headers, timeout), or why nothing may be
//!   sent (an `invalid_input` error);
//! - [`settle`]: what the attempt's outcome means: the result as JSON text,
//!   a final error, or a wait before the next attempt (decided by `retry`).
//!
//! What the caller passed reaches the core as a *description*: JSON text
//! that `api.js` writes from the JS values, in which every string, boolean
//! and finite number stands as itself and anything else as a tag
//! `{"t": "<type name>"}` (so `limit: NaN` reads as a number that is not an
//! integer, and `fetch: "x"` as a string where a function belongs). Absent
//! and `null` members are left out. The shapes:
//!
//! ```text
//! call     {"config": config, "arg": <snapshot ID> | options}
//! config   {"t": type} | {"projectId", "endpoint", "region", "auth", "headers",
//!           "timeoutMs", "maxAttempts", "fetch", "signal", "origin"}
//! auth     {"t": type} | {"token", "accessKey", "secretKey", "securityToken"}
//! headers  {"t": type} | [[name, value], ...]
//! fetch    true (a function, or the global one) | {"t": type} | {"t": "none"}
//! signal   true (an AbortSignal) | {"t": type}
//! options  {"t": type} | {"marker", "offset", "limit", "name", "status",
//!           "volumeId", "seen": [marker, ...]}
//! ```
//!
//! `origin` is the page's `location.origin` (browsers, workers); `seen` is
//! the markers a `paginateSnapshots` walk has met, kept by [`next_page`].

#[allow(unused_imports)]
use super::prelude::*;

use super::config::{
    check_auth, check_config, check_id, check_list_options, Auth, Config, Input, ListQuery, RawAuth, RawConfig,
    RawListOptions,
};
use super::error::{ErrorKind, EvsError};
use super::json::{parse, push_uint, write_key, write_str, Value};
use super::paginate::Paginator;
use super::request::{list_request, show_request, sign_any, Request};
use super::response::{http_error, read_list, read_show};
use super::retry::{next_delay, Outcome};
use super::sign::Credentials;

/// Largest response body read; a larger 2xx body is an `invalid_response`
/// (a page of 1,000 snapshots is about 300 KB).
pub const MAX_BODY_BYTES: u32 = 16 * 1024 * 1024;

/// Which API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `getSnapshot`: `GET .../cloudsnapshots/{id}`.
    Show,
    /// `listSnapshots`: `GET .../snapshots`.
    List,
}

impl Op {
    /// The code the JS layer passes: 0 show, 1 list.
    pub fn from_code(code: u32) -> Option<Op> {
        match code {
            0 => Some(Op::Show),
            1 => Some(Op::List),
            _ => None,
        }
    }
}

/// A checked call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub config: Config,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Show(String),
    List(ListQuery),
}

/// How an attempt ended, as the JS layer saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended<'a> {
    /// The service answered. `truncated`: the body was cut at
    /// [`MAX_BODY_BYTES`].
    Response { status: u16, request_id: Option<&'a str>, retry_after: Option<&'a str>, body: &'a [u8], truncated: bool },
    /// `fetch` failed before a response, with this message.
    Network(&'a str),
    /// The attempt's timeout fired.
    Timeout,
    /// The caller's signal aborted the call (before, during or between
    /// attempts).
    Aborted,
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The call's result as JSON text (a `Snapshot` or a `SnapshotPage`).
    Done(String),
    /// The call failed with this (already redacted) error.
    Fail(EvsError),
    /// Wait this many milliseconds, then attempt again.
    Wait(u64),
}

// --- reading descriptions ---------------------------------------------------

/// The type names a tag may carry (anything else reads as "an object").
const TYPE_NAMES: [&str; 9] =
    ["a function", "a bigint", "a symbol", "an object", "an array", "a string", "a boolean", "undefined", "null"];

fn tag(v: &Value<'_>) -> Option<&'static str> {
    let t = v.get("t")?.as_str()?;
    Some(TYPE_NAMES.iter().find(|n| **n == t).copied().unwrap_or("an object"))
}

/// A JSON number as a JS number, exactly for integers (all the checks need);
/// any other number (a fraction, an exponent) reads as NaN, which no check
/// accepts. No float parsing is involved.
fn number(text: &str) -> f64 {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return f64::NAN;
    }
    let n = digits.bytes().fold(0.0f64, |n, b| n * 10.0 + f64::from(b - b'0'));
    if neg {
        -n
    } else {
        n
    }
}

/// A described scalar as an [`Input`].
pub fn input(v: Option<&Value<'_>>) -> Input {
    match v {
        None | Some(Value::Null) => Input::Absent,
        Some(Value::Str(s)) => Input::Str(s.to_string()),
        Some(Value::Bool(b)) => Input::Bool(*b),
        Some(Value::Number(n)) => Input::Num(number(n)),
        Some(Value::Array(_)) => Input::Other("an array"),
        Some(o @ Value::Object(_)) => match o.get("t").and_then(Value::as_str) {
            // A number JSON cannot carry (NaN, Infinity).
            Some("a number") => Input::Num(f64::NAN),
            _ => Input::Other(tag(o).unwrap_or("an object")),
        },
    }
}

fn bad_type(field: &str, what: &str, t: &str) -> EvsError {
    EvsError::invalid_input(super::encode::cat(&[field, " must be ", what, ", not ", t]))
}

fn read_auth(v: Option<&Value<'_>>) -> RawAuth {
    match v {
        None | Some(Value::Null) => RawAuth::Absent,
        Some(a) => match tag(a) {
            Some(t) => RawAuth::NotObject(t),
            None => RawAuth::Object {
                token: input(a.get("token")),
                access_key: input(a.get("accessKey")),
                secret_key: input(a.get("secretKey")),
                security_token: input(a.get("securityToken")),
            },
        },
    }
}

fn read_headers(v: Option<&Value<'_>>) -> Result<Vec<(String, Input)>, &'static str> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(pairs)) => Ok(pairs
            .iter()
            .filter_map(|p| match p {
                Value::Array(kv) => match kv.as_slice() {
                    [k, v] => Some((k.as_str().unwrap_or_default().to_string(), input(Some(v)))),
                    _ => None,
                },
                _ => None,
            })
            .collect()),
        Some(other) => Err(tag(other).unwrap_or("an object")),
    }
}

/// A described `ClientConfig`, checked; `fetch` and `signal` too.
pub fn read_config(desc: Option<&Value<'_>>) -> Result<Config, EvsError> {
    let Some(c) = desc else {
        return Err(bad_type("config", "an object", "undefined"));
    };
    if let Some(t) = tag(c) {
        return Err(bad_type("config", "an object", t));
    }
    if !matches!(c, Value::Object(_)) {
        return Err(bad_type("config", "an object", c.type_name()));
    }
    let raw = RawConfig {
        project_id: input(c.get("projectId")),
        endpoint: input(c.get("endpoint")),
        region: input(c.get("region")),
        auth: read_auth(c.get("auth")),
        headers: read_headers(c.get("headers")),
        timeout_ms: input(c.get("timeoutMs")),
        max_attempts: input(c.get("maxAttempts")),
        page_origin: c.get("origin").and_then(Value::as_str).map(String::from),
    };
    let config = check_config(&raw)?;
    match c.get("fetch") {
        None | Some(Value::Bool(true)) => {}
        Some(f) if f.get("t").and_then(Value::as_str) == Some("none") => {
            return Err(EvsError::invalid_input(
                "there is no global fetch here: pass one as config.fetch (Node 18 or later has one)",
            ))
        }
        Some(f) => return Err(bad_type("fetch", "a function", input(Some(f)).type_name())),
    }
    match c.get("signal") {
        None | Some(Value::Null | Value::Bool(true)) => {}
        Some(s) => return Err(bad_type("signal", "an AbortSignal", input(Some(s)).type_name())),
    }
    Ok(config)
}

/// Described `ListOptions` as given (absent: no options).
fn raw_options(desc: Option<&Value<'_>>) -> Result<RawListOptions, EvsError> {
    let o = match desc {
        None | Some(Value::Null) => return Ok(RawListOptions::default()),
        Some(o) => o,
    };
    if let Some(t) = tag(o) {
        return Err(bad_type("options", "an object", t));
    }
    Ok(RawListOptions {
        marker: input(o.get("marker")),
        offset: input(o.get("offset")),
        limit: input(o.get("limit")),
        name: input(o.get("name")),
        status: input(o.get("status")),
        volume_id: input(o.get("volumeId")),
    })
}

fn parse_desc(text: &str) -> Result<Value<'_>, EvsError> {
    parse(text).map_err(|e| EvsError::invalid_input(super::encode::cat(&["internal: an unreadable call description: ", &e.describe()])))
}

/// Reads and checks a call description: config first, then the argument.
pub fn prepare(op: Op, desc: &str) -> Result<Call, EvsError> {
    let doc = parse_desc(desc)?;
    let config = read_config(doc.get("config"))?;
    let target = match op {
        Op::Show => Target::Show(check_id("snapshotId", &input(doc.get("arg")))?),
        Op::List => Target::List(check_list_options(&raw_options(doc.get("arg"))?)?),
    };
    Ok(Call { config, target })
}

// --- the steps ----------------------------------------------------------------

/// The request of the next attempt (signed at `now_ms` with AK/SK auth).
pub fn plan(call: &Call, now_ms: f64) -> Request {
    match &call.target {
        Target::Show(id) => show_request(&call.config, id, now_ms),
        Target::List(q) => list_request(&call.config, q, now_ms),
    }
}

/// Whether the call's requests depend on the clock: AK/SK requests carry
/// the time and a signature over it; all others are the same every time,
/// so the JS layer may reuse a plan made for the same description.
pub fn depends_on_time(call: &Call) -> bool {
    matches!(call.config.auth, Auth::Keys { .. })
}

/// [`plan`] as the JSON the JS layer sends from:
/// `{"url": ..., "headers": [[name, value], ...], "timeoutMs": n}`.
pub fn plan_json(call: &Call, now_ms: f64) -> String {
    let req = plan(call, now_ms);
    let mut out = url_and_headers(&req.url, &req.headers, true);
    out.push_str(",\"timeoutMs\":");
    push_uint(&mut out, u64::from(call.config.timeout_ms));
    out.push('}');
    out
}

/// `{"url": url, "headers": ...` (left open for more members): the headers
/// as `[[name, value], ...]` when `pairs`, else as `{name: value, ...}`.
fn url_and_headers(url: &str, headers: &[(String, String)], pairs: bool) -> String {
    let mut out = String::with_capacity(url.len() + 64 * (headers.len() + 1));
    out.push_str("{\"url\":");
    write_str(&mut out, url);
    out.push_str(if pairs { ",\"headers\":[" } else { ",\"headers\":{" });
    for (i, (k, v)) in headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if pairs {
            out.push('[');
        }
        write_str(&mut out, k);
        out.push(if pairs { ',' } else { ':' });
        write_str(&mut out, v);
        if pairs {
            out.push(']');
        }
    }
    out.push(if pairs { ']' } else { '}' });
    out
}

fn aborted() -> EvsError {
    EvsError::new(ErrorKind::Aborted, "the call was aborted by its signal")
}

/// What attempt number `attempt` (1-based) ending as `ended` means.
pub fn settle(call: &Call, attempt: u32, ended: &Ended<'_>, now_ms: f64, random: f64) -> Step {
    let redact = |mut e: EvsError| {
        e.redact(&call.config.secrets());
        Step::Fail(e)
    };
    let (error, outcome, retry_after) = match *ended {
        Ended::Aborted => return Step::Fail(aborted()),
        Ended::Response { status, request_id, retry_after, body, truncated } => {
            if (200..300).contains(&status) {
                if truncated {
                    let mut m = String::from("the response body is larger than ");
                    push_uint(&mut m, u64::from(MAX_BODY_BYTES / (1024 * 1024)));
                    m.push_str(" MiB");
                    return redact(EvsError::invalid_response(m).with_request_id(request_id));
                }
                let result = match call.target {
                    Target::Show(_) => read_show(status, request_id, body),
                    Target::List(_) => read_list(status, request_id, body).map(|p| p.json),
                };
                return match result {
                    Ok(json) => Step::Done(json),
                    Err(e) => redact(e),
                };
            }
            (http_error(status, request_id, body), Outcome::Status(status), retry_after)
        }
        Ended::Timeout => {
            let mut m = String::from("no response within ");
            push_uint(&mut m, u64::from(call.config.timeout_ms));
            m.push_str(" ms");
            (EvsError::new(ErrorKind::Timeout, m), Outcome::Timeout, None)
        }
        Ended::Network(why) => {
            let why = if why.is_empty() { "fetch failed" } else { why };
            (EvsError::new(ErrorKind::Network, super::encode::cat(&["the request failed before a response: ", why])), Outcome::Network, None)
        }
    };
    match next_delay(attempt, call.config.max_attempts, outcome, retry_after, now_ms, random) {
        Some(ms) => Step::Wait(ms),
        None => {
            let mut e = error;
            if attempt > 1 && e.retryable() {
                e.message.push_str(" (after ");
                push_uint(&mut e.message, u64::from(attempt));
                e.message.push_str(" attempts)");
            }
            redact(e)
        }
    }
}

/// [`settle`] for a call description that [`prepare`] accepted when the
/// attempt was planned. A readable 2xx answer, the common case, is read
/// without checking the description again; anything else goes through
/// [`settle`] (retry decision, redaction).
pub fn settle_described(op: Op, desc: &str, attempt: u32, ended: &Ended<'_>, now_ms: f64, random: f64) -> Step {
    if let Ended::Response { status: status @ 200..=299, request_id, body, truncated: false, .. } = *ended {
        let read = match op {
            Op::Show => read_show(status, request_id, body),
            Op::List => read_list(status, request_id, body).map(|p| p.json),
        };
        if let Ok(json) = read {
            return Step::Done(json);
        }
    }
    match prepare(op, desc) {
        Ok(call) => settle(&call, attempt, ended, now_ms, random),
        Err(e) => Step::Fail(e),
    }
}

/// [`Step`] as the text the JS layer reads: `O` + result JSON, `E` + error
/// JSON, or `W` + milliseconds.
pub fn step_text(step: Step) -> String {
    match step {
        Step::Done(mut json) => {
            json.insert(0, 'O');
            json
        }
        Step::Fail(e) => fail_text(&e),
        Step::Wait(ms) => {
            let mut s = String::from("W");
            push_uint(&mut s, ms);
            s
        }
    }
}

/// `E` + the error as JSON.
pub fn fail_text(e: &EvsError) -> String {
    let mut s = String::from("E");
    s.push_str(&e.to_json());
    s
}

// --- paginateSnapshots -------------------------------------------------------

/// After a page of `paginateSnapshots`: `None` when the walk is over, else
/// the options description of the next request (the marker moved on,
/// `offset` dropped, the marker added to `seen`). A marker met before is an
/// `invalid_response` instead of a loop (see `paginate`).
pub fn next_page(options: &str, count: usize, next_marker: Option<&str>) -> Result<Option<String>, EvsError> {
    let doc = parse_desc(options)?;
    let query = check_list_options(&raw_options(Some(&doc))?)?;
    let seen: Vec<String> = match doc.get("seen") {
        Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => query.marker.iter().cloned().collect(),
    };
    let mut pager = Paginator::resume(query, seen);
    pager.advance(count, next_marker)?;
    let Some(q) = pager.next_query() else { return Ok(None) };
    let mut out = String::with_capacity(128);
    out.push('{');
    let mut first = true;
    let mut key = |out: &mut String, k: &str| {
        if !first {
            out.push(',');
        }
        first = false;
        write_key(out, k);
    };
    for (k, v) in [("marker", &q.marker), ("name", &q.name), ("status", &q.status), ("volumeId", &q.volume_id)] {
        if let Some(v) = v {
            key(&mut out, k);
            write_str(&mut out, v);
        }
    }
    for (k, v) in [("limit", q.limit.map(u64::from)), ("offset", q.offset)] {
        if let Some(v) = v {
            key(&mut out, k);
            push_uint(&mut out, v);
        }
    }
    key(&mut out, "seen");
    out.push('[');
    for (i, m) in pager.seen().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(&mut out, m);
    }
    out.push_str("]}");
    Ok(Some(out))
}

// --- signRequest ---------------------------------------------------------------

/// `signRequest` from a description
/// `{"request": {"method", "url", "headers": headers, "body": {"t": type}?},
///   "credentials": auth, "date": ms | {"t": type} | {"t": "an invalid Date"}}`
/// (`body` is present only when it is neither a string nor bytes)
/// and the body's bytes: `{"url": ..., "headers": {name: value, ...}}`.
pub fn sign_described(desc: &str, body: &[u8], now_ms: f64) -> Result<String, EvsError> {
    let doc = parse_desc(desc)?;
    let request = match doc.get("request") {
        None | Some(Value::Null) => return Err(bad_type("request", "an object", "undefined")),
        Some(r) => match tag(r) {
            Some(t) => return Err(bad_type("request", "an object", t)),
            None => r,
        },
    };
    let auth = match read_auth(doc.get("credentials")) {
        RawAuth::Absent => RawAuth::NotObject("undefined"),
        RawAuth::Object { access_key, secret_key, security_token, .. } => {
            RawAuth::Object { token: Input::Absent, access_key, secret_key, security_token }
        }
        other => other,
    };
    let Auth::Keys { access_key, secret_key, security_token } = check_auth(&auth, "credentials")? else {
        return Err(EvsError::invalid_input("credentials must have accessKey and secretKey"));
    };
    let method = match input(request.get("method")) {
        Input::Str(m) => m,
        Input::Absent => return Err(EvsError::invalid_input("request.method is required")),
        other => return Err(bad_type("request.method", "a string", other.type_name())),
    };
    let url = match input(request.get("url")) {
        Input::Str(u) => u,
        other => return Err(bad_type("request.url", "a string", other.type_name())),
    };
    let mut headers = Vec::new();
    let described = read_headers(request.get("headers"))
        .map_err(|t| EvsError::invalid_input(super::encode::cat(&["request.headers must be an object, not ", t])))?;
    for (k, v) in described {
        match v {
            Input::Str(s) if !s.contains(['\r', '\n', '\0']) => headers.push((k, s)),
            _ => {
                return Err(EvsError::invalid_input(
                    super::encode::cat(&["request.headers: the value of \"", &k, "\" must be a string without line breaks"]),
                ))
            }
        }
    }
    if let Some(b) = request.get("body") {
        return Err(bad_type("request.body", "a string or a Uint8Array", input(Some(b)).type_name()));
    }
    let now_ms = match doc.get("date") {
        None | Some(Value::Null) => now_ms,
        Some(Value::Number(n)) if number(n).is_finite() => number(n),
        Some(d) if d.get("t").and_then(Value::as_str) == Some("an invalid Date") => {
            return Err(EvsError::invalid_input("date is an invalid Date"))
        }
        Some(d) => return Err(bad_type("date", "a Date", input(Some(d)).type_name())),
    };
    let creds = Credentials { access_key: &access_key, secret_key: &secret_key, security_token: security_token.as_deref() };
    let signed = sign_any(&method, &url, &headers, body, &creds, now_ms)?;
    let mut out = url_and_headers(&signed.url, &signed.headers, false);
    out.push('}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as J;

    const CFG: &str = r#"{"projectId":"p1","endpoint":"http://127.0.0.1:9/evs","fetch":true}"#;

    fn call(op: Op, arg: &str) -> Result<Call, EvsError> {
        prepare(op, &format!(r#"{{"config":{CFG},"arg":{arg}}}"#))
    }

    fn invalid(r: Result<impl core::fmt::Debug, EvsError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{}", e.message);
        e.message
    }

    #[test]
    fn numbers_without_floats() {
        assert_eq!(number("50"), 50.0);
        assert_eq!(number("-1"), -1.0);
        assert_eq!(number("0"), 0.0);
        assert_eq!(number("9007199254740993"), 9_007_199_254_740_992.0);
        assert!(number("2.5").is_nan());
        assert!(number("1e+21").is_nan());
        assert!(number("-").is_nan());
    }

    #[test]
    fn descriptions_become_checked_calls() {
        let c = call(Op::Show, r#""snap-1""#).unwrap();
        assert_eq!(c.target, Target::Show("snap-1".into()));
        assert_eq!(plan(&c, 0.0).url, "http://127.0.0.1:9/evs/v2/p1/cloudsnapshots/snap-1");
        let c = call(Op::List, r#"{"limit":50,"name":"快照 1","seen":["x"]}"#).unwrap();
        let Target::List(q) = &c.target else { panic!() };
        assert_eq!((q.limit, q.name.as_deref()), (Some(50), Some("快照 1")));
        assert_eq!(plan(&c, 0.0).url, "http://127.0.0.1:9/evs/v2/p1/snapshots?limit=50&name=%E5%BF%AB%E7%85%A7%201");
        // No options at all.
        assert_eq!(call(Op::List, "null").unwrap().target, Target::List(ListQuery::default()));
        assert_eq!(prepare(Op::List, &format!(r#"{{"config":{CFG}}}"#)).unwrap().target, Target::List(ListQuery::default()));
    }

    #[test]
    fn tags_give_exact_type_errors() {
        assert_eq!(invalid(prepare(Op::Show, r#"{"arg":"x"}"#)), "config must be an object, not undefined");
        assert_eq!(invalid(prepare(Op::Show, r#"{"config":{"t":"a string"},"arg":"x"}"#)), "config must be an object, not a string");
        assert_eq!(invalid(call(Op::Show, r#"{"t":"a symbol"}"#)), "snapshotId must be a string, not a symbol");
        assert_eq!(invalid(call(Op::Show, "7")), "snapshotId must be a string, not a number");
        assert_eq!(invalid(call(Op::List, r#"{"limit":{"t":"a number"}}"#)), "limit must be an integer from 1 to 1000");
        assert_eq!(invalid(call(Op::List, r#"{"limit":2.5}"#)), "limit must be an integer from 1 to 1000");
        assert_eq!(invalid(call(Op::List, r#"{"offset":-1}"#)), "offset must be an integer of 0 or more");
        assert_eq!(invalid(call(Op::List, r#"{"t":"a string"}"#)), "options must be an object, not a string");
        assert_eq!(invalid(call(Op::List, r#"{"status":{"t":"an object"}}"#)), "status must be a string, not an object");
        let cfg = |extra: &str| prepare(Op::Show, &format!(r#"{{"config":{{"projectId":"p","endpoint":"http://h",{extra}}},"arg":"x"}}"#));
        assert_eq!(invalid(cfg(r#""fetch":{"t":"a string"}"#)), "fetch must be a function, not a string");
        assert!(invalid(cfg(r#""fetch":{"t":"none"}"#)).starts_with("there is no global fetch here"));
        assert_eq!(invalid(cfg(r#""signal":{"t":"an object"}"#)), "signal must be an AbortSignal, not an object");
        assert_eq!(invalid(cfg(r#""auth":{"t":"a string"}"#)), "auth must be an object ({ token } or { accessKey, secretKey }), not a string");
        assert_eq!(invalid(cfg(r#""headers":{"t":"an array"}"#)), "headers must be an object of header names to string values, not an array");
        assert_eq!(invalid(cfg(r#""headers":[["X-A",1]]"#)), "headers: the value of \"X-A\" must be a string, not a number");
        assert_eq!(invalid(cfg(r#""timeoutMs":{"t":"a number"}"#)), "timeoutMs must be a positive integer");
        // An unknown tag name reads as an object; a broken description is an error, not a panic.
        assert_eq!(invalid(call(Op::Show, r#"{"t":"a spaceship"}"#)), "snapshotId must be a string, not an object");
        invalid(prepare(Op::Show, "{"));
        // Config errors come before argument errors.
        assert_eq!(invalid(prepare(Op::Show, r#"{"config":{"t":"null"},"arg":7}"#)), "config must be an object, not null");
    }

    #[test]
    fn only_signed_plans_depend_on_time() {
        let show = |auth: &str| {
            prepare(Op::Show, &format!(r#"{{"config":{{"projectId":"p","endpoint":"http://h"{auth}}},"arg":"s"}}"#)).unwrap()
        };
        for (auth, timed) in [("", false), (r#","auth":{"token":"tok-1"}"#, false), (r#","auth":{"accessKey":"a","secretKey":"b"}"#, true)] {
            let c = show(auth);
            assert_eq!(depends_on_time(&c), timed, "{auth}");
            assert_eq!(plan_json(&c, 0.0) == plan_json(&c, 86_400_000.0), !timed, "{auth}");
        }
    }

    #[test]
    fn plan_json_is_what_fetch_needs() {
        let auth = r#"{"projectId":"p1","endpoint":"http://127.0.0.1:9","auth":{"accessKey":"AK","secretKey":"SK"},"timeoutMs":1500}"#;
        let c = prepare(Op::Show, &format!(r#"{{"config":{auth},"arg":"s"}}"#)).unwrap();
        let p: J = serde_json::from_str(&plan_json(&c, 1_795_342_500_000.0)).unwrap();
        assert_eq!(p["url"], "http://127.0.0.1:9/v2/p1/cloudsnapshots/s");
        assert_eq!(p["timeoutMs"], 1500);
        let headers = p["headers"].as_array().unwrap();
        let get = |n: &str| headers.iter().find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(n)).map(|h| h[1].as_str().unwrap());
        assert_eq!(get("X-Sdk-Date"), Some("20261122T101500Z"));
        assert!(get("Authorization").unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders="));
    }

    fn response(status: u16, body: &str) -> Ended<'_> {
        Ended::Response { status, request_id: Some("rid"), retry_after: None, body: body.as_bytes(), truncated: false }
    }

    #[test]
    fn settle_results_errors_and_waits() {
        let c = call(Op::Show, r#""s""#).unwrap();
        let Step::Done(json) = settle(&c, 1, &response(200, r#"{"snapshot":{"id":"s","size":2}}"#), 0.0, 0.5) else { panic!() };
        assert_eq!(serde_json::from_str::<J>(&json).unwrap()["size"], 2);
        // 503 on attempt 1 of 3: wait (full jitter of 100 ms at random 0.5).
        assert_eq!(settle(&c, 1, &response(503, ""), 0.0, 0.5), Step::Wait(50));
        // Retry-After wins on a 429.
        let ra = Ended::Response { status: 429, request_id: None, retry_after: Some("2"), body: b"", truncated: false };
        assert_eq!(settle(&c, 2, &ra, 0.0, 0.5), Step::Wait(2000));
        // The last attempt fails, saying how many were made.
        let Step::Fail(e) = settle(&c, 3, &response(503, ""), 0.0, 0.5) else { panic!() };
        assert_eq!((e.kind, e.status, e.retryable()), (ErrorKind::Http, Some(503), true));
        assert!(e.message.ends_with("(after 3 attempts)"), "{}", e.message);
        // 404 is final at once.
        let Step::Fail(e) = settle(&c, 1, &response(404, r#"{"itemNotFound":{"message":"no s","code":404}}"#), 0.0, 0.5) else { panic!() };
        assert_eq!((e.status, e.message.as_str(), e.request_id.as_deref()), (Some(404), "no s", Some("rid")));
        assert_eq!(settle(&c, 1, &Ended::Timeout, 0.0, 0.0), Step::Wait(0));
        let Step::Fail(e) = settle(&c, 3, &Ended::Timeout, 0.0, 0.0) else { panic!() };
        assert_eq!(e.message, "no response within 30000 ms (after 3 attempts)");
        let Step::Fail(e) = settle(&c, 3, &Ended::Network("ECONNREFUSED"), 0.0, 0.0) else { panic!() };
        assert_eq!(e.message, "the request failed before a response: ECONNREFUSED (after 3 attempts)");
        assert_eq!(settle(&c, 1, &Ended::Aborted, 0.0, 0.0), Step::Fail(aborted()));
        let cut = Ended::Response { status: 200, request_id: None, retry_after: None, body: b"{", truncated: true };
        let Step::Fail(e) = settle(&c, 1, &cut, 0.0, 0.0) else { panic!() };
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::InvalidResponse, "the response body is larger than 16 MiB"));
        assert_eq!(step_text(Step::Wait(120)), "W120");
        assert!(step_text(Step::Fail(aborted())).starts_with("E{\"kind\":\"aborted\""));
    }

    #[test]
    fn settle_described_reads_success_directly_and_checks_the_rest() {
        let desc = format!(r#"{{"config":{CFG},"arg":"s"}}"#);
        let ok = response(200, r#"{"snapshot":{"id":"s","size":2}}"#);
        let c = prepare(Op::Show, &desc).unwrap();
        assert_eq!(settle_described(Op::Show, &desc, 1, &ok, 0.0, 0.5), settle(&c, 1, &ok, 0.0, 0.5));
        for ended in [response(503, ""), response(200, "not json"), Ended::Timeout, Ended::Aborted] {
            assert_eq!(settle_described(Op::Show, &desc, 1, &ended, 0.0, 0.5), settle(&c, 1, &ended, 0.0, 0.5));
        }
        // A 2xx other than 200 reads the same way.
        let created = response(203, r#"{"snapshot":{"id":"s","size":2}}"#);
        assert_eq!(settle_described(Op::Show, &desc, 1, &created, 0.0, 0.5), settle(&c, 1, &created, 0.0, 0.5));
    }

    #[test]
    fn settle_redacts_secrets() {
        let cfg = r#"{"projectId":"p","endpoint":"http://h","auth":{"token":"tok-secret-1"}}"#;
        let c = prepare(Op::Show, &format!(r#"{{"config":{cfg},"arg":"s"}}"#)).unwrap();
        let Step::Fail(e) = settle(&c, 1, &response(401, r#"{"error_msg":"bad token tok-secret-1","error_code":"APIGW.0301"}"#), 0.0, 0.0)
        else {
            panic!()
        };
        assert_eq!(e.message, "bad token [redacted]");
    }

    #[test]
    fn next_page_moves_the_marker_and_stops_loops() {
        let opts = next_page(r#"{"limit":2,"offset":5,"name":"n"}"#, 2, Some("b")).unwrap().unwrap();
        let o: J = serde_json::from_str(&opts).unwrap();
        assert_eq!(o, serde_json::json!({"marker": "b", "name": "n", "limit": 2, "seen": ["b"]}));
        let opts = next_page(&opts, 2, Some("d")).unwrap().unwrap();
        assert_eq!(serde_json::from_str::<J>(&opts).unwrap()["seen"], serde_json::json!(["b", "d"]));
        assert_eq!(next_page(&opts, 1, None).unwrap(), None);
        assert_eq!(next_page(&opts, 0, Some("e")).unwrap(), None);
        assert_eq!(next_page(&opts, 2, Some("b")).unwrap_err().kind, ErrorKind::InvalidResponse);
        // The caller's own starting marker counts as seen.
        assert!(next_page(r#"{"marker":"start"}"#, 1, Some("start")).is_err());
        assert_eq!(next_page(r#"{"limit":0}"#, 1, Some("x")).unwrap_err().kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn sign_from_a_description() {
        let d = r#"{"request":{"method":"GET","url":"https://iam.example.com/v3/projects?b=2&a=1","headers":[["Content-Type","application/json"]]},
                    "credentials":{"accessKey":"AK","secretKey":"SK"},"date":1795342500000}"#;
        let out: J = serde_json::from_str(&sign_described(d, b"", 0.0).unwrap()).unwrap();
        assert_eq!(out["url"], "https://iam.example.com/v3/projects?a=1&b=2");
        assert_eq!(out["headers"]["X-Sdk-Date"], "20261122T101500Z");
        let bad = |d: &str| invalid(sign_described(d, b"", 0.0));
        assert_eq!(bad(r#"{"credentials":{"accessKey":"a","secretKey":"b"}}"#), "request must be an object, not undefined");
        assert_eq!(
            bad(r#"{"request":{"method":"GET","url":"https://h/","body":{"t":"a number"}},"credentials":{"accessKey":"a","secretKey":"b"}}"#),
            "request.body must be a string or a Uint8Array, not a number"
        );
        assert_eq!(
            bad(r#"{"request":{"method":"GET","url":"https://h/"},"credentials":{"accessKey":"a","secretKey":"b"},"date":{"t":"an invalid Date"}}"#),
            "date is an invalid Date"
        );
        assert_eq!(
            bad(r#"{"request":{"method":"GET","url":"https://h/"},"credentials":{"accessKey":"a","secretKey":"b"},"date":"x"}"#),
            "date must be a Date, not a string"
        );
        assert_eq!(
            bad(r#"{"request":{"method":"GET","url":"https://h/"},"credentials":{"accessKey":"a","secretKey":"b"},"date":{"t":"a number"}}"#),
            "date must be a Date, not a number"
        );
        assert!(bad(r#"{"request":{"method":"GET","url":"https://h/"}}"#).starts_with("credentials must be an object"));
    }
}
