//! The signing proxy's decisions (docs/contract.md "Serving browsers: the
//! signing proxy"), with no I/O: a server on the page's own origin that
//! holds the credentials and forwards exactly two reads of its own project
//! to EVS, signed, and answers everything else itself.
//!
//! - [`Proxy::new`]: `createProxy`'s options checked (the config as the
//!   calls check theirs, `basePath`, `allowOrigins`), or `invalid_input`;
//! - [`Proxy::route`]: a browser's request judged in the contract's order
//!   (origin, preflight, method, path); what needs the project ID waits
//!   for it ([`Routed`]);
//! - [`Proxy::forward`]: then the project and the query, into the call to
//!   make, with the list options' own checks ([`check_list_options`]) and
//!   the ID rule ([`check_id`]);
//! - [`Forward`]: that call's one attempt (plus at most the one
//!   clock-corrected resend) on the core's [`Attempts`], and what the
//!   browser gets back: the upstream status, the allowed headers and the
//!   body (redacted unless 2xx), or the proxy's own answer (502, 504);
//! - [`redact_bytes`]: the redaction rule of error messages
//!   ([`super::error::redact`]: every credential, and every run of
//!   [`SECRET_RUN`] bytes of one), over a whole body.
//!
//! The shell (`src/wasm/proxy.rs`) reads the request's parts, asks IAM for
//! the project ID when the config leaves it out, calls the console's
//! `authorize`, sends and sleeps; every decision is here.

use serde::{Deserialize, Deserializer};

use super::arg1_shape::{Field, Shape, CONFIG};
use super::arg2_raw::{RawConfig, RawList, RawListOptions};
use super::arg3_input::{check_id, lenient, Input};
use super::arg4_config::{check_config, check_list_options, Auth, Config};
use super::call::{AttemptReport, Attempts, Call, Step, Target};
use super::encode::decode;
use super::ended::{Ended, Received};
use super::endpoint::parse_absolute;
use super::error::{cut, ErrorKind, EvsError, MAX_MESSAGE, SECRET_RUN};
use super::request::{query_pairs, Request};
use super::response::is_success;

/// `createProxy`'s options (docs/contract.md "Keys" applies to them too).
pub const PROXY_OPTIONS: &[Field] =
    &[("config", Shape::Object(CONFIG)), ("basePath", Shape::Value), ("allowOrigins", Shape::List), ("authorize", Shape::Kept)];

/// The base path when none is given.
pub const DEFAULT_BASE_PATH: &str = "/evs";

/// The query keys a list request may carry (the wire's names).
pub const LIST_KEYS: [&str; 6] = ["marker", "offset", "limit", "name", "status", "volume_id"];

/// The upstream answer's headers that reach the browser; no other does
/// (never `Set-Cookie`).
pub const PASSED_HEADERS: [&str; 5] = ["Content-Type", "X-Request-Id", "X-Openstack-Request-Id", "Retry-After", "Date"];

/// `createProxy`'s options as given, but for `config` (read as a
/// [`RawConfig`]) and `authorize` (the shell's).
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RawProxyOptions {
    /// `basePath`.
    #[serde(deserialize_with = "lenient")]
    pub base_path: Input,
    /// `allowOrigins`.
    #[serde(deserialize_with = "lenient_list")]
    pub allow_origins: RawList,
}

fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<RawList, D::Error> {
    Ok(RawList::deserialize(d).unwrap_or(RawList::Not("a function or symbol")))
}

/// A checked proxy: the server's connection and what it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The server's config, checked; `maxAttempts` is 1 (the page's client
    /// retries: a proxy that retried too would multiply the attempts).
    pub config: Config,
    /// Where the page's endpoint is, without a trailing `/` (`""` for `/`).
    pub base_path: String,
    /// Other origins allowed to call (CORS, GET and HEAD), as browsers
    /// write an `Origin`: `scheme://host[:port]`, lower case, no default port.
    pub allow_origins: Vec<String>,
}

/// What a browser sent, as far as the proxy reads it. Nothing else of the
/// request (no header of the browser's) is ever forwarded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Incoming<'a> {
    /// The method, as sent (methods are case-sensitive).
    pub method: &'a str,
    /// The path as it came, percent-encoding and all, without the query.
    pub path: &'a str,
    /// The query text after `?`, when there was one.
    pub query: Option<&'a str>,
    /// The origin the request was sent to (`scheme://host[:port]`, from
    /// the URL the server saw), when known.
    pub own_origin: Option<&'a str>,
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// The `Sec-Fetch-Site` header.
    pub fetch_site: Option<&'a str>,
    /// A preflight's `Access-Control-Request-Headers`.
    pub request_headers: Option<&'a str>,
}

/// A whole answer to the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for `HEAD`).
    pub body: Vec<u8>,
}

impl Answer {
    /// The value of header `name` (case-insensitive), if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Which of the two reads a request is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// `{basePath}/v2/{projectId}/cloudsnapshots/{snapshotId}`, the ID decoded.
    Show(String),
    /// `{basePath}/v2/{projectId}/snapshots`.
    List,
}

/// A request that passed the origin, preflight, method and path rows; the
/// project and the query are judged once the project ID is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    /// The project ID in the path, decoded.
    pub project: String,
    /// Which read.
    pub read: Read,
    /// The query text, as it came.
    pub query: Option<String>,
    /// `HEAD`: the answer has no body.
    pub head: bool,
    /// Another origin of `allowOrigins`: its answers carry CORS headers.
    pub cors: Option<String>,
}

/// What [`Proxy::route`] decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The proxy answers itself; nothing is sent upstream.
    Answer(Answer),
    /// One of the two reads, for the project and query rows next.
    Routed(Routed),
}

/// The answer the proxy gives itself: EVS's error shape,
/// `{"error": {"code": "PROXY.<status>", "message": …}}`, with the
/// headers every answer has, and CORS headers for an allowed other origin.
pub fn own_answer(status: u16, message: &str, cors: Option<&str>, head: bool) -> Answer {
    let mut message = message.to_string();
    cut(&mut message, MAX_MESSAGE);
    #[derive(serde::Serialize)]
    struct Body<'a> {
        error: Inner<'a>,
    }
    #[derive(serde::Serialize)]
    struct Inner<'a> {
        code: &'a str,
        message: &'a str,
    }
    let code = format!("PROXY.{status}");
    let body = serde_json::to_string(&Body { error: Inner { code: &code, message: &message } }).unwrap_or_default();
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    headers.extend(always(cors));
    Answer { status, headers, body: if head { Vec::new() } else { body.into_bytes() } }
}

