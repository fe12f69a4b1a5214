//! One call, step by step, with no I/O: what the async shell (`src/wasm/`)
//! asks the core on every attempt.
//!
//! - [`Call::show`] / [`Call::list`]: the caller's arguments checked (every
//!   rule of docs/contract.md "Invalid input"), or an `invalid_input` error and
//!   nothing is sent;
//! - [`Call::request`]: what attempt `n` sends (URL, headers; signed at the
//!   time given);
//! - [`Attempts`]: the whole call as a state machine: the request of each
//!   attempt at a given time, and what each attempt's end means (a resend
//!   for a corrected clock, a wait, the result, a final error), with the
//!   attempt count and the clock offset as its state;
//! - [`settle`]: what one attempt's end means, given its number: the
//!   result, a final (redacted) error, or a wait before the next attempt
//!   (decided by `retry`).

use serde::Serialize;

use super::arg2_raw::{RawConfig, RawListOptions};
use super::arg3_input::{check_id, Input};
use super::arg4_config::{check_config, check_list_options, Auth, Config, ListQuery};
use super::ended::{Ended, Received, MAX_BODY_BYTES};
use super::endpoint::Endpoint;
use super::error::{ErrorKind, EvsError};
use super::error_body::{http_error, http_error_too_large};
use super::iam::{read_projects, ProjectLookup};
use super::model::{Snapshot, SnapshotPage};
use super::request::{list_request, projects_request, show_request, Request};
use super::response::{is_success, read_list, read_show};
use super::retry::{delay_after, server_time};

/// Which API call, with its checked argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `getSnapshot`: `GET .../cloudsnapshots/{id}`.
    Show(String),
    /// `listSnapshots`: `GET .../snapshots?...`.
    List(ListQuery),
    /// IAM's project lookup: `GET {iam}/v3/projects?name={region}`.
    Projects(ProjectLookup),
}

/// A checked call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The checked config.
    pub config: Config,
    /// The API call, with its checked argument.
    pub target: Target,
}

impl Call {
    /// `getSnapshot(config, snapshotId)`: the config first, then the ID.
    ///
    /// # Errors
    /// `invalid_input` for the first rule of docs/contract.md "Invalid input"
    /// the config or the ID breaks.
    pub fn show(config: &RawConfig, snapshot_id: &Input) -> Result<Call, EvsError> {
        let config = check_config(config)?;
        Ok(Call { config, target: Target::Show(check_id("snapshotId", snapshot_id)?) })
    }

    /// `listSnapshots(config, options)`: the config first, then the options.
    ///
    /// # Errors
    /// `invalid_input` for the first rule the config or the options break.
    pub fn list(config: &RawConfig, options: &RawListOptions) -> Result<Call, EvsError> {
        let config = check_config(config)?;
        Ok(Call { config, target: Target::List(check_list_options(options)?) })
    }

    /// The IAM call that finds this call's project ID, when it must be
    /// asked for (the config left `projectId` out).
    pub fn project_lookup(&self) -> Option<Call> {
        let lookup = self.config.lookup.clone()?;
        Some(Call { config: self.config.clone(), target: Target::Projects(lookup) })
    }

    /// The same call, for the project ID IAM gave.
    pub fn with_project(mut self, project_id: String) -> Call {
        self.config.project_id = project_id;
        self.config.lookup = None;
        self
    }

    /// The project an EVS call is addressed to; `None` for IAM's lookup.
    pub fn project_id(&self) -> Option<&str> {
        match &self.target {
            Target::Projects(_) => None,
            _ => Some(&self.config.project_id),
        }
    }

    /// Where this call goes: the EVS endpoint, or IAM's.
    pub fn endpoint(&self) -> &Endpoint {
        match &self.target {
            Target::Projects(l) => &l.iam,
            _ => &self.config.endpoint,
        }
    }

    /// The request of the next attempt (signed at `now_ms`, epoch
    /// milliseconds, with AK/SK auth).
    pub fn request(&self, now_ms: f64) -> Request {
        match &self.target {
            Target::Show(id) => show_request(&self.config, id, now_ms),
            Target::List(q) => list_request(&self.config, q, now_ms),
            Target::Projects(l) => projects_request(&l.iam, &l.region, &self.config.auth, now_ms),
        }
    }
}

/// A call's result.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `getSnapshot`'s snapshot.
    Snapshot(Snapshot),
    /// `listSnapshots`'s page.
    Page(SnapshotPage),
    /// The project ID IAM gave.
    ProjectId(String),
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// The call's result.
    Done(Reply),
    /// The call failed with this (already redacted) error.
    Fail(EvsError),
    /// Wait this many milliseconds, then attempt again.
    Wait(u64),
    /// Send again at once, without counting against `maxAttempts`: the
    /// clock was corrected ([`Attempts::clock_offset`] has the new offset).
    Resend,
}

