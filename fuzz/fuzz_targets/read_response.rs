//! Any status and body into the response reader (bytes → serde wire types
//! → models): never a panic, and whatever it returns is well-formed.
#![no_main]
use evs_snapshots::core::error::MAX_MESSAGE;
use evs_snapshots::core::error_body::http_error;
use evs_snapshots::core::response::{read_list, read_show};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) % 600, rest),
        _ => (200, data),
    };
    {
        match read_show(Some("rid"), body) {
            Ok(s) => {
                assert!(!s.id.is_empty());
                assert!(s.progress.is_none_or(|p| (0.0..=100.0).contains(&p)));
                assert!(serde_json::to_string(&s).is_ok());
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
        match read_list(None, body) {
            Ok(page) => {
                if page.snapshots.is_empty() {
                    assert!(page.next_marker.is_none());
                }
                assert!(page.snapshots.iter().all(|s| !s.id.is_empty() && s.size < (1 << 53)));
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
    let mut e = http_error(status, None, body);
    assert!(!e.message.is_empty());
    assert!(serde_json::to_string(&e.view()).is_ok());
    // A quoted body is redacted and cut like any message.
    e.redact(&["fuzz-secret-0123456789"]);
    assert!(e.message.len() <= MAX_MESSAGE + '…'.len_utf8());
    assert!(!e.message.contains("fuzz-secret-0123456789"));
});