/// `Cache-Control: no-store`, `X-Content-Type-Options: nosniff`, and for
/// an allowed other origin its CORS headers.
fn always(cors: Option<&str>) -> Vec<(String, String)> {
    let mut h = vec![("Cache-Control".to_string(), "no-store".to_string()), ("X-Content-Type-Options".to_string(), "nosniff".to_string())];
    if let Some(origin) = cors {
        h.push(("Access-Control-Allow-Origin".into(), origin.into()));
        h.push(("Access-Control-Expose-Headers".into(), "X-Request-Id, X-Openstack-Request-Id, Retry-After, Date".into()));
        h.push(("Vary".into(), "Origin".into()));
    }
    h
}

/// `basePath`: `/` and then path segments of RFC 3986 `pchar`s but `%`
/// and `;` (so that what is matched is what is written); a trailing `/` is
/// ignored, as `endpoint`'s is.
fn check_base_path(v: &Input) -> Result<String, EvsError> {
    let s = match v {
        Input::Absent => return Ok(DEFAULT_BASE_PATH.into()),
        Input::Str(s) => s.as_str(),
        other => return Err(EvsError::wrong_type("basePath", "a string", other.type_name())),
    };
    let bad = || EvsError::field("basePath", "must be a path such as \"/evs\": '/' and then segments of letters, digits and -._~!$&'()*+,=:@");
    let Some(rest) = s.strip_prefix('/') else { return Err(bad()) };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Ok(String::new());
    }
    for segment in rest.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err(bad());
        }
        if !segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,=:@".contains(&b)) {
            return Err(bad());
        }
    }
    Ok(format!("/{rest}"))
}

/// `allowOrigins`: each an `http:`/`https:` origin, written as browsers
/// write an `Origin` header.
fn check_origins(v: &RawList) -> Result<Vec<String>, EvsError> {
    let items = match v {
        RawList::Absent => return Ok(Vec::new()),
        RawList::Not(t) => return Err(EvsError::wrong_type("allowOrigins", "an array of origins", t)),
        RawList::Items(items) => items,
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = format!("allowOrigins[{i}]");
        let s = match item {
            Input::Str(s) => s,
            other => return Err(EvsError::wrong_type(&field, "a string (an origin)", other.type_name())),
        };
        if s == "*" || s == "null" {
            return Err(EvsError::field(
                &field,
                &format!("must be an origin such as \"https://console.example.com\", not {s}: the proxy signs with the server's credentials for every origin it allows"),
            ));
        }
        let e = parse_absolute(s, &field)?;
        if !e.path_prefix.is_empty() || s.ends_with('/') {
            return Err(EvsError::field(&field, "must be an origin (scheme, host and port), with no path"));
        }
        out.push(format!("{}://{}", e.scheme, e.host));
    }
    Ok(out)
}