/// What one attempt did, for `onAttempt` (docs/contract.md "Seeing each
/// request"): the shell adds the operation and the duration. It holds no
/// credential: the URL carries none, and the error is redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptReport {
    /// `GET`.
    pub method: &'static str,
    /// The URL sent, query included.
    pub url: String,
    /// The project the request was addressed to (`/v2/{project_id}/…`, as
    /// `request.rs` builds the path): the config's `projectId`, or the one
    /// IAM gave when it was left out. `None` for IAM's lookup itself (the
    /// `projectId` operation), which asks for it. An ID, not a credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The attempt's number, 1-based, as `maxAttempts` counts them (a resend
    /// for a corrected clock keeps the number).
    pub attempt: u32,
    /// `maxAttempts`.
    pub max_attempts: u32,
    /// The HTTP status, when the service answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The answer's `X-Request-Id`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The wait before the next attempt, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
    /// How far the clock offset moved, when this attempt corrected it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_corrected_ms: Option<f64>,
    /// The attempt's error, when it failed (retried or not); written out by
    /// the shell as an `EvsError`.
    #[serde(skip)]
    pub error: Option<EvsError>,
}

/// One call's attempts as a state machine (docs/contract.md "Retries, timeouts
/// and cancellation"), in the style of quinn-proto: no I/O and no clock of
/// its own. The shell asks [`Attempts::request`] what to send at `now`,
/// sends it, hands what ended to [`Attempts::ended`], and does what the
/// [`Step`] says: send again at once, wait and send again, or stop.
///
/// The clock offset (the service's clock minus this machine's, in ms) is
/// given at the start and may be learnt from a refusal; the shell keeps
/// [`Attempts::clock_offset`] for later calls (and `signRequest`).
///
/// ```
/// use evs_snapshots::core::call::{Attempts, Call, Reply, Step};
/// use evs_snapshots::core::ended::{Ended, Received};
/// use evs_snapshots::core::arg3_input::Input;
/// use evs_snapshots::core::arg2_raw::RawConfig;
///
/// let config: RawConfig = serde_json::from_str(r#"{"projectId": "p1", "endpoint": "http://127.0.0.1:8081"}"#).unwrap();
/// let call = Call::show(&config, &Input::from("snap-1")).unwrap();
/// let mut attempts = Attempts::new(call, 0.0);
///
/// // The first attempt: the service is busy.
/// let request = attempts.request(1_796_033_700_000.0);
/// assert_eq!(request.url, "http://127.0.0.1:8081/v2/p1/cloudsnapshots/snap-1");
/// let busy = Ended::Response(Received::new(503, "").with_header("Retry-After", "1"));
/// assert_eq!(attempts.ended(&busy, 1_796_033_700_050.0, 0.5), Step::Wait(1000));
///
/// // The second: the snapshot.
/// let _ = attempts.request(1_796_033_701_050.0);
/// let body = br#"{"snapshot": {"id": "snap-1", "size": 40, "status": "available"}}"#;
/// let ok = Ended::Response(Received::new(200, &body[..]).with_header("X-Request-Id", "r-2"));
/// let Step::Done(Reply::Snapshot(s)) = attempts.ended(&ok, 1_796_033_701_080.0, 0.5) else { panic!() };
/// assert_eq!((s.id.as_str(), s.size, s.status.as_str()), ("snap-1", 40, "available"));
/// ```
#[derive(Debug, Clone)]
pub struct Attempts {
    call: Call,
    /// The method and URL of the request in flight, for its report.
    sent: (&'static str, String),
    report: Option<AttemptReport>,
    /// The attempt in flight, 1-based, as `maxAttempts` counts them.
    attempt: u32,
    /// Whether this call corrected the clock already (once per call).
    corrected: bool,
    offset_ms: f64,
    /// The time the request in flight was signed with, and this machine's
    /// clock then.
    signed_at: f64,
    local_at: f64,
}

impl Attempts {
    /// A call's first attempt, with the clock offset known so far.
    pub fn new(call: Call, offset_ms: f64) -> Attempts {
        let offset_ms = if offset_ms.is_finite() { offset_ms } else { 0.0 };
        Attempts { call, sent: ("GET", String::new()), report: None, attempt: 1, corrected: false, offset_ms, signed_at: 0.0, local_at: 0.0 }
    }

