//! Where retries are decided. Pure: the caller supplies the clock and the
//! random number, so every decision is testable.
//!
//! docs/contract.md "Retries, timeouts and cancellation": 429, 500, 502, 503, 504,
//! network failures and per-attempt timeouts are retried, up to
//! `max_attempts` attempts in all; the wait is exponential backoff with full
//! jitter (base 100 ms, doubling, capped at 20 s), replaced on a 429 or 503
//! by `Retry-After` (seconds or an HTTP date), itself capped at 20 s. No wait
//! follows the last attempt. And a wrong clock ([`server_time`]): a 401 to a
//! signed request, sent again at once with the server's time.
//!
//! [`delay_after`] reads an attempt's end for these rules: a rule that needs
//! another response header reads it there (its name added to
//! `ended::RULE_HEADERS`).

use super::ended::{Ended, Received};
use super::time::{http_date_ms, parse_sdk_date};

/// The backoff's base, in ms: the first wait is at most this.
pub const BASE_DELAY_MS: u64 = 100;
/// The longest wait between attempts, in ms (backoff or `Retry-After`).
pub const MAX_DELAY_MS: u64 = 20_000;
/// `maxAttempts` when not given.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// `timeoutMs` when not given.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The service answered with this (non-2xx) status.
    Status(u16),
    /// `fetch` failed before a response.
    Network,
    /// The attempt's own timeout fired.
    Timeout,
}

/// The statuses retried: 429, 500, 502, 503 and 504.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// The wait before the next attempt, in milliseconds, or `None` when the
/// call must stop with this attempt's error.
///
/// `attempt` is the 1-based number of the attempt that just failed;
/// `retry_after` the header's value if the response had one; `now_ms` the
/// clock (epoch ms) for HTTP-date values; `random` a number in `[0, 1)`.
pub fn next_delay(attempt: u32, max_attempts: u32, failure: Failure, retry_after: Option<&str>, now_ms: f64, random: f64) -> Option<u64> {
    let retryable = match failure {
        Failure::Status(s) => is_retryable_status(s),
        Failure::Network | Failure::Timeout => true,
    };
    if !retryable || attempt >= max_attempts {
        return None;
    }
    if let (Failure::Status(429 | 503), Some(value)) = (failure, retry_after) {
        if let Some(ms) = retry_after_ms(value, now_ms) {
            return Some(ms.min(MAX_DELAY_MS));
        }
    }
    Some(backoff_ms(attempt, random))
}

/// [`next_delay`] for an attempt that ended as `ended`: its status and
/// `Retry-After` header, or how it failed without one. `None` also for an
/// aborted call, which is never retried.
pub fn delay_after(attempt: u32, max_attempts: u32, ended: &Ended, now_ms: f64, random: f64) -> Option<u64> {
    let (failure, retry_after) = match ended {
        Ended::Response(r) => (Failure::Status(r.status), r.present("retry-after")),
        Ended::Network(_) | Ended::HiddenRedirect => (Failure::Network, None),
        Ended::Timeout => (Failure::Timeout, None),
        Ended::Aborted => return None,
    };
    next_delay(attempt, max_attempts, failure, retry_after, now_ms, random)
}

/// Full jitter: uniform in `[0, min(cap, base · 2^(attempt-1))]`.
pub fn backoff_ms(attempt: u32, random: f64) -> u64 {
    let exp = attempt.saturating_sub(1).min(31);
    let ceiling = BASE_DELAY_MS.saturating_mul(1u64 << exp).min(MAX_DELAY_MS);
    let r = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.0 };
    ((ceiling as f64) * r) as u64
}

/// A `Retry-After` value in milliseconds from now: delay-seconds (digits
/// only) or an HTTP date (a past date means no wait). `None` for anything
/// else, and the caller falls back to backoff.
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Saturate absurdly long digit strings instead of failing.
        let secs: u64 = v.parse().unwrap_or(u64::MAX);
        return Some(secs.saturating_mul(1000));
    }
    let at_ms = http_date_ms(v)?;
    let now = if now_ms.is_finite() { now_ms as i64 } else { 0 };
    Some(u64::try_from(at_ms.saturating_sub(now)).unwrap_or(0))
}

/// How far the client's clock may be from the server's before a 401 to a
/// signed request is taken for a wrong clock: 5 minutes (the gateway itself
/// refuses an `X-Sdk-Date` 15 minutes off).
pub const CLOCK_SKEW_MS: f64 = 300_000.0;

