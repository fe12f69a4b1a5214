//! Any status and body into the response reader: never a panic, and
//! whatever it returns is well-formed.
#![no_main]
use evs_snapshots::core::json;
use evs_snapshots::core::response::{http_error, read_list, read_show};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) % 600, rest),
        _ => (200, data),
    };
    for status in [status, 200] {
        match read_show(status, Some("rid"), body) {
            Ok(out) => assert!(json::parse(&out).is_ok(), "read_show wrote invalid JSON"),
            Err(e) => assert!(!e.message.is_empty()),
        }
        match read_list(status, None, body) {
            Ok(page) => {
                let v = json::parse(&page.json).expect("read_list wrote invalid JSON");
                assert!(v.get("snapshots").is_some());
                if page.count == 0 {
                    assert!(page.next_marker.is_none());
                }
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
    let e = http_error(status, None, body);
    assert!(json::parse(&e.to_json()).is_ok());
});