    /// The checked call.
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// The request to send now (`now_ms`: this machine's clock, epoch ms),
    /// signed with the corrected time when the config has a key pair.
    pub fn request(&mut self, now_ms: f64) -> Request {
        self.local_at = now_ms;
        self.signed_at = now_ms + self.offset_ms;
        let request = self.call.request(self.signed_at);
        self.sent = (request.method, request.url.clone());
        request
    }

    /// What the attempt that ended means. `now_ms` reads `Retry-After`
    /// dates; `random` (in `[0, 1)`) is the backoff's jitter.
    ///
    /// A 401 that shows a wrong clock ([`server_time`]) is answered once
    /// per call with [`Step::Resend`], after setting the offset to the
    /// server's (set, never added to: calls correcting at the same time
    /// agree); a second one is final like any other 401.
    pub fn ended(&mut self, ended: &Ended, now_ms: f64, random: f64) -> Step {
        let (status, request_id) = match ended {
            Ended::Response(r) => (Some(r.status), r.request_id().map(String::from)),
            _ => (None, None),
        };
        let mut report = AttemptReport {
            method: self.sent.0,
            url: std::mem::take(&mut self.sent.1),
            project_id: self.call.project_id().map(String::from),
            attempt: self.attempt,
            max_attempts: self.call.config.max_attempts,
            status,
            request_id,
            retry_in_ms: None,
            clock_corrected_ms: None,
            error: None,
        };
        if !self.corrected {
            let signed = matches!(self.call.config.auth, Auth::Keys { .. });
            if let Some(server) = server_time(signed, ended, self.signed_at) {
                let offset = server - self.local_at;
                report.clock_corrected_ms = Some(offset - self.offset_ms);
                if let Ended::Response(r) = ended {
                    let mut e = http_error(r.status, r.request_id(), &r.body);
                    e.redact(&self.call.config.secrets());
                    report.error = Some(e);
                }
                self.report = Some(report);
                self.offset_ms = offset;
                self.corrected = true;
                return Step::Resend;
            }
        }
        let (step, error) = settle_reporting(&self.call, self.attempt, ended, now_ms, random);
        if let Step::Wait(ms) = step {
            report.retry_in_ms = Some(ms);
            self.attempt = self.attempt.saturating_add(1);
        }
        report.error = error;
        self.report = Some(report);
        step
    }

    /// What the attempt that ended last did, for `onAttempt`.
    pub fn report(&self) -> Option<&AttemptReport> {
        self.report.as_ref()
    }

