//! Where a wait for a snapshot's status is decided (`waitForSnapshot`,
//! docs/contract.md "waitForSnapshot"), with no I/O: after each poll the shell hands
//! the [`Waiter`] the snapshot and the time, and learns whether to tell
//! `onProgress`, and whether the wait is over (reached, failed, timed out)
//! or when to poll again.

use super::config::MAX_TIMEOUT_MS;
use super::error::{ErrorKind, EvsError};
use super::input::{Input, MAX_SAFE_INTEGER};
use super::model::Snapshot;
use super::raw::{RawList, RawWaitOptions};

/// `intervalMs` when not given.
pub const DEFAULT_INTERVAL_MS: u32 = 2000;
/// `timeoutMs` when not given: ten minutes.
pub const DEFAULT_WAIT_MS: u64 = 600_000;

/// Checked `waitForSnapshot` options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitOptions {
    /// The status to wait for.
    pub status: String,
    /// Statuses that end the wait as `failed`.
    pub fail_on: Vec<String>,
    /// Between polls, in ms: from the end of one poll to the start of the
    /// next, whatever retries the poll made.
    pub interval_ms: u32,
    /// The whole wait, in ms.
    pub timeout_ms: u64,
}

/// A status option: one of the documented statuses, or another string (a
/// status the service may add).
fn status_option(field: &str, v: &Input) -> Result<Option<String>, EvsError> {
    match v {
        Input::Absent => Ok(None),
        Input::Str(s) if s.is_empty() => Err(EvsError::field(field, "must not be empty")),
        Input::Str(s) => Ok(Some(s.clone())),
        other => Err(EvsError::wrong_type(field, "a string (a snapshot status)", other.type_name())),
    }
}

fn positive(field: &str, v: &Input, max: f64) -> Result<Option<u64>, EvsError> {
    match v {
        Input::Absent => Ok(None),
        Input::Num(n) if n.fract() == 0.0 && *n >= 1.0 && *n <= MAX_SAFE_INTEGER => Ok(Some(n.min(max) as u64)),
        Input::Num(_) => Err(EvsError::field(field, "must be a positive integer")),
        other => Err(EvsError::wrong_type(field, "a positive integer", other.type_name())),
    }
}

/// Checks `waitForSnapshot`'s options: `status` (default `"available"`),
/// `failOn` (default `["error"]`), `intervalMs` (default 2000) and
/// `timeoutMs` (default 600000).
///
/// # Errors
/// `invalid_input` for a status that is not a non-empty string, a `failOn`
/// that is not an array of such, an interval or timeout that is not a
/// positive integer, or a `status` that `failOn` also holds.
pub fn check_wait_options(raw: &RawWaitOptions) -> Result<WaitOptions, EvsError> {
    let status = status_option("options.status", &raw.status)?.unwrap_or_else(|| "available".into());
    let fail_on = match &raw.fail_on {
        RawList::Absent => vec!["error".to_string()],
        RawList::Not(t) => return Err(EvsError::wrong_type("options.failOn", "an array of statuses", t)),
        RawList::Items(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match status_option(&format!("options.failOn[{i}]"), item)? {
                    Some(s) => out.push(s),
                    None => return Err(EvsError::wrong_type(&format!("options.failOn[{i}]"), "a string (a snapshot status)", "undefined")),
                }
            }
            out
        }
    };
    if fail_on.contains(&status) {
        return Err(EvsError::field("options.failOn", &format!("must not hold the status waited for (\"{status}\")")));
    }
    // A wait between polls is a timer: at most 2^31 − 1 ms.
    let interval_ms = positive("options.intervalMs", &raw.interval_ms, f64::from(MAX_TIMEOUT_MS))?.map_or(DEFAULT_INTERVAL_MS, |n| n as u32);
    let timeout_ms = positive("options.timeoutMs", &raw.timeout_ms, MAX_SAFE_INTEGER)?.unwrap_or(DEFAULT_WAIT_MS);
    Ok(WaitOptions { status, fail_on, interval_ms, timeout_ms })
}

/// What to do after a poll.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitStep {
    /// The snapshot has the status waited for: resolve with it.
    Reached,
    /// The snapshot reached a status of `failOn`: reject with this
    /// `failed` error (it carries the snapshot).
    Failed(EvsError),
    /// Poll again after this many ms.
    PollIn(u64),
    /// The wait's time is up: reject with this `timeout` error.
    TimedOut(EvsError),
}

/// A wait in progress.
#[derive(Debug, Clone)]
pub struct Waiter {
    id: String,
    options: WaitOptions,
    deadline_ms: f64,
    /// The status and progress of the last poll.
    last: Option<(String, Option<f64>)>,
}

impl Waiter {
    /// A wait for `snapshot_id`, started at `now_ms`.
    pub fn new(snapshot_id: &str, options: WaitOptions, now_ms: f64) -> Waiter {
        Waiter { id: snapshot_id.to_string(), deadline_ms: now_ms + options.timeout_ms as f64, options, last: None }
    }

    /// The time left, in ms (0 once it is up).
    pub fn remaining_ms(&self, now_ms: f64) -> f64 {
        (self.deadline_ms - now_ms).max(0.0)
    }

    /// The `timeout` error: it names the last status and progress seen.
    pub fn timed_out(&self) -> EvsError {
        let last = match &self.last {
            None => "no poll answered".to_string(),
            Some((status, Some(p))) => format!("last seen: status \"{status}\", progress {p} %"),
            Some((status, None)) => format!("last seen: status \"{status}\""),
        };
        let m = format!("snapshot {} did not reach status \"{}\" within {} ms ({last})", self.id, self.options.status, self.options.timeout_ms);
        EvsError::new(ErrorKind::Timeout, m)
    }