/// A wrong clock (docs/contract.md "Retries, timeouts and cancellation"): with
/// AK/SK auth (`signed`), a 401 whose server time is more than [`CLOCK_SKEW_MS`] from
/// `signed_at` (the time the request was signed with) gives the server's
/// time, in epoch milliseconds; the shell then sets its clock offset to
/// that time minus its own clock at signing (set, never added to, so that
/// calls correcting at the same time agree) and signs again at once.
/// The server time is the response's `Date` header, or, when that cannot be
/// read (cross-origin), the server time the gateway writes into its message
/// (`... server time:20261130T103500Z`). `None` for anything else: a 401
/// with a correct clock is final.
pub fn server_time(signed: bool, ended: &Ended, signed_at: f64) -> Option<f64> {
    let Ended::Response(r @ Received { status: 401, .. }) = ended else { return None };
    if !signed || !signed_at.is_finite() {
        return None;
    }
    let from_date = r.header("date").and_then(http_date_ms);
    let server = from_date.or_else(|| {
        let text = String::from_utf8_lossy(&r.body);
        let at = text.find("server time:")? + "server time:".len();
        parse_sdk_date(text.get(at..at + 16)?)
    })? as f64;
    ((server - signed_at).abs() > CLOCK_SKEW_MS).then_some(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_retried() {
        for s in [429, 500, 502, 503, 504] {
            assert!(next_delay(1, 3, Failure::Status(s), None, 0.0, 0.5).is_some(), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 413, 501, 505] {
            assert_eq!(next_delay(1, 3, Failure::Status(s), None, 0.0, 0.5), None, "{s}");
        }
        assert!(next_delay(1, 3, Failure::Network, None, 0.0, 0.5).is_some());
        assert!(next_delay(1, 3, Failure::Timeout, None, 0.0, 0.5).is_some());
    }

    #[test]
    fn attempts_run_out() {
        assert!(next_delay(2, 3, Failure::Status(503), None, 0.0, 0.5).is_some());
        assert_eq!(next_delay(3, 3, Failure::Status(503), None, 0.0, 0.5), None);
        assert_eq!(next_delay(1, 1, Failure::Network, None, 0.0, 0.5), None);
    }

    #[test]
    fn full_jitter_backoff() {
        // Ceiling 100, 200, 400, ... ms, capped at 20 s.
        assert_eq!(backoff_ms(1, 0.0), 0);
        assert_eq!(backoff_ms(1, 0.999_999), 99);
        assert_eq!(backoff_ms(2, 0.5), 100);
        assert_eq!(backoff_ms(3, 0.5), 200);
        assert_eq!(backoff_ms(8, 1.0), 12_800);
        assert_eq!(backoff_ms(9, 1.0), 20_000);
        assert_eq!(backoff_ms(200, 1.0), 20_000);
        assert_eq!(backoff_ms(1, f64::NAN), 0);
        assert_eq!(backoff_ms(3, 7.0), 400);
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("2"), now, 0.9), Some(2_000));
        assert_eq!(next_delay(1, 3, Failure::Status(503), Some(" 0 "), now, 0.9), Some(0));
        assert_eq!(next_delay(1, 3, Failure::Status(503), Some("120"), now, 0.9), Some(20_000));
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("99999999999999999999999"), now, 0.9), Some(20_000));
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("Sun, 06 Nov 1994 08:49:40 GMT"), now, 0.9), Some(3_000));
        // A date in the past: no wait.
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("Sun, 06 Nov 1994 08:00:00 GMT"), now, 0.9), Some(0));
        // Unreadable: backoff instead.
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("soon"), now, 0.5), Some(50));
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("-5"), now, 0.5), Some(50));
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("1.5"), now, 0.5), Some(50));
        // The obsolete forms RFC 9110 requires a recipient to accept.
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("Sunday, 06-Nov-94 08:49:41 GMT"), now, 0.9), Some(4_000));
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("Sun Nov  6 08:49:42 1994"), now, 0.9), Some(5_000));
        assert_eq!(next_delay(1, 3, Failure::Status(429), Some("Sun, 31 Feb 1994 08:49:37 GMT"), now, 0.5), Some(50));
        // Only 429 and 503 honour it.
        assert_eq!(next_delay(1, 3, Failure::Status(500), Some("5"), now, 0.5), Some(50));
        // Never a wait after the last attempt, Retry-After or not.
        assert_eq!(next_delay(3, 3, Failure::Status(429), Some("1"), now, 0.5), None);
    }

    #[test]
    fn a_wrong_clock_is_corrected_from_the_date_header_or_the_gateway_message() {
        // A key pair signed the request; a token does not sign.
        let (keys, token) = (true, false);
        // 2026-11-30T10:15:00Z, and the server 20 minutes ahead.
        let now = 1_796_033_700_000.0;
        let gw = br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: signature expired, signature time:20261130T101500Z,server time:20261130T103500Z"}"#;
        let r401 = |date: Option<&str>, body: &[u8]| {
            let r = Received::new(401, body);
            Ended::Response(match date {
                Some(d) => r.with_header("Date", d),
                None => r,
            })
        };
        assert_eq!(server_time(keys, &r401(Some("Mon, 30 Nov 2026 10:35:00 GMT"), b""), now), Some(now + 1_200_000.0));
        assert_eq!(server_time(keys, &r401(Some("Mon, 30 Nov 2026 09:55:00 GMT"), b""), now), Some(now - 1_200_000.0));
        // No readable Date (cross-origin): the gateway's message.
        assert_eq!(server_time(keys, &r401(None, gw), now), Some(now + 1_200_000.0));
        assert_eq!(server_time(keys, &r401(Some("garbage"), gw), now), Some(now + 1_200_000.0));
        // Within 5 minutes: a real 401, not a clock.
        assert_eq!(server_time(keys, &r401(Some("Mon, 30 Nov 2026 10:19:00 GMT"), b""), now), None);
        // Nothing to go by, a token, or another status: nothing.
        assert_eq!(server_time(keys, &r401(None, b"{}"), now), None);
        assert_eq!(server_time(token, &r401(Some("Mon, 30 Nov 2026 10:35:00 GMT"), gw), now), None);
        let r403 = Ended::Response(Received::new(403, "").with_header("Date", "Mon, 30 Nov 2026 10:35:00 GMT"));
        assert_eq!(server_time(keys, &r403, now), None);
    }
}