    /// The offset to the service's clock, in ms: as given, or as learnt.
    pub fn clock_offset(&self) -> f64 {
        self.offset_ms
    }
}

/// The error of a call aborted by its signal.
pub fn aborted() -> EvsError {
    EvsError::new(ErrorKind::Aborted, "the call was aborted by its signal")
}

/// What attempt number `attempt` (1-based) ending as `ended` means; `now_ms`
/// reads `Retry-After` dates, `random` (in `[0, 1)`) is the backoff jitter.
pub fn settle(call: &Call, attempt: u32, ended: &Ended, now_ms: f64, random: f64) -> Step {
    settle_reporting(call, attempt, ended, now_ms, random).0
}

/// [`settle`], with the attempt's own error (redacted) when it failed, also
/// when it is retried: what `onAttempt` reports.
fn settle_reporting(call: &Call, attempt: u32, ended: &Ended, now_ms: f64, random: f64) -> (Step, Option<EvsError>) {
    let redact = |mut e: EvsError| {
        e.redact(&call.config.secrets());
        (Step::Fail(e.clone()), Some(e))
    };
    let error = match ended {
        Ended::Aborted => return (Step::Fail(aborted()), Some(aborted())),
        Ended::Response(r @ Received { status, .. }) if (300..400).contains(status) => {
            // Never followed: a redirect may lead to another origin, and
            // fetch would carry X-Auth-Token and X-Security-Token there.
            let to = r.present("location").map(|l| format!(" to {l}")).unwrap_or_default();
            let m = format!(
                "EVS answered HTTP {status}{to}; redirects are not followed, so that credentials never reach another origin (check the endpoint)"
            );
            let mut e = EvsError::new(ErrorKind::Http, m).with_request_id(r.request_id());
            e.status = Some(*status);
            return redact(e);
        }
        Ended::Response(r) => {
            let (status, request_id, body) = (r.status, r.request_id(), r.body.as_slice());
            if is_success(status) {
                if r.truncated {
                    let m = format!("the response body is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024));
                    return redact(EvsError::invalid_response(m).with_request_id(request_id));
                }
                let result = match &call.target {
                    Target::Show(_) => read_show(request_id, body).map(Reply::Snapshot),
                    Target::List(_) => read_list(request_id, body).map(Reply::Page),
                    Target::Projects(l) => read_projects(&l.region, request_id, body).map(Reply::ProjectId),
                };
                return match result {
                    Ok(reply) => (Step::Done(reply), None),
                    Err(e) => redact(e),
                };
            }
            if r.truncated {
                http_error_too_large(status, request_id, MAX_BODY_BYTES)
            } else {
                http_error(status, request_id, body)
            }
        }
        Ended::Timeout => {
            let m = format!("no response within {} ms", call.config.timeout_ms);
            EvsError::new(ErrorKind::Timeout, m)
        }
        Ended::Network(why) => {
            let why = if why.is_empty() { "fetch failed" } else { why };
            let e = call.endpoint();
            let m = format!("the request to {}://{} failed before a response: {why}", e.scheme, e.host);
            EvsError::new(ErrorKind::Network, m)
        }
        Ended::HiddenRedirect => {
            let e = call.endpoint();
            let m = format!("the request to {}://{} was redirected, and the browser hides where; redirects are not followed, so that credentials never reach another origin (check the endpoint)", e.scheme, e.host);
            EvsError::new(ErrorKind::Network, m)
        }
    };
    match delay_after(attempt, call.config.max_attempts, ended, now_ms, random) {
        Some(ms) => {
            let mut e = error;
            e.redact(&call.config.secrets());
            (Step::Wait(ms), Some(e))
        }
        None => {
            let mut e = error;
            if attempt > 1 && e.retryable() {
                e.message.push_str(&format!(" (after {attempt} attempts)"));
            }
            redact(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::arg4_config::NOT_SENDABLE;

    fn config(json: &str) -> RawConfig {
        serde_json::from_str(json).unwrap()
    }

    const CFG: &str = r#"{"projectId":"p1","endpoint":"http://127.0.0.1:9/evs"}"#;

    fn invalid<T: core::fmt::Debug>(r: Result<T, EvsError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{}", e.message);
        e.message
    }

    #[test]
    fn arguments_become_checked_calls() {
        let c = Call::show(&config(CFG), &Input::from("snap-1")).unwrap();
        assert_eq!(c.target, Target::Show("snap-1".into()));
        assert_eq!(c.request(0.0).url, "http://127.0.0.1:9/evs/v2/p1/cloudsnapshots/snap-1");
        let opts: RawListOptions = serde_json::from_str(r#"{"limit":50,"name":"快照 1","other":[1]}"#).unwrap();
        let c = Call::list(&config(CFG), &opts).unwrap();
        let Target::List(q) = &c.target else { panic!() };
        assert_eq!((q.limit, q.name.as_deref()), (Some(50), Some("快照 1")));
        assert_eq!(c.request(0.0).url, "http://127.0.0.1:9/evs/v2/p1/snapshots?limit=50&name=%E5%BF%AB%E7%85%A7%201");
        assert_eq!(Call::list(&config(CFG), &RawListOptions::default()).unwrap().target, Target::List(ListQuery::default()));
    }

    #[test]
    fn type_errors_name_the_field() {
        assert_eq!(invalid(Call::show(&config(CFG), &Input::Num(7.0))), "snapshotId must be a string, not a number");
        assert_eq!(invalid(Call::show(&config(CFG), &Input::Absent)), "snapshotId is required");
        let opts = |j: &str| serde_json::from_str::<RawListOptions>(j).unwrap();
        assert_eq!(invalid(Call::list(&config(CFG), &opts(r#"{"limit":2.5}"#))), "limit must be an integer from 1 to 1000");
        assert_eq!(invalid(Call::list(&config(CFG), &opts(r#"{"offset":-1}"#))), "offset must be an integer from 0 to 9007199254740991");
        assert_eq!(invalid(Call::list(&config(CFG), &opts(r#"{"status":{}}"#))), "status must be a string, not an object");
        let cfg = |extra: &str| config(&format!(r#"{{"projectId":"p","endpoint":"http://h",{extra}}}"#));
        let show = |c: RawConfig| Call::show(&c, &Input::from("x"));
        assert_eq!(invalid(show(cfg(r#""auth":"x""#))), "auth must be an object ({ token } or { accessKey, secretKey }), not a string");
        assert_eq!(invalid(show(cfg(r#""headers":[1]"#))), "headers must be an object of header names to string values, not an array");
        assert_eq!(invalid(show(cfg(r#""headers":{"X-A":1}"#))), "headers: the value of \"X-A\" must be a string, not a number");
        assert_eq!(invalid(show(cfg(r#""timeoutMs":"5""#))), "timeoutMs must be a positive integer, not a string");
        // Values fetch cannot send in a header: refused here, never echoed.
        for (extra, field) in [
            (r#""headers":{"X-Note":"快照"}"#, "headers: the value of \"X-Note\""),
            (r#""headers":{"X-Note":"a\r\nX-B: b"}"#, "headers: the value of \"X-Note\""),
            (r#""auth":{"token":"SECRET\nTOKEN"}"#, "auth.token"),
            (r#""auth":{"token":"SECRET中TOKEN"}"#, "auth.token"),
            (r#""auth":{"accessKey":"AK中","secretKey":"s"}"#, "auth.accessKey"),
            (r#""auth":{"accessKey":"AK","secretKey":"s","securityToken":"SEC\u0000RET"}"#, "auth.securityToken"),
        ] {
            let m = invalid(show(cfg(extra)));
            assert!(m.starts_with(field) && m.ends_with(NOT_SENDABLE), "{m}");
            assert!(!m.contains("SECRET") && !m.contains("快照"), "{m}");
        }
        // A secret key is never sent: any string signs.
        assert!(show(cfg(r#""auth":{"accessKey":"AK","secretKey":"秘密\n"}"#)).is_ok());
        // Latin-1 is sendable.
        assert!(show(cfg(r#""headers":{"X-Note":"café"}"#)).is_ok());
        // Config errors come before argument errors.
        assert_eq!(invalid(Call::show(&config(r#"{"endpoint":"http://h"}"#), &Input::Num(7.0))), "projectId is required");
    }

    #[test]
    fn only_signed_requests_depend_on_time() {
        for (auth, timed) in [("", false), (r#","auth":{"token":"tok-1"}"#, false), (r#","auth":{"accessKey":"a","secretKey":"b"}"#, true)] {
            let c = Call::show(&config(&format!(r#"{{"projectId":"p","endpoint":"http://h"{auth}}}"#)), &Input::from("s")).unwrap();
            assert_eq!(c.request(0.0) != c.request(86_400_000.0), timed, "{auth}");
        }
        let c = Call::show(
            &config(r#"{"projectId":"p1","endpoint":"http://127.0.0.1:9","auth":{"accessKey":"AK","secretKey":"SK"}}"#),
            &Input::from("s"),
        )
        .unwrap();
        let r = c.request(1_795_342_500_000.0);
        assert_eq!(r.header("X-Sdk-Date"), Some("20261122T101500Z"));
        assert!(r.header("Authorization").unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date, Signature="));
    }

    fn response(status: u16, body: &str) -> Ended {
        Ended::Response(Received::new(status, body).with_header("X-Request-Id", "rid"))
    }

    #[test]
    fn settle_results_errors_and_waits() {
        let c = Call::show(&config(CFG), &Input::from("s")).unwrap();
        let Step::Done(Reply::Snapshot(s)) = settle(&c, 1, &response(200, r#"{"snapshot":{"id":"s","size":2}}"#), 0.0, 0.5) else { panic!() };
        assert_eq!(s.size, 2);
        // 503 on attempt 1 of 3: wait (full jitter of 100 ms at random 0.5).
        assert_eq!(settle(&c, 1, &response(503, ""), 0.0, 0.5), Step::Wait(50));
        // Retry-After wins on a 429.
        let ra = Ended::Response(Received::new(429, "").with_header("Retry-After", "2"));
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
        let Step::Fail(e) = settle(&c, 3, &Ended::Network("ECONNREFUSED".into()), 0.0, 0.0) else { panic!() };
        assert_eq!(e.message, "the request to http://127.0.0.1:9 failed before a response: ECONNREFUSED (after 3 attempts)");
        assert_eq!(settle(&c, 1, &Ended::Aborted, 0.0, 0.0), Step::Fail(aborted()));
        let cut = Ended::Response(Received::new(200, "{").cut());
        let Step::Fail(e) = settle(&c, 1, &cut, 0.0, 0.0) else { panic!() };
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::InvalidResponse, "the response body is larger than 16 MiB"));
        // A non-2xx answer too large to read says so, not "an empty body".
        let big = Ended::Response(Received::new(404, "").cut());
        let Step::Fail(e) = settle(&c, 1, &big, 0.0, 0.0) else { panic!() };
        assert_eq!(
            (e.kind, e.status, e.message.as_str()),
            (ErrorKind::Http, Some(404), "EVS answered HTTP 404 Not Found with a body larger than 16 MiB, which was not read")
        );
    }

    #[test]
    fn settle_redacts_secrets() {
        let c = Call::show(&config(r#"{"projectId":"p","endpoint":"http://h","auth":{"token":"tok-secret-1"}}"#), &Input::from("s")).unwrap();
        let Step::Fail(e) = settle(&c, 1, &response(401, r#"{"error_msg":"bad token tok-secret-1","error_code":"APIGW.0301"}"#), 0.0, 0.0) else {
            panic!()
        };
        assert_eq!(e.message, "bad token [redacted]");
        // A long token echoed in full, or in part, is redacted before the
        // message is cut (a cut first left its first 460 characters).
        let token = "T".repeat(1000) + &"k".repeat(2000);
        let c =
            Call::show(&config(&format!(r#"{{"projectId":"p","endpoint":"http://h","auth":{{"token":"{token}"}}}}"#)), &Input::from("s")).unwrap();
        for status in [401, 403] {
            let body = format!(r#"{{"error_msg":"The token {token} is invalid","error_code":"APIGW.0301"}}"#);
            let Step::Fail(e) = settle(&c, 1, &response(status, &body), 0.0, 0.0) else { panic!() };
            assert_eq!(e.message, "The token [redacted] is invalid");
        }
    }

    #[test]
    fn redirects_are_never_followed() {
        let c = Call::show(&config(CFG), &Input::from("s")).unwrap();
        for status in [301, 302, 303, 307, 308] {
            let r = Ended::Response(Received::new(status, "").with_header("Location", "http://127.0.0.1:1/elsewhere"));
            let Step::Fail(e) = settle(&c, 1, &r, 0.0, 0.0) else { panic!() };
            assert_eq!((e.kind, e.status, e.retryable()), (ErrorKind::Http, Some(status), false));
            assert!(e.message.contains("to http://127.0.0.1:1/elsewhere; redirects are not followed"), "{}", e.message);
        }
        // A browser hides the redirect: a network failure, retried as one.
        assert_eq!(settle(&c, 1, &Ended::HiddenRedirect, 0.0, 0.5), Step::Wait(50));
        let Step::Fail(e) = settle(&c, 3, &Ended::HiddenRedirect, 0.0, 0.5) else { panic!() };
        assert_eq!(e.kind, ErrorKind::Network);
        assert!(e.message.contains("redirected, and the browser hides where"), "{}", e.message);
    }

    /// The clock rules, natively (they ran only in wasm before).
    #[test]
    fn attempts_correct_a_wrong_clock_once_and_keep_the_server_offset() {
        let keys = r#"{"projectId":"p","endpoint":"http://h","maxAttempts":1,"auth":{"accessKey":"AK","secretKey":"SK"}}"#;
        let now = 1_796_033_700_000.0; // 2026-11-30T10:15:00Z
        let ahead = "Mon, 30 Nov 2026 10:35:00 GMT"; // the server, 20 minutes ahead
        let r401 = |date: &str| Ended::Response(Received::new(401, "").with_header("Date", date));
        let ok = Ended::Response(Received::new(200, r#"{"snapshot":{"id":"s","size":1}}"#));
        let mut a = Attempts::new(Call::show(&config(keys), &Input::from("s")).unwrap(), 0.0);
        assert_eq!(a.request(now).header("X-Sdk-Date"), Some("20261130T101500Z"));
        // Sent again at once, signed with the server's time, though
        // maxAttempts is 1; the offset is the server's.
        assert_eq!(a.ended(&r401(ahead), now + 40.0, 0.5), Step::Resend);
        assert_eq!(a.clock_offset(), 1_200_000.0);
        assert_eq!(a.request(now + 50.0).header("X-Sdk-Date"), Some("20261130T103500Z"));
        assert!(matches!(a.ended(&ok, now + 90.0, 0.5), Step::Done(_)));
        // A second skew in one call is final.
        let mut b = Attempts::new(Call::show(&config(keys), &Input::from("s")).unwrap(), 0.0);
        let _ = b.request(now);
        assert_eq!(b.ended(&r401(ahead), now, 0.5), Step::Resend);
        let _ = b.request(now);
        let Step::Fail(e) = b.ended(&r401("Mon, 30 Nov 2026 11:35:00 GMT"), now, 0.5) else { panic!() };
        assert_eq!(e.status, Some(401));
        // Calls that correct at the same time agree: each sets the same
        // offset from the same server time, nothing is summed.
        let offsets: Vec<f64> = (0..8)
            .map(|_| {
                let mut c = Attempts::new(Call::show(&config(keys), &Input::from("s")).unwrap(), 0.0);
                let _ = c.request(now);
                assert_eq!(c.ended(&r401(ahead), now, 0.5), Step::Resend);
                c.clock_offset()
            })
            .collect();
        assert!(offsets.iter().all(|&o| o == 1_200_000.0), "{offsets:?}");
        // A call that starts with that offset is not refused for the clock;
        // then the server moves 20 minutes behind: the offset is replaced.
        let mut d = Attempts::new(Call::show(&config(keys), &Input::from("s")).unwrap(), 1_200_000.0);
        assert_eq!(d.request(now).header("X-Sdk-Date"), Some("20261130T103500Z"));
        assert_eq!(d.ended(&r401("Mon, 30 Nov 2026 09:55:00 GMT"), now, 0.5), Step::Resend);
        assert_eq!(d.clock_offset(), -1_200_000.0);
        // A token is never corrected: its 401 is final at once.
        let mut t =
            Attempts::new(Call::show(&config(r#"{"projectId":"p","endpoint":"http://h","auth":{"token":"t"}}"#), &Input::from("s")).unwrap(), 0.0);
        let _ = t.request(now);
        assert!(matches!(t.ended(&r401(ahead), now, 0.5), Step::Fail(_)));
        assert_eq!(t.clock_offset(), 0.0);
    }

    #[test]
    fn a_left_out_project_id_is_asked_of_iam_with_a_key_pair_and_a_region() {
        let keys = r#""auth":{"accessKey":"AK","secretKey":"SK"}"#;
        let c = Call::show(&config(&format!(r#"{{"region":"ap-southeast-1",{keys}}}"#)), &Input::from("s")).unwrap();
        let lookup = c.project_lookup().unwrap();
        let r = lookup.request(1_795_342_500_000.0);
        assert_eq!(r.url, "https://iam.ap-southeast-1.myhuaweicloud.com/v3/projects?name=ap-southeast-1");
        // Signed with the pair, without X-Project-Id: the project is what is asked.
        assert!(r.header("Authorization").unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="), "{r:?}");
        assert_eq!(r.header("X-Project-Id"), None);
        let Step::Done(Reply::ProjectId(id)) = settle(&lookup, 1, &response(200, r#"{"projects":[{"id":"p-from-iam"}]}"#), 0.0, 0.0) else {
            panic!()
        };
        let c = c.with_project(id);
        assert!(c.project_lookup().is_none());
        assert_eq!(c.request(0.0).url, "https://evs.ap-southeast-1.myhuaweicloud.com/v2/p-from-iam/cloudsnapshots/s");
        // iamEndpoint wins; an endpoint for EVS keeps the region for IAM.
        let c = Call::show(
            &config(&format!(r#"{{"region":"cn-north-4","endpoint":"http://127.0.0.1:9/evs","iamEndpoint":"http://127.0.0.1:9/evs",{keys}}}"#)),
            &Input::from("s"),
        )
        .unwrap();
        assert_eq!(c.project_lookup().unwrap().request(0.0).url, "http://127.0.0.1:9/evs/v3/projects?name=cn-north-4");
        // A network failure names IAM, not EVS.
        let Step::Fail(e) = settle(&c.project_lookup().unwrap(), 3, &Ended::Network("ECONNREFUSED".into()), 0.0, 0.0) else { panic!() };
        assert!(e.message.starts_with("the request to http://127.0.0.1:9 failed"), "{}", e.message);
        // A token, no auth, or no region: projectId stays required.
        assert_eq!(invalid(Call::show(&config(r#"{"region":"ap-southeast-1","auth":{"token":"t"}}"#), &Input::from("s"))), "projectId is required");
        assert_eq!(invalid(Call::show(&config(r#"{"region":"ap-southeast-1"}"#), &Input::from("s"))), "projectId is required");
        assert_eq!(
            invalid(Call::show(&config(&format!(r#"{{"endpoint":"http://h",{keys}}}"#)), &Input::from("s"))),
            "projectId is required (or a region, to ask IAM for it with the key pair)"
        );
        // configFromEnv's "" for an unset variable: the variables to set are named (issue 27 §4).
        assert_eq!(
            invalid(Call::show(&config(&format!(r#"{{"projectId":"","endpoint":"http://h",{keys}}}"#)), &Input::from("s"))),
            "projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_REGION to ask IAM for it with the key pair"
        );
        for auth in ["", r#","auth":{"token":"t"}"#] {
            assert_eq!(
                invalid(Call::show(&config(&format!(r#"{{"projectId":"","region":"ap-southeast-1"{auth}}}"#)), &Input::from("s"))),
                "projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK with HUAWEICLOUD_SDK_REGION to ask IAM for it"
            );
        }
        assert_eq!(
            invalid(Call::show(&config(&format!(r#"{{"region":"ap-southeast-1","iamEndpoint":5,{keys}}}"#)), &Input::from("s"))),
            "iamEndpoint must be a string, not a number"
        );
    }

    #[test]
    fn each_attempt_is_reported_without_a_credential() {
        let token = "tok-0123456789abcdef-secret";
        let c =
            Call::show(&config(&format!(r#"{{"projectId":"p","endpoint":"http://h","auth":{{"token":"{token}"}}}}"#)), &Input::from("s")).unwrap();
        let mut a = Attempts::new(c, 0.0);
        let _ = a.request(0.0);
        let busy = format!(r#"{{"error_msg":"busy, token {token}"}}"#);
        assert_eq!(a.ended(&response(503, &busy), 0.0, 0.5), Step::Wait(50));
        let r = a.report().unwrap().clone();
        assert_eq!(
            (r.method, r.url.as_str(), r.attempt, r.max_attempts, r.status, r.request_id.as_deref(), r.retry_in_ms),
            ("GET", "http://h/v2/p/cloudsnapshots/s", 1, 3, Some(503), Some("rid"), Some(50))
        );
        let e = r.error.unwrap();
        assert_eq!((e.kind, e.status, e.message.as_str()), (ErrorKind::Http, Some(503), "busy, token [redacted]"));
        let _ = a.request(0.0);
        assert!(matches!(a.ended(&response(200, r#"{"snapshot":{"id":"s","size":1}}"#), 0.0, 0.5), Step::Done(_)));
        let r = a.report().unwrap();
        assert_eq!((r.attempt, r.status, r.retry_in_ms, r.error.is_none()), (2, Some(200), None, true));
        let json = serde_json::to_string(r).unwrap();
        assert!(!json.contains(token) && !json.contains("error"), "{json}");
        // A clock correction says how far the clock moved.
        let keys = r#"{"projectId":"p","endpoint":"http://h","auth":{"accessKey":"AK","secretKey":"SK-secret-0123456789"}}"#;
        let mut k = Attempts::new(Call::show(&config(keys), &Input::from("s")).unwrap(), 0.0);
        let now = 1_796_033_700_000.0;
        let _ = k.request(now);
        let skew = Ended::Response(Received::new(401, "{}").with_header("Date", "Mon, 30 Nov 2026 10:35:00 GMT"));
        assert_eq!(k.ended(&skew, now, 0.5), Step::Resend);
        let r = k.report().unwrap();
        assert_eq!((r.attempt, r.status, r.clock_corrected_ms), (1, Some(401), Some(1_200_000.0)));
        assert_eq!(r.error.as_ref().map(|e| e.status), Some(Some(401)));
    }

    /// `onAttempt`'s `projectId`: the project in the request's path, for a
    /// get and a list; IAM's for a call whose project IAM gave; none for
    /// IAM's lookup.
    #[test]
    fn each_attempt_names_its_project() {
        let report = |call: Call| {
            let mut a = Attempts::new(call, 0.0);
            let _ = a.request(0.0);
            let _ = a.ended(&Ended::Timeout, 0.0, 0.5);
            let r = a.report().unwrap();
            (r.project_id.clone(), serde_json::to_value(r).unwrap())
        };
        let (id, json) = report(Call::show(&config(CFG), &Input::from("s")).unwrap());
        assert_eq!((id.as_deref(), json["projectId"].as_str()), (Some("p1"), Some("p1")));
        let (id, _) = report(Call::list(&config(CFG), &RawListOptions::default()).unwrap());
        assert_eq!(id.as_deref(), Some("p1"));
        let keys = r#"{"region":"ap-southeast-1","auth":{"accessKey":"AK","secretKey":"SK"}}"#;
        let c = Call::show(&config(keys), &Input::from("s")).unwrap();
        let (id, json) = report(c.project_lookup().unwrap());
        assert_eq!((id, json.get("projectId")), (None, None));
        let (id, _) = report(c.with_project("p-from-iam".into()));
        assert_eq!(id.as_deref(), Some("p-from-iam"));
    }

    #[test]
    fn attempts_count_retries_but_not_corrections() {
        let c = Call::show(&config(CFG), &Input::from("s")).unwrap();
        let mut a = Attempts::new(c, f64::NAN);
        let _ = a.request(0.0);
        assert_eq!(a.ended(&response(503, ""), 0.0, 0.5), Step::Wait(50));
        let _ = a.request(0.0);
        assert_eq!(a.ended(&response(503, ""), 0.0, 0.5), Step::Wait(100));
        let _ = a.request(0.0);
        let Step::Fail(e) = a.ended(&response(503, ""), 0.0, 0.5) else { panic!() };
        assert!(e.message.ends_with("(after 3 attempts)"), "{}", e.message);
        assert_eq!(a.clock_offset(), 0.0, "a NaN offset is no offset");
    }
}