    /// After a poll that gave `snapshot` at `now_ms`: whether its status or
    /// progress changed since the last poll (the first always has: the
    /// shell then calls `onProgress`), and what to do next.
    pub fn polled(&mut self, snapshot: &Snapshot, now_ms: f64) -> (bool, WaitStep) {
        let seen = (snapshot.status.clone(), snapshot.progress);
        let changed = self.last.as_ref() != Some(&seen);
        self.last = Some(seen);
        let step = if snapshot.status == self.options.status {
            WaitStep::Reached
        } else if self.options.fail_on.contains(&snapshot.status) {
            let m = format!("snapshot {} reached status \"{}\", which ends the wait (failOn)", self.id, snapshot.status);
            let mut e = EvsError::new(ErrorKind::Failed, m);
            e.snapshot = Some(Box::new(snapshot.clone()));
            WaitStep::Failed(e)
        } else if self.remaining_ms(now_ms) <= 0.0 {
            WaitStep::TimedOut(self.timed_out())
        } else {
            WaitStep::PollIn(u64::from(self.options.interval_ms).min(self.remaining_ms(now_ms).ceil() as u64))
        };
        (changed, step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Metadata;

    fn snap(status: &str, progress: Option<f64>) -> Snapshot {
        Snapshot {
            id: "s1".into(),
            name: String::new(),
            description: None,
            status: status.into(),
            size: 1,
            volume_id: String::new(),
            created_at: None,
            updated_at: None,
            metadata: Metadata::default(),
            project_id: None,
            progress,
        }
    }

    fn options(json: &str) -> Result<WaitOptions, EvsError> {
        check_wait_options(&serde_json::from_str(json).unwrap())
    }

    #[test]
    fn options_default_and_are_checked() {
        assert_eq!(
            options("{}").unwrap(),
            WaitOptions { status: "available".into(), fail_on: vec!["error".into()], interval_ms: 2000, timeout_ms: 600_000 }
        );
        let o = options(r#"{"status": "deleting", "failOn": ["error_deleting", "error"], "intervalMs": 500, "timeoutMs": 5000}"#).unwrap();
        assert_eq!((o.status.as_str(), o.fail_on.len(), o.interval_ms, o.timeout_ms), ("deleting", 2, 500, 5000));
        assert_eq!(options(r#"{"failOn": []}"#).unwrap().fail_on, Vec::<String>::new());
        for (json, message) in [
            (r#"{"status": 5}"#, "options.status must be a string (a snapshot status), not a number"),
            (r#"{"status": ""}"#, "options.status must not be empty"),
            (r#"{"failOn": "error"}"#, "options.failOn must be an array of statuses, not a string"),
            (r#"{"failOn": ["error", 7]}"#, "options.failOn[1] must be a string (a snapshot status), not a number"),
            (r#"{"failOn": ["available"]}"#, "options.failOn must not hold the status waited for (\"available\")"),
            (r#"{"intervalMs": 0}"#, "options.intervalMs must be a positive integer"),
            (r#"{"timeoutMs": 2.5}"#, "options.timeoutMs must be a positive integer"),
            (r#"{"timeoutMs": "60s"}"#, "options.timeoutMs must be a positive integer, not a string"),
        ] {
            let e = options(json).unwrap_err();
            assert_eq!((e.kind, e.message.as_str()), (ErrorKind::InvalidInput, message), "{json}");
        }
    }

    #[test]
    fn a_wait_reaches_fails_or_times_out() {
        let o = options(r#"{"intervalMs": 1000, "timeoutMs": 10000}"#).unwrap();
        let mut w = Waiter::new("s1", o.clone(), 0.0);
        // The first poll always counts as a change; the same again does not.
        assert_eq!(w.polled(&snap("creating", Some(10.0)), 100.0), (true, WaitStep::PollIn(1000)));
        assert_eq!(w.polled(&snap("creating", Some(10.0)), 1200.0), (false, WaitStep::PollIn(1000)));
        assert_eq!(w.polled(&snap("creating", Some(55.0)), 2300.0), (true, WaitStep::PollIn(1000)));
        // The last wait is cut to the time left.
        assert_eq!(w.polled(&snap("creating", Some(60.0)), 9500.0), (true, WaitStep::PollIn(500)));
        assert_eq!(w.polled(&snap("available", Some(100.0)), 9990.0), (true, WaitStep::Reached));
        // Failed: the error carries the snapshot.
        let mut f = Waiter::new("s1", o.clone(), 0.0);
        let (_, WaitStep::Failed(e)) = f.polled(&snap("error", None), 10.0) else { panic!() };
        assert_eq!((e.kind, e.retryable(), e.snapshot.as_ref().map(|s| s.status.as_str())), (ErrorKind::Failed, false, Some("error")));
        assert_eq!(e.message, "snapshot s1 reached status \"error\", which ends the wait (failOn)");
        // Time up: the message names the last status and progress.
        let mut t = Waiter::new("s1", o, 0.0);
        let _ = t.polled(&snap("creating", Some(40.0)), 5000.0);
        let (_, WaitStep::TimedOut(e)) = t.polled(&snap("creating", Some(45.0)), 10_000.0) else { panic!() };
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Timeout, "snapshot s1 did not reach status \"available\" within 10000 ms (last seen: status \"creating\", progress 45 %)")
        );
        assert_eq!(
            Waiter::new("s1", options("{}").unwrap(), 0.0).timed_out().message,
            "snapshot s1 did not reach status \"available\" within 600000 ms (no poll answered)"
        );
    }
}
