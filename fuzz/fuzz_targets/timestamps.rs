//! Timestamps and HTTP dates: never a panic; a normalised timestamp is the
//! same instant and normalises to itself.
#![no_main]
use evs_snapshots::core::retry::{next_delay, retry_after_ms, Failure, MAX_DELAY_MS};
use evs_snapshots::core::time::{normalize_timestamp, parse_timestamp_ms, sdk_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Some(iso) = normalize_timestamp(s) {
        assert_eq!(iso.len(), 24, "{iso}");
        assert!(iso.ends_with('Z'));
        let a = parse_timestamp_ms(s).expect("normalised but unreadable");
        let b = parse_timestamp_ms(&iso).expect("output unreadable");
        // The input may carry sub-millisecond digits: truncation only.
        assert_eq!(a, b);
        assert_eq!(normalize_timestamp(&iso).as_deref(), Some(iso.as_str()));
    }
    let now = f64::from(u32::from_le_bytes([data.first().copied().unwrap_or(0), 1, 2, 3])) * 1000.0;
    let _ = retry_after_ms(s, now);
    for status in [429, 503, 500] {
        if let Some(d) = next_delay(1, 3, Failure::Status(status), Some(s), now, 0.5) {
            assert!(d <= MAX_DELAY_MS);
        }
    }
    let _ = sdk_date(now * 1000.0);
});