/// `%2F`, `%5C`, `%2E` and `%3B` (either case) as the characters they
/// encode; everything else as it came.
fn four_decoded(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        out.push_str(rest.get(..at).unwrap_or(""));
        let code = rest.get(at + 1..at + 3).map(str::to_ascii_uppercase);
        let c = match code.as_deref() {
            Some("2F") => Some('/'),
            Some("5C") => Some('\\'),
            Some("2E") => Some('.'),
            Some("3B") => Some(';'),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = rest.get(at + 3..).unwrap_or("");
            }
            None => {
                out.push('%');
                rest = rest.get(at + 1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// A path segment percent-decoded, when it is UTF-8 without control
/// characters.
fn segment(s: &str) -> Option<String> {
    String::from_utf8(decode(s, false)).ok().filter(|d| !d.chars().any(char::is_control))
}

impl Proxy {
    /// `createProxy(options)`: the config checked as the calls check theirs
    /// (docs/contract.md "Invalid input"), then `basePath` and
    /// `allowOrigins`.
    ///
    /// # Errors
    /// `invalid_input` for the first rule broken.
    pub fn new(config: &RawConfig, options: &RawProxyOptions) -> Result<Proxy, EvsError> {
        let mut config = check_config(config)?;
        config.max_attempts = 1;
        let base_path = check_base_path(&options.base_path)?;
        let allow_origins = check_origins(&options.allow_origins)?;
        Ok(Proxy { config, base_path, allow_origins })
    }

    /// The IAM call that finds the project ID, when the config left it out.
    pub fn project_lookup(&self) -> Option<Call> {
        self.call(Target::Show(String::new())).project_lookup()
    }

    fn call(&self, target: Target) -> Call {
        Call { config: self.config.clone(), target }
    }

    /// The origin, preflight, method and path rows, in that order.
    pub fn route(&self, r: &Incoming<'_>) -> Route {
        let refuse = |status: u16, message: &str, cors: Option<&str>| Route::Answer(own_answer(status, message, cors, r.method == "HEAD"));
        // Origin.
        let origin = r.origin.map(str::to_ascii_lowercase);
        let cors = match origin.as_deref() {
            Some(o) if r.own_origin.is_some_and(|own| own.eq_ignore_ascii_case(o)) => None,
            Some(o) if self.allow_origins.iter().any(|a| a == o) => Some(o.to_string()),
            Some(_) => return refuse(403, "this origin may not use this proxy", None),
            None if r.fetch_site.is_some_and(|s| s.trim().eq_ignore_ascii_case("cross-site")) => {
                return refuse(403, "a cross-site request without an allowed Origin may not use this proxy", None)
            }
            None => None,
        };
        // Preflight.
        if r.method == "OPTIONS" {
            let Some(origin) = cors else { return refuse(403, "only a preflight from an allowed origin is answered", None) };
            let mut headers = vec![
                ("Access-Control-Allow-Origin".to_string(), origin),
                ("Access-Control-Allow-Methods".to_string(), "GET, HEAD".to_string()),
                ("Access-Control-Max-Age".to_string(), "600".to_string()),
                ("Vary".to_string(), "Origin".to_string()),
                ("Cache-Control".to_string(), "no-store".to_string()),
                ("X-Content-Type-Options".to_string(), "nosniff".to_string()),
            ];
            // What the page's client sends is never forwarded, so any
            // header it asks to send may be sent (names only, RFC 9110 tokens).
            if let Some(asked) = r.request_headers {
                let names: Vec<&str> = asked.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
                let token = |n: &str| n.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                if !names.is_empty() && names.iter().all(|n| token(n)) {
                    headers.push(("Access-Control-Allow-Headers".into(), names.join(", ")));
                }
            }
            return Route::Answer(Answer { status: 204, headers, body: Vec::new() });
        }
        let cors = cors.as_deref();
        // Method.
        if r.method != "GET" && r.method != "HEAD" {
            let mut a = own_answer(405, "only GET and HEAD are forwarded", cors, false);
            a.headers.push(("Allow".into(), "GET, HEAD".into()));
            return Route::Answer(a);
        }
        // Path: as it came and with %2F, %5C, %2E and %3B decoded.
        let not_found = || {
            refuse(404, &format!("not one of the two reads this proxy forwards: {0}/v2/{{projectId}}/snapshots and {0}/v2/{{projectId}}/cloudsnapshots/{{snapshotId}}", self.base_path), cors)
        };
        // An encoded '/' or '\\' would make the path split one way as it came
        // and another decoded: refused, like the characters themselves.
        let judged = four_decoded(r.path);
        let lower = r.path.to_ascii_lowercase();
        if judged.contains(['\\', ';']) || lower.contains("%2f") || lower.contains("%5c") || !r.path.starts_with('/') {
            return not_found();
        }
        let Some(rest) = judged.strip_prefix(self.base_path.as_str()).and_then(|p| p.strip_prefix('/')) else { return not_found() };
        let segments: Vec<&str> = rest.split('/').collect();
        if segments.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
            return not_found();
        }
        let (project, read) = match segments.as_slice() {
            ["v2", project, "snapshots"] => (project, Read::List),
            ["v2", project, "cloudsnapshots", id] => {
                let Some(id) = segment(id).and_then(|id| check_id("snapshotId", &Input::Str(id)).ok()) else { return not_found() };
                (project, Read::Show(id))
            }
            _ => return not_found(),
        };
        let Some(project) = segment(project) else { return not_found() };
        Route::Routed(Routed { project, read, query: r.query.map(String::from), head: r.method == "HEAD", cors: cors.map(String::from) })
    }

    /// The config's credentials and its access key: kept out of every
    /// answer. (The access key is no secret to EVS, but it is the
    /// server's, not the page's.)
    fn secrets(&self) -> Vec<&str> {
        let mut secrets = self.config.secrets();
        if let Auth::Keys { access_key, .. } = &self.config.auth {
            secrets.push(access_key);
        }
        secrets
    }

    /// The answer when the project ID could not be found: 502 (IAM's
    /// lookup failed), or 503 when the request was aborted meanwhile.
    pub fn lookup_failed(&self, e: &EvsError, routed: &Routed) -> Answer {
        let cors = routed.cors.as_deref();
        if e.kind == ErrorKind::Aborted {
            return own_answer(503, "the request was aborted before EVS answered", cors, routed.head);
        }
        let message = format!("the project ID could not be found: {}", redact_text(&e.message, &self.secrets()));
        own_answer(502, &message, cors, routed.head)
    }

    /// The answer when the console's `authorize` said no (or threw, or did
    /// not answer in time): 403, and nothing is sent upstream.
    pub fn unauthorized(&self, routed: &Routed) -> Answer {
        own_answer(403, "not authorized to use this proxy", routed.cors.as_deref(), routed.head)
    }

    /// The project and query rows, for the project ID the proxy serves
    /// (the config's, or IAM's): the call to make, or the answer.
    ///
    /// # Errors
    /// The proxy's own answer: 403 for another project, 400 naming the
    /// query key that is unknown, repeated or refused.
    pub fn forward(&self, routed: &Routed, project_id: &str, clock_offset_ms: f64) -> Result<Forward, Answer> {
        let cors = routed.cors.as_deref();
        let refuse = |status: u16, message: &str| own_answer(status, message, cors, routed.head);
        if routed.project != project_id {
            return Err(refuse(403, "this proxy serves one project, and it is not that one"));
        }
        let pairs = query_pairs(routed.query.as_deref().unwrap_or(""));
        let target = match &routed.read {
            Read::Show(id) => match pairs.first() {
                Some((k, _)) => return Err(refuse(400, &format!("query key \"{}\" is not forwarded: a snapshot's details take no query", shown(k)))),
                None => Target::Show(id.clone()),
            },
            Read::List => Target::List(list_query(&pairs).map_err(|m| refuse(400, &m))?),
        };
        let mut call = self.call(target);
        call.config.project_id = project_id.to_string();
        call.config.lookup = None;
        let secrets = self.secrets().into_iter().map(String::from).collect();
        Ok(Forward {
            attempts: Attempts::new(call, clock_offset_ms),
            url: String::new(),
            head: routed.head,
            cors: routed.cors.clone(),
            secrets,
            report: None,
        })
    }
}

/// A query key as shown in a message: at most 64 characters, on one line.
fn shown(key: &str) -> String {
    let mut s: String = key.chars().take(64).map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
    if key.chars().count() > 64 {
        s.push('…');
    }
    s
}

/// A list's query pairs as `listSnapshots`'s options: only [`LIST_KEYS`],
/// each at most once, `limit` and `offset` ASCII digits, then the options'
/// own checks.
///
/// # Errors
/// The message naming the key.
fn list_query(pairs: &[(String, String)]) -> Result<super::arg4_config::ListQuery, String> {
    let mut o = RawListOptions::default();
    let mut seen: Vec<&str> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let Some(key) = LIST_KEYS.iter().find(|n| **n == k.as_str()) else {
            return Err(format!("query key \"{}\" is not forwarded (a list takes {})", shown(k), LIST_KEYS.join(", ")));
        };
        if seen.contains(key) {
            return Err(format!("query key \"{key}\" is given more than once"));
        }
        seen.push(key);
        let number = || {
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("query key \"{key}\" must be a whole number written in ASCII digits"));
            }
            Ok(Input::Num(v.parse::<f64>().unwrap_or(f64::INFINITY)))
        };
        let slot = match *key {
            "marker" => &mut o.marker,
            "offset" => &mut o.offset,
            "limit" => &mut o.limit,
            "name" => &mut o.name,
            "status" => &mut o.status,
            _ => &mut o.volume_id,
        };
        *slot = if *key == "limit" || *key == "offset" { number()? } else { Input::Str(v.clone()) };
    }
    check_list_options(&o).map_err(|e| format!("query key {}", e.message))
}

/// What [`Forward::ended`] decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pass {
    /// Send again at once, signed with the server's time (a wrong clock,
    /// once per request).
    Resend,
    /// The answer to the browser.
    Answer(Answer),
}

/// One forwarded read: one attempt (`maxAttempts` is 1) plus at most the
/// one clock-corrected resend, on the core's [`Attempts`], so that its
/// clock correction, its reports for `onAttempt` and its redacted errors
/// are the calls' own.
#[derive(Debug, Clone)]
pub struct Forward {
    attempts: Attempts,
    /// The URL of the request in flight, for a 2xx report.
    url: String,
    head: bool,
    cors: Option<String>,
    /// The config's credentials and its access key: redacted from every
    /// answer.
    secrets: Vec<String>,
    /// A 2xx attempt's report (other attempts report through `attempts`).
    report: Option<AttemptReport>,
}

impl Forward {
    /// The request to send now (`now_ms`: this machine's clock), signed
    /// with the corrected time.
    pub fn request(&mut self, now_ms: f64) -> Request {
        self.report = None;
        let r = self.attempts.request(now_ms);
        self.url.clone_from(&r.url);
        r
    }

