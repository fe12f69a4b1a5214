//! Where a wait for a snapshot's status is decided (`waitForSnapshot`,
//! docs/contract.md "waitForSnapshot"), with no I/O: after each poll the shell hands
//! the [`Waiter`] the snapshot and the time, and learns whether to tell
//! `onProgress`, and whether the wait is over (reached, failed) or when to
//! poll again, or to time out. The wait's [`Deadline`] bounds everything the
//! shell does for it: the IAM lookup, each attempt of a poll, the pause
//! before a retry and the pause before the next poll. Nothing starts at or
//! after the deadline, and the wait ends there, not before.

use super::arg2_raw::{RawList, RawWaitOptions};
use super::arg3_input::{Input, MAX_SAFE_INTEGER};
use super::arg4_config::MAX_TIMEOUT_MS;
use super::error::{ErrorKind, EvsError};
use super::model::Snapshot;

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

/// A wait's deadline: the epoch ms at which its `timeoutMs` is up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deadline(pub f64);

/// What a pause that must end before the deadline comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pause {
    /// Pause this many ms, then go on: what follows starts before the
    /// deadline.
    Then(u64),
    /// What follows could not start before the deadline: pause this many ms
    /// (until the deadline; 0 when it has come), then time out.
    UntilDeadline(u64),
}

impl Deadline {
    /// The time left at `now_ms`, in ms (0 once it is up).
    pub fn left_ms(self, now_ms: f64) -> f64 {
        let left = self.0 - now_ms;
        if left > 0.0 {
            left
        } else {
            0.0
        }
    }

    /// How long to pause, at `now_ms`, until the deadline has passed
    /// (whole ms, at least 1); `None` once the clock reads beyond it. A wait
    /// times out only then, never before: `now_ms` is a whole-millisecond
    /// clock (`Date.now()`) that reads up to 1 ms behind the real time, and
    /// a timer may fire up to 1 ms early (Node's timers run on the event
    /// loop's cached time), so a wait that ended at the first reading equal
    /// to the deadline could end before `timeoutMs` had passed.
    pub fn until_past(self, now_ms: f64) -> Option<u64> {
        if now_ms > self.0 {
            None
        } else {
            // 0 ≤ deadline − now, and far below 2^53 for any deadline a
            // wait can have (timeoutMs is a safe integer).
            Some((self.0 - now_ms).floor() as u64 + 1)
        }
    }

    /// The time an attempt started at `now_ms` may take: the config's
    /// `timeout_ms`, cut to the time left (whole ms, rounded up). The flag
    /// says it was cut, so that the attempt's timeout is the deadline's;
    /// `None` once the time is up (no attempt starts then).
    pub fn attempt_ms(self, timeout_ms: u32, now_ms: f64) -> Option<(u32, bool)> {
        let left = self.left_ms(now_ms);
        if left <= 0.0 {
            None
        } else if left < f64::from(timeout_ms) {
            // Below timeout_ms, so within u32; at least 1.
            Some((left.ceil() as u32, true))
        } else {
            Some((timeout_ms, false))
        }
    }

    /// A pause of `pause_ms` at `now_ms` (a retry's backoff or
    /// `Retry-After`, or the interval before the next poll): taken whole
    /// when what follows it still starts before the deadline; otherwise
    /// the wait pauses until the deadline and times out then, since it
    /// cannot poll again (docs/contract.md "waitForSnapshot": a wait keeps
    /// its deadline, it does not end early).
    pub fn pause(self, now_ms: f64, pause_ms: u64) -> Pause {
        let left = self.left_ms(now_ms);
        if (pause_ms as f64) < left {
            Pause::Then(pause_ms)
        } else {
            Pause::UntilDeadline(left.ceil() as u64)
        }
    }
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
    /// No poll can start before the deadline: wait this many ms (until the
    /// deadline; 0 when it has come), send nothing, then reject with
    /// [`Waiter::timed_out`].
    TimeOutIn(u64),
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

