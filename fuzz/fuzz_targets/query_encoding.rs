//! Query and path encoding: what is encoded decodes back to the same bytes,
//! uses only unreserved characters and %XX, and any list option or ID
//! either builds a request or is refused, never a panic.
#![no_main]
use evs_snapshots::core::arg2_raw::{RawConfig, RawListOptions};
use evs_snapshots::core::arg3_input::Input;
use evs_snapshots::core::call::Call;
use evs_snapshots::core::encode::{decode, encode};
use libfuzzer_sys::fuzz_target;

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.~".contains(&b)
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let e = encode(s);
    assert!(e.bytes().all(|b| unreserved(b) || b == b'%'));
    assert_eq!(decode(&e, false), s.as_bytes());
    let _ = decode(s, true);

    let mut parts = s.splitn(3, '\u{1}');
    let (a, b, c) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut raw = RawConfig::default();
    raw.project_id = Input::Str(a.to_string());
    raw.endpoint = Input::Str(b.to_string());
    raw.page_origin = Some("http://127.0.0.1:8080".into());
    if let Ok(call) = Call::show(&raw, &Input::Str(c.to_string())) {
        let r = call.request(0.0);
        assert!(r.url.starts_with("http"));
        assert!(!r.url.contains(' ') && !r.url.contains('#'));
    }
    let opts = RawListOptions { name: Input::Str(c.to_string()), marker: Input::Str(a.to_string()), ..Default::default() };
    if let Ok(call) = Call::list(&raw, &opts) {
        let r = call.request(0.0);
        let query = r.url.split_once('?').map(|(_, q)| q).unwrap_or("");
        assert!(query.bytes().all(|b| unreserved(b) || b"%=&".contains(&b)));
    }
});