    /// The call forwarded: for `onAttempt`'s `operation`.
    pub fn call(&self) -> &Call {
        self.attempts.call()
    }

    /// The offset to the service's clock, in ms: as given, or as learnt.
    pub fn clock_offset(&self) -> f64 {
        self.attempts.clock_offset()
    }

    /// What the attempt that ended last did, for `onAttempt`.
    pub fn report(&self) -> Option<&AttemptReport> {
        self.report.as_ref().or_else(|| self.attempts.report())
    }

    /// What the attempt that ended means for the browser (an answer's
    /// [`PASSED_HEADERS`] are among its headers: the shell reads them too).
    ///
    /// A 2xx body is passed on as it came (not read as snapshots); any
    /// other answer but a redirect with its body redacted; a redirect (never
    /// followed), a network failure or a body over the cap is 502, a
    /// timeout 504, the signal 503; a 401 for a wrong clock is sent again.
    pub fn ended(&mut self, ended: &Ended, now_ms: f64, random: f64) -> Pass {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        if let Ended::Response(r @ Received { status, truncated: false, .. }) = ended {
            let status = *status;
            if is_success(status) {
                self.report = Some(AttemptReport {
                    method: "GET",
                    url: std::mem::take(&mut self.url),
                    project_id: self.attempts.call().project_id().map(String::from),
                    attempt: 1,
                    max_attempts: 1,
                    status: Some(status),
                    request_id: r.request_id().map(String::from),
                    retry_in_ms: None,
                    clock_corrected_ms: None,
                    error: None,
                });
                return Pass::Answer(self.upstream(status, &r.headers, r.body.clone()));
            }
        }
        if self.attempts.ended(ended, now_ms, random) == Step::Resend {
            return Pass::Resend;
        }
        let cors = self.cors.as_deref();
        let message = |fallback: &str| {
            let m = self.attempts.report().and_then(|r| r.error.as_ref()).map_or_else(|| fallback.to_string(), |e| e.message.clone());
            redact_text(&m, &secrets)
        };
        Pass::Answer(match ended {
            Ended::Response(r) if (300..400).contains(&r.status) => {
                own_answer(502, &message("EVS answered with a redirect, which is not followed"), cors, self.head)
            }
            Ended::Response(r) if is_success(r.status) => own_answer(502, &message("EVS's answer is too large"), cors, self.head),
            Ended::Response(r) => {
                let body = redact_bytes(&r.body, &secrets).unwrap_or_else(|| r.body.clone());
                self.upstream(r.status, &r.headers, body)
            }
            Ended::Timeout => own_answer(504, &message("EVS did not answer in time"), cors, self.head),
            Ended::Aborted => own_answer(503, "the request was aborted before EVS answered", cors, self.head),
            Ended::Network(_) | Ended::HiddenRedirect => own_answer(502, &message("EVS could not be reached"), cors, self.head),
        })
    }

    /// EVS's answer as the browser gets it: its status, the
    /// [`PASSED_HEADERS`] (each value redacted too), and the body.
    fn upstream(&self, status: u16, headers: &[(String, String)], body: Vec<u8>) -> Answer {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        let mut out: Vec<(String, String)> = Vec::with_capacity(headers.len() + 6);
        for name in PASSED_HEADERS {
            if let Some((_, v)) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                out.push((name.to_string(), redact_text(v, &secrets)));
            }
        }
        out.extend(always(self.cors.as_deref()));
        Answer { status, headers: out, body: if self.head { Vec::new() } else { body } }
    }
}

/// `text` with every credential and every run of [`SECRET_RUN`] bytes of
/// one taken out ([`redact_bytes`]).
fn redact_text(text: &str, secrets: &[&str]) -> String {
    redact_bytes(text.as_bytes(), secrets).map_or_else(|| text.to_string(), |b| String::from_utf8_lossy(&b).into_owned())
}

/// Shortest credential looked for (as [`super::error::redact`] does).
const MIN_SECRET: usize = 4;

