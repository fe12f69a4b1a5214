//! Where retries are decided. Pure: the caller supplies the clock and the
//! random number, so every decision is testable.
//!
//! docs/contract.md "Retries, timeouts and cancellation": 429, 500, 502, 503, 504,
//! network failures and per-attempt timeouts are retried, up to
//! `max_attempts` attempts in all; the wait is exponential backoff with full
//! jitter (base 100 ms, doubling, capped at 20 s), replaced on a 429 or 503
//! by `Retry-After` (seconds or an HTTP date), itself capped at 20 s. No wait
//! follows the last attempt.

use super::time::http_date_ms;

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
}