    /// The wait's deadline: `timeoutMs` after it started.
    pub fn deadline(&self) -> Deadline {
        Deadline(self.deadline_ms)
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
        } else {
            match self.deadline().pause(now_ms, u64::from(self.options.interval_ms)) {
                Pause::Then(ms) => WaitStep::PollIn(ms),
                Pause::UntilDeadline(ms) => WaitStep::TimeOutIn(ms),
            }
        };
        (changed, step)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_wait_times_out_only_once_the_clock_reads_past_its_deadline() {
        let d = Deadline(1_300.0);
        // 95 ms before: pause 96 ms (to 1,301, the first reading past 1,300).
        assert_eq!(d.until_past(1_205.0), Some(96));
        // At the deadline (a timer that fired on time, or up to 1 ms early
        // with the clock reading whole ms): 1 ms more.
        assert_eq!(d.until_past(1_300.0), Some(1));
        assert_eq!(d.until_past(1_299.4), Some(1));
        assert_eq!(d.until_past(1_299.0), Some(2));
        // Past it: time out now.
        assert_eq!(d.until_past(1_301.0), None);
        assert_eq!(d.until_past(1_300.5), None);
    }

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
        assert_eq!(w.polled(&snap("creating", Some(58.0)), 8999.0), (true, WaitStep::PollIn(1000)));
        // No poll could start before the deadline: wait until it, send
        // nothing, time out (not a poll at the deadline, with no time left).
        assert_eq!(w.polled(&snap("creating", Some(60.0)), 9000.0), (true, WaitStep::TimeOutIn(1000)));
        assert_eq!(w.polled(&snap("creating", Some(60.0)), 9500.0), (false, WaitStep::TimeOutIn(500)));
        assert_eq!(w.polled(&snap("creating", Some(60.0)), 9999.5), (false, WaitStep::TimeOutIn(1)));
        assert_eq!(w.polled(&snap("available", Some(100.0)), 9990.0), (true, WaitStep::Reached));
        // Failed: the error carries the snapshot.
        let mut f = Waiter::new("s1", o.clone(), 0.0);
        let (_, WaitStep::Failed(e)) = f.polled(&snap("error", None), 10.0) else { panic!() };
        assert_eq!((e.kind, e.retryable(), e.snapshot.as_ref().map(|s| s.status.as_str())), (ErrorKind::Failed, false, Some("error")));
        assert_eq!(e.message, "snapshot s1 reached status \"error\", which ends the wait (failOn)");
        // Time up: the message names the last status and progress.
        let mut t = Waiter::new("s1", o, 0.0);
        let _ = t.polled(&snap("creating", Some(40.0)), 5000.0);
        assert_eq!(t.polled(&snap("creating", Some(45.0)), 10_000.0), (true, WaitStep::TimeOutIn(0)));
        assert_eq!(t.polled(&snap("creating", Some(45.0)), 12_000.0), (false, WaitStep::TimeOutIn(0)));
        let e = t.timed_out();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Timeout, "snapshot s1 did not reach status \"available\" within 10000 ms (last seen: status \"creating\", progress 45 %)")
        );
        assert_eq!(
            Waiter::new("s1", options("{}").unwrap(), 0.0).timed_out().message,
            "snapshot s1 did not reach status \"available\" within 600000 ms (no poll answered)"
        );
    }

    #[test]
    fn the_deadline_bounds_attempts_and_pauses() {
        let d = Waiter::new("s1", options(r#"{"timeoutMs": 3000}"#).unwrap(), 1000.0).deadline();
        assert_eq!(d, Deadline(4000.0));
        assert_eq!((d.left_ms(1000.0), d.left_ms(3999.5), d.left_ms(4000.0), d.left_ms(9000.0)), (3000.0, 0.5, 0.0, 0.0));
        // An attempt: the config's timeout, or the time left (cut, rounded
        // up); none once the time is up.
        assert_eq!(d.attempt_ms(30_000, 1000.0), Some((3000, true)));
        assert_eq!(d.attempt_ms(30_000, 3999.2), Some((1, true)));
        assert_eq!(d.attempt_ms(500, 1000.0), Some((500, false)));
        assert_eq!(d.attempt_ms(3000, 1000.0), Some((3000, false)));
        assert_eq!(d.attempt_ms(30_000, 4000.0), None);
        assert_eq!(d.attempt_ms(30_000, 5000.0), None);
        // A pause: whole when what follows starts before the deadline;
        // otherwise until the deadline, then time out. A Retry-After of 20 s
        // (issue 25 §3) on a wait with 2.7 s left keeps the deadline.
        assert_eq!(d.pause(1300.0, 100), Pause::Then(100));
        assert_eq!(d.pause(1300.0, 2699), Pause::Then(2699));
        assert_eq!(d.pause(1300.0, 2700), Pause::UntilDeadline(2700));
        assert_eq!(d.pause(1300.0, 20_000), Pause::UntilDeadline(2700));
        assert_eq!(d.pause(3999.5, 0), Pause::Then(0));
        assert_eq!(d.pause(3999.5, 1), Pause::UntilDeadline(1));
        assert_eq!(d.pause(4000.0, 0), Pause::UntilDeadline(0));
        assert_eq!(d.pause(7000.0, 100), Pause::UntilDeadline(0));
        // A wait far longer than a timer can run: still whole numbers.
        let far = Deadline(9_007_199_254_740_991.0);
        assert_eq!(far.attempt_ms(30_000, 0.0), Some((30_000, false)));
        assert_eq!(far.pause(0.0, 2000), Pause::Then(2000));
    }
}