/// `body` with each credential of `secrets` taken out, or `None` when it
/// holds none: the rule of error messages ([`super::error::redact`]) over
/// a whole body, however long, in one pass: every occurrence of a secret,
/// and every run of [`SECRET_RUN`] bytes that also stands in one, becomes
/// `[redacted]` (widened to whole UTF-8 characters). A secret is also
/// looked for as JSON writes it in a string (`"` and `\` escaped, `/`
/// written `\/` by some servers).
pub fn redact_bytes(body: &[u8], secrets: &[&str]) -> Option<Vec<u8>> {
    let mut forms: Vec<String> = Vec::with_capacity(secrets.len() * 3);
    for s in secrets.iter().filter(|s| s.len() >= MIN_SECRET) {
        forms.push((*s).to_string());
        if let Ok(json) = serde_json::to_string(s) {
            let inner = json.get(1..json.len() - 1).unwrap_or("").to_string();
            forms.push(inner.replace('/', "\\/"));
            forms.push(inner);
        }
    }
    forms.sort();
    forms.dedup();
    let mut hidden = vec![false; body.len()];
    let mut any = false;
    let mut hide = |at: usize, len: usize| {
        for h in hidden.iter_mut().skip(at).take(len) {
            *h = true;
        }
        any = true;
    };
    // Short secrets: whole occurrences. Longer: any SECRET_RUN bytes of one.
    let mut runs: Vec<&[u8]> = Vec::new();
    for form in &forms {
        let f = form.as_bytes();
        if f.len() < SECRET_RUN {
            let mut at = 0;
            while let Some(i) = body.get(at..).and_then(|rest| rest.windows(f.len()).position(|w| w == f)) {
                hide(at + i, f.len());
                at += i + 1;
            }
        } else {
            runs.extend(f.windows(SECRET_RUN));
        }
    }
    runs.sort_unstable();
    runs.dedup();
    if !runs.is_empty() {
        for (at, w) in body.windows(SECRET_RUN).enumerate() {
            if runs.binary_search(&w).is_ok() {
                hide(at, SECRET_RUN);
            }
        }
    }
    if !any {
        return None;
    }
    // Whole characters: a hidden byte hides the rest of its character.
    let continuation = |b: u8| b & 0xC0 == 0x80;
    for i in 1..body.len() {
        if hidden.get(i - 1) == Some(&true) && body.get(i).copied().is_some_and(continuation) {
            if let Some(h) = hidden.get_mut(i) {
                *h = true;
            }
        }
    }
    for i in (0..body.len().saturating_sub(1)).rev() {
        if hidden.get(i + 1) == Some(&true) && body.get(i + 1).copied().is_some_and(continuation) {
            if let Some(h) = hidden.get_mut(i) {
                *h = true;
            }
        }
    }
    let mut out = Vec::with_capacity(body.len());
    let mut in_run = false;
    for (b, h) in body.iter().zip(&hidden) {
        match (*h, in_run) {
            (true, false) => out.extend_from_slice(b"[redacted]"),
            (false, _) => out.push(*b),
            (true, true) => {}
        }
        in_run = *h;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = "c5d4b3a2f1e0d9c8b7a6f5e4d3c2b1a0";

    /// A list filter added to `ListOptions` (arg1_shape's `LIST_OPTIONS`)
    /// and not to the proxy's query keys would be refused by the proxy,
    /// and one here alone would be a key no list takes: the two lists
    /// name the same filters, the wire's `volume_id` for `volumeId`.
    #[test]
    fn the_proxy_forwards_exactly_the_list_options() {
        let wire = |option: &str| {
            option.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] }).collect::<String>()
        };
        let mut options: Vec<String> = super::super::arg1_shape::LIST_OPTIONS.iter().map(|(o, _)| wire(o)).collect();
        let mut keys: Vec<String> = LIST_KEYS.iter().map(|k| (*k).to_string()).collect();
        options.sort();
        keys.sort();
        assert_eq!(options, keys);
        // Each key reaches its own option, not another's.
        for key in LIST_KEYS {
            let value = if key == "limit" || key == "offset" { "7" } else { "x" };
            let q = list_query(&[(key.to_string(), value.to_string())]);
            let pairs = q.map(|q| super::super::request::list_query_pairs(&q));
            assert_eq!(pairs, Ok(vec![(key.to_string(), value.to_string())]), "{key}");
        }
    }
    const SK: &str = "sk-proxy-Secret-0123456789abcdef";
    const OWN: &str = "http://127.0.0.1:3000";

    fn config(extra: &str) -> RawConfig {
        serde_json::from_str(&format!(
            r#"{{"projectId":"{PROJECT}","endpoint":"http://127.0.0.1:8081","auth":{{"accessKey":"AKPROXY0123456789","secretKey":"{SK}"}}{extra}}}"#
        ))
        .unwrap()
    }

    fn proxy(options: &str) -> Proxy {
        Proxy::new(&config(""), &serde_json::from_str(options).unwrap()).unwrap()
    }

    fn get(path: &str) -> Incoming<'_> {
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        Incoming { method: "GET", path, query, own_origin: Some(OWN), ..Incoming::default() }
    }

    /// The proxy's own answer: its status, and its body's code and message.
    fn answered(r: Route) -> (u16, String, String) {
        let Route::Answer(a) = r else { panic!("routed: {r:?}") };
        own(&a)
    }

    fn own(a: &Answer) -> (u16, String, String) {
        if a.body.is_empty() {
            return (a.status, String::new(), String::new());
        }
        let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(a.header("content-type"), Some("application/json"));
        assert_eq!(a.header("cache-control"), Some("no-store"));
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        (a.status, v["error"]["code"].as_str().unwrap().to_string(), v["error"]["message"].as_str().unwrap().to_string())
    }

    fn routed(r: Route) -> Routed {
        let Route::Routed(r) = r else { panic!("answered: {r:?}") };
        r
    }

    #[test]
    fn options_are_checked_as_the_calls_check_theirs() {
        let p = proxy("{}");
        assert_eq!((p.base_path.as_str(), p.allow_origins.len(), p.config.max_attempts), ("/evs", 0, 1));
        let p = proxy(r#"{"basePath":"/api/evs/","allowOrigins":["HTTPS://Console.Example.com:443","http://127.0.0.1:5173"]}"#);
        assert_eq!(p.base_path, "/api/evs");
        assert_eq!(p.allow_origins, ["https://console.example.com", "http://127.0.0.1:5173"]);
        assert_eq!(proxy(r#"{"basePath":"/"}"#).base_path, "");
        let bad = |c: RawConfig, o: &str| {
            let e = Proxy::new(&c, &serde_json::from_str(o).unwrap()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            e.message
        };
        for (o, want) in [
            (r#"{"basePath":"evs"}"#, "basePath must be a path"),
            (r#"{"basePath":"/evs//x"}"#, "basePath must be a path"),
            (r#"{"basePath":"/a/../b"}"#, "basePath must be a path"),
            (r#"{"basePath":"/a%2Fb"}"#, "basePath must be a path"),
            (r#"{"basePath":"/a;b"}"#, "basePath must be a path"),
            (r#"{"basePath":"/a?b"}"#, "basePath must be a path"),
            (r#"{"basePath":5}"#, "basePath must be a string, not a number"),
            (r#"{"allowOrigins":"http://x"}"#, "allowOrigins must be an array of origins, not a string"),
            (r#"{"allowOrigins":[5]}"#, "allowOrigins[0] must be a string (an origin), not a number"),
            (r#"{"allowOrigins":["*"]}"#, "allowOrigins[0] must be an origin such as"),
            (r#"{"allowOrigins":["null"]}"#, "allowOrigins[0] must be an origin such as"),
            (r#"{"allowOrigins":["http://a/b"]}"#, "allowOrigins[0] must be an origin (scheme, host and port), with no path"),
            (r#"{"allowOrigins":["http://a/"]}"#, "allowOrigins[0] must be an origin"),
            (r#"{"allowOrigins":["ftp://a"]}"#, "allowOrigins[0] must be an http: or https: URL"),
        ] {
            let m = bad(config(""), o);
            assert!(m.starts_with(want), "{o}: {m}");
        }
        // The config's own rules, and no credential in the message.
        assert_eq!(bad(config(r#","timeoutMs":0"#), "{}"), "timeoutMs must be a positive integer");
        let m =
            bad(serde_json::from_str(&format!(r#"{{"projectId":"a/b","auth":{{"accessKey":"A","secretKey":"{SK}"}},"region":"r"}}"#)).unwrap(), "{}");
        assert!(m.starts_with("projectId must be a single path segment") && !m.contains(SK), "{m}");
        // A path endpoint has no page to resolve it against on a server.
        assert!(bad(serde_json::from_str(r#"{"projectId":"p","endpoint":"/evs"}"#).unwrap(), "{}").contains("no page to resolve it against"));
    }

    #[test]
    fn the_two_reads_are_routed() {
        let p = proxy("{}");
        let r = routed(p.route(&get(&format!("/evs/v2/{PROJECT}/snapshots?limit=5"))));
        assert_eq!(
            (r.project.as_str(), &r.read, r.query.as_deref(), r.head, r.cors.as_deref()),
            (PROJECT, &Read::List, Some("limit=5"), false, None)
        );
        let r = routed(p.route(&get(&format!("/evs/v2/{PROJECT}/cloudsnapshots/snap%20one%E4%B8%AD"))));
        assert_eq!(r.read, Read::Show("snap one中".into()));
        // An encoded '.' within a segment is a dot, and a dot is fine there.
        assert_eq!(routed(p.route(&get(&format!("/evs/v2/{PROJECT}/cloudsnapshots/a%2eb")))).read, Read::Show("a.b".into()));
        let path = format!("/evs/v2/{PROJECT}/snapshots");
        let head = Incoming { method: "HEAD", ..get(&path) };
        assert!(routed(p.route(&head)).head);
        // basePath "/": the API at the root.
        assert_eq!(routed(proxy(r#"{"basePath":"/"}"#).route(&get(&format!("/v2/{PROJECT}/snapshots")))).read, Read::List);
    }

    #[test]
    fn paths_that_are_not_one_of_the_two_are_404() {
        let p = proxy("{}");
        let snaps = format!("/evs/v2/{PROJECT}/snapshots");
        let show = format!("/evs/v2/{PROJECT}/cloudsnapshots");
        for path in [
            "/".to_string(),
            "/evs".into(),
            "/evs/".into(),
            format!("/other/v2/{PROJECT}/snapshots"),
            format!("/evsx/v2/{PROJECT}/snapshots"),
            format!("{snaps}/"),
            format!("{snaps}/detail"),
            format!("/evs/v2/{PROJECT}/cloudsnapshots/detail/x"),
            format!("/evs/v2/{PROJECT}/volumes"),
            format!("/evs/v3/{PROJECT}/snapshots"),
            "/evs/v3/projects".into(),
            format!("/evs/V2/{PROJECT}/snapshots"),
            format!("{show}/"),
            format!("{show}/a%2Fb"),
            format!("{show}/a%2fb"),
            format!("/evs/v2/{PROJECT}%2Fsnapshots"),
            format!("{show}/a%5Cb"),
            format!("{show}/a\\b"),
            format!("{show}/a;b"),
            format!("{show}/a%3Bb"),
            format!("{snaps};x"),
            format!("{show}/.."),
            format!("{show}/%2e%2e"),
            format!("{show}/%2E"),
            format!("{show}/."),
            format!("/evs/v2/{PROJECT}/x/%2e%2e/snapshots"),
            format!("/evs/v2/{PROJECT}/x/../snapshots"),
            format!("/evs//v2/{PROJECT}/snapshots"),
            format!("/evs/v2//{PROJECT}/snapshots"),
            format!("/evs/v2/{PROJECT}//snapshots"),
            format!("{show}/a%0Ab"),
            format!("{show}/a%3Fb"),
            format!("{show}/%FF"),
            "/evs/v2/%FF/snapshots".into(),
            format!("evs/v2/{PROJECT}/snapshots"),
        ] {
            let (status, code, message) = answered(p.route(&get(&path)));
            assert_eq!((status, code.as_str()), (404, "PROXY.404"), "{path}");
            assert!(message.contains("/evs/v2/{projectId}/snapshots"), "{message}");
        }
    }

    fn req<'a>(method: &'a str, path: &'a str, origin: Option<&'a str>, fetch_site: Option<&'a str>) -> Incoming<'a> {
        Incoming { method, path, query: None, own_origin: Some(OWN), origin, fetch_site, request_headers: None }
    }

    #[test]
    fn the_rows_are_judged_in_order() {
        let p = proxy(r#"{"allowOrigins":["https://console.example.com"]}"#);
        let snaps = format!("/evs/v2/{PROJECT}/snapshots");
        let with = req;
        let snaps: &str = &snaps;
        // Origin first: a foreign origin's DELETE of a bad path is 403, not 405 or 404.
        assert_eq!(answered(p.route(&with("DELETE", "/nowhere", Some("https://evil.example"), None))).0, 403);
        assert_eq!(answered(p.route(&with("GET", snaps, None, Some("cross-site")))).0, 403);
        // Allowed: its own origin, an allowed one (cross-site or not), no Origin at all.
        assert!(matches!(p.route(&with("GET", snaps, Some("http://127.0.0.1:3000"), Some("same-origin"))), Route::Routed(Routed { cors: None, .. })));
        let r = routed(p.route(&with("GET", snaps, Some("https://console.example.com"), Some("cross-site"))));
        assert_eq!(r.cors.as_deref(), Some("https://console.example.com"));
        assert!(matches!(p.route(&with("GET", snaps, None, Some("same-site"))), Route::Routed(_)));
        assert!(matches!(p.route(&with("GET", snaps, None, None)), Route::Routed(_)));
        assert_eq!(answered(p.route(&with("GET", snaps, Some("null"), None))).0, 403);
        // Preflight: from an allowed origin 204, whatever the path; else 403.
        let mut pre = with("OPTIONS", "/anything", Some("https://console.example.com"), Some("cross-site"));
        pre.request_headers = Some("accept, x-trace");
        let Route::Answer(a) = p.route(&pre) else { panic!() };
        assert_eq!((a.status, a.body.len()), (204, 0));
        assert_eq!(a.header("access-control-allow-origin"), Some("https://console.example.com"));
        assert_eq!(a.header("access-control-allow-methods"), Some("GET, HEAD"));
        assert_eq!(a.header("access-control-allow-headers"), Some("accept, x-trace"));
        assert_eq!(answered(p.route(&with("OPTIONS", snaps, Some("http://127.0.0.1:3000"), None))).0, 403);
        assert_eq!(answered(p.route(&with("OPTIONS", snaps, None, None))).0, 403);
        // Method before path.
        let Route::Answer(a) = p.route(&with("POST", "/nowhere", None, None)) else { panic!() };
        assert_eq!((own(&a).0, a.header("allow")), (405, Some("GET, HEAD")));
        for m in ["PUT", "DELETE", "PATCH", "get", "TRACE", "CONNECT"] {
            assert_eq!(answered(p.route(&with(m, snaps, None, None))).0, 405, "{m}");
        }
        // An allowed origin's refusals carry its CORS headers, so that its page can read them.
        let Route::Answer(a) = p.route(&with("GET", "/nowhere", Some("https://console.example.com"), None)) else { panic!() };
        assert_eq!((a.status, a.header("access-control-allow-origin")), (404, Some("https://console.example.com")));
        // HEAD: no body.
        let Route::Answer(a) = p.route(&with("HEAD", "/nowhere", None, None)) else { panic!() };
        assert_eq!((a.status, a.body.len()), (404, 0));
    }

    #[test]
    fn project_then_query_then_the_call() {
        let p = proxy("{}");
        let list = |q: &str| routed(p.route(&get(&format!("/evs/v2/{PROJECT}/snapshots?{q}"))));
        let refused = |r: Result<Forward, Answer>| own(&r.unwrap_err());
        // Another project: 403, before the query is read.
        let other = routed(p.route(&get("/evs/v2/another-project/snapshots?bogus=1")));
        assert_eq!(refused(p.forward(&other, PROJECT, 0.0)).0, 403);
        // Every filter, as signRequest reads a query: %XX as UTF-8, '+' a plus.
        let mut f =
            p.forward(&list("marker=m%201&offset=007&limit=1000&name=a+b%2Bc%20%E5%BF%AB&status=available&volume_id=v-1&"), PROJECT, 0.0).unwrap();
        let r = f.request(1_796_033_700_000.0);
        assert_eq!(
            r.url,
            format!("http://127.0.0.1:8081/v2/{PROJECT}/snapshots?limit=1000&marker=m%201&name=a%2Bb%2Bc%20%E5%BF%AB&offset=7&status=available&volume_id=v-1")
        );
        assert_eq!(r.header("X-Project-Id"), Some(PROJECT));
        assert!(r
            .header("Authorization")
            .unwrap()
            .starts_with("SDK-HMAC-SHA256 Access=AKPROXY0123456789, SignedHeaders=host;x-project-id;x-sdk-date,"));
        for (q, key) in [
            ("bogus=1", "\"bogus\" is not forwarded"),
            ("volumeId=v", "\"volumeId\" is not forwarded"),
            ("limit=5&limit=6", "\"limit\" is given more than once"),
            ("name=a&name=a", "\"name\" is given more than once"),
            ("limit=0", "limit must be an integer from 1 to 1000"),
            ("limit=1001", "limit must be an integer from 1 to 1000"),
            ("limit=", "\"limit\" must be a whole number"),
            ("limit=+5", "\"limit\" must be a whole number"),
            ("limit=5.0", "\"limit\" must be a whole number"),
            ("limit=1e3", "\"limit\" must be a whole number"),
            ("limit=%35", "limit"),
            ("offset=-1", "\"offset\" must be a whole number"),
            ("offset=99999999999999999999", "offset must be an integer from 0 to 9007199254740991"),
            ("limit=%EF%BC%95", "\"limit\" must be a whole number"),
        ] {
            let r = p.forward(&list(q), PROJECT, 0.0);
            if q == "limit=%35" {
                // "%35" is "5": read as signRequest reads it.
                assert!(r.is_ok(), "{q}");
                continue;
            }
            let (status, code, message) = refused(r);
            assert_eq!((status, code.as_str()), (400, "PROXY.400"), "{q}");
            assert!(message.contains(key), "{q}: {message}");
        }
        let long = format!("name={}", "%E4%B8%AD".repeat(86));
        assert!(refused(p.forward(&list(&long), PROJECT, 0.0)).2.contains("name must be at most 255 UTF-8 bytes"));
        assert!(p.forward(&list(&format!("name={}", "%E4%B8%AD".repeat(85))), PROJECT, 0.0).is_ok());
        // A snapshot's details take no query.
        let show = routed(p.route(&get(&format!("/evs/v2/{PROJECT}/cloudsnapshots/s-1?x=1"))));
        assert_eq!(refused(p.forward(&show, PROJECT, 0.0)).0, 400);
        let show = routed(p.route(&get(&format!("/evs/v2/{PROJECT}/cloudsnapshots/s%201?"))));
        let mut f = p.forward(&show, PROJECT, 0.0).unwrap();
        assert_eq!(f.request(0.0).url, format!("http://127.0.0.1:8081/v2/{PROJECT}/cloudsnapshots/s%201"));
    }

    /// An answer with `headers` (as the shell read them), then its `Date`
    /// when given, then `X-Request-Id: rid-1` (which the headers given win
    /// over).
    fn response(status: u16, date: Option<&str>, body: &[u8], headers: &[(String, String)]) -> Ended {
        let mut r = headers.iter().fold(Received::new(status, body), |r, (k, v)| r.with_header(k, v));
        if let Some(d) = date {
            r = r.with_header("Date", d);
        }
        Ended::Response(r.with_header("X-Request-Id", "rid-1"))
    }

    fn forward(p: &Proxy, path: &str) -> Forward {
        p.forward(&routed(p.route(&get(path))), PROJECT, 0.0).unwrap()
    }

    #[test]
    fn upstream_answers_pass_with_their_status_and_only_the_allowed_headers() {
        let p = proxy("{}");
        let mut f = forward(&p, &format!("/evs/v2/{PROJECT}/snapshots"));
        let _ = f.request(0.0);
        let headers: Vec<(String, String)> = [
            ("content-type", "application/json;charset=UTF-8"),
            ("x-request-id", "rid-1"),
            ("set-cookie", "session=upstream"),
            ("date", "Mon, 30 Nov 2026 10:15:00 GMT"),
            ("x-powered-by", "x"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        // A 2xx body as it came, even one that is no snapshot list.
        let Pass::Answer(a) = f.ended(&response(200, None, b"{\"not\": \"a list\"}", &headers), 0.0, 0.5) else { panic!() };
        assert_eq!((a.status, a.body.as_slice()), (200, &b"{\"not\": \"a list\"}"[..]));
        let names: Vec<&str> = a.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Content-Type", "X-Request-Id", "Date", "Cache-Control", "X-Content-Type-Options"]);
        let r = f.report().unwrap();
        assert_eq!((r.status, r.attempt, r.max_attempts, r.error.is_none()), (Some(200), 1, 1, true));
        // A 404 passes with its status and body.
        let mut f = forward(&p, &format!("/evs/v2/{PROJECT}/cloudsnapshots/nope"));
        let _ = f.request(0.0);
        let body = br#"{"itemNotFound":{"message":"no such snapshot","code":"EVS.0004"}}"#;
        let Pass::Answer(a) = f.ended(&response(404, None, body, &headers), 0.0, 0.5) else { panic!() };
        assert_eq!((a.status, a.body.as_slice(), a.header("x-request-id")), (404, &body[..], Some("rid-1")));
        assert_eq!(f.report().unwrap().error.as_ref().unwrap().code.as_deref(), Some("EVS.0004"));
        // One attempt: a 503 passes on at once, for the page's client to retry.
        let mut f = forward(&p, &format!("/evs/v2/{PROJECT}/snapshots"));
        let _ = f.request(0.0);
        let Pass::Answer(a) = f.ended(&response(503, None, b"busy", &[("Retry-After".into(), "2".into())]), 0.0, 0.5) else { panic!() };
        assert_eq!((a.status, a.header("retry-after"), a.body.as_slice()), (503, Some("2"), &b"busy"[..]));
        // HEAD: the status and headers, no body.
        let path = format!("/evs/v2/{PROJECT}/snapshots");
        let head = Incoming { method: "HEAD", ..get(&path) };
        let mut f = p.forward(&routed(p.route(&head)), PROJECT, 0.0).unwrap();
        assert_eq!(f.request(0.0).method, "GET");
        let Pass::Answer(a) = f.ended(&response(200, None, b"{}", &headers), 0.0, 0.5) else { panic!() };
        assert_eq!((a.status, a.body.len()), (200, 0));
    }

    #[test]
    fn failures_are_the_proxys_own_answers() {
        let p = proxy("{}");
        let path = format!("/evs/v2/{PROJECT}/snapshots");
        let end = |ended: Ended| {
            let mut f = forward(&p, &path);
            let _ = f.request(0.0);
            let Pass::Answer(a) = f.ended(&ended, 0.0, 0.5) else { panic!() };
            own(&a)
        };
        let redirect = Ended::Response(Received::new(302, "").with_header("Location", "https://elsewhere.example/"));
        let (status, code, message) = end(redirect);
        assert_eq!((status, code.as_str()), (502, "PROXY.502"));
        assert!(message.contains("redirects are not followed"), "{message}");
        assert_eq!(end(Ended::Network("ECONNREFUSED".into())).0, 502);
        assert!(end(Ended::Network("ECONNREFUSED".into())).2.contains("ECONNREFUSED"));
        assert_eq!(end(Ended::HiddenRedirect).0, 502);
        assert_eq!(end(Ended::Timeout), (504, "PROXY.504".into(), "no response within 30000 ms".into()));
        assert_eq!(end(Ended::Aborted).0, 503);
        let big = Ended::Response(Received::new(200, "{").cut());
        assert!(end(big).2.contains("larger than 16 MiB"));
    }

    #[test]
    fn a_wrong_clock_is_corrected_once_per_request() {
        let p = proxy("{}");
        let now = 1_796_033_700_000.0; // 2026-11-30T10:15:00Z
        let mut f = forward(&p, &format!("/evs/v2/{PROJECT}/snapshots"));
        assert_eq!(f.request(now).header("X-Sdk-Date"), Some("20261130T101500Z"));
        let skew = response(401, Some("Mon, 30 Nov 2026 10:35:00 GMT"), b"{}", &[]);
        assert_eq!(f.ended(&skew, now, 0.5), Pass::Resend);
        assert_eq!(f.clock_offset(), 1_200_000.0);
        assert_eq!(f.report().unwrap().clock_corrected_ms, Some(1_200_000.0));
        assert_eq!(f.request(now).header("X-Sdk-Date"), Some("20261130T103500Z"));
        // A second skew is final: the 401 passes on.
        let Pass::Answer(a) = f.ended(&response(401, Some("Mon, 30 Nov 2026 11:35:00 GMT"), b"{}", &[]), now, 0.5) else { panic!() };
        assert_eq!(a.status, 401);
        // A request that starts with the corrected offset signs with it.
        let mut g = p.forward(&routed(p.route(&get(&format!("/evs/v2/{PROJECT}/snapshots")))), PROJECT, 1_200_000.0).unwrap();
        assert_eq!(g.request(now).header("X-Sdk-Date"), Some("20261130T103500Z"));
    }

    #[test]
    fn no_credential_reaches_an_answer() {
        let token = format!("MIIZ{}/+=tail", "AbCdEfGh0123456789".repeat(40));
        let c: RawConfig =
            serde_json::from_str(&format!(r#"{{"projectId":"{PROJECT}","endpoint":"http://h","auth":{{"token":"{token}"}}}}"#)).unwrap();
        let p = Proxy::new(&c, &RawProxyOptions::default()).unwrap();
        let half = &token[..token.len() / 2];
        let escaped = token.replace('/', "\\/");
        let body = format!(r#"{{"error_msg":"token {token} refused; {half}; {escaped}","error_code":"APIGW.0301"}}"#);
        let mut f = forward(&p, &format!("/evs/v2/{PROJECT}/snapshots"));
        let _ = f.request(0.0);
        let echo: Vec<(String, String)> = vec![("X-Request-Id".into(), format!("r-{token}"))];
        let Pass::Answer(a) = f.ended(&response(401, None, body.as_bytes(), &echo), 0.0, 0.5) else { panic!() };
        assert_eq!(a.status, 401);
        let all = format!("{:?} {}", a.headers, String::from_utf8_lossy(&a.body));
        for w in token.as_bytes().windows(SECRET_RUN) {
            assert!(!all.as_bytes().windows(SECRET_RUN).any(|v| v == w), "a run of the token in {all}");
        }
        let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(v["error_code"], "APIGW.0301", "the body is still the service's JSON");
        // The key pair's secret key, security token and access key too.
        let keys: RawConfig = serde_json::from_str(&format!(
            r#"{{"projectId":"{PROJECT}","endpoint":"http://h","auth":{{"accessKey":"AKPROXY0123456789","secretKey":"{SK}","securityToken":"ST-{token}"}}}}"#
        ))
        .unwrap();
        let p = Proxy::new(&keys, &RawProxyOptions::default()).unwrap();
        let mut f = forward(&p, &format!("/evs/v2/{PROJECT}/snapshots"));
        let _ = f.request(0.0);
        let body = format!("ak AKPROXY0123456789 sk {SK} st ST-{token} end");
        let Pass::Answer(a) = f.ended(&response(403, None, body.as_bytes(), &[]), 0.0, 0.5) else { panic!() };
        assert_eq!(String::from_utf8(a.body).unwrap(), "ak [redacted] sk [redacted] st [redacted] end");
        // A network failure's message is redacted too.
        let mut f = forward(&p, &format!("/evs/v2/{PROJECT}/snapshots"));
        let _ = f.request(0.0);
        let Pass::Answer(a) = f.ended(&Ended::Network(format!("refused {SK}")), 0.0, 0.5) else { panic!() };
        assert!(!String::from_utf8_lossy(&a.body).contains(&SK[..16]));
    }

    #[test]
    fn bodies_are_redacted_whole() {
        let secret = "0123456789abcdefXYZ";
        // Beyond the 8 KiB an error message is scanned for: a body is read whole.
        let body = format!("{}{secret}", "x".repeat(20_000));
        let out = redact_bytes(body.as_bytes(), &[secret]).unwrap();
        assert!(out.ends_with(b"x[redacted]"));
        // Multi-byte text around and inside a secret stays UTF-8.
        let secret = "秘密秘密秘密-0123456789";
        let out = redact_bytes(format!("见 {secret} 了").as_bytes(), &[secret]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "见 [redacted] 了");
        let out = redact_bytes(format!("见 {}了", &secret[3..]).as_bytes(), &[secret]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "见 [redacted]了");
        // Short secrets: whole occurrences; nothing found is None; bytes that are not UTF-8 too.
        assert_eq!(redact_bytes(b"a tok1 b", &["tok1"]).as_deref(), Some(&b"a [redacted] b"[..]));
        assert_eq!(redact_bytes(b"nothing here", &["tok1", "x"]), None);
        assert_eq!(redact_bytes(b"\xff tok1 \xfe", &["tok1"]).as_deref(), Some(&b"\xff [redacted] \xfe"[..]));
    }
}
