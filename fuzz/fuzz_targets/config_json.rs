//! The caller's arguments as JSON (the serde path serde-wasm-bindgen takes
//! in the module), then a whole call: checked config and options, the
//! request of each attempt, and what any outcome means. Never a panic; a
//! wait is never over the 20 s cap; an error always has a message.
#![no_main]
use evs_snapshots::core::arg2_raw::{RawAuth, RawConfig, RawListOptions, RawSignRequest};
use evs_snapshots::core::arg3_input::Input;
use evs_snapshots::core::arg4_config::Auth;
use evs_snapshots::core::call::{settle, Attempts, Call, Step};
use evs_snapshots::core::ended::{Ended, Received};
use evs_snapshots::core::request::check_and_sign;
use evs_snapshots::core::retry::server_time;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // config JSON \x01 options JSON \x01 body \x01 status bytes \x01 retry-after
    let mut parts = data.split(|&b| b == 1);
    let config = parts.next().unwrap_or(&[]);
    let options = parts.next().unwrap_or(&[]);
    let body = parts.next().unwrap_or(&[]);
    let st = parts.next().unwrap_or(&[]);
    let status = u16::from(st.first().copied().unwrap_or(200)) * 2 + u16::from(st.get(1).copied().unwrap_or(0) & 1);
    let retry_after = parts.next().map(|r| String::from_utf8_lossy(r).into_owned());
    let Ok(mut raw) = serde_json::from_slice::<RawConfig>(config) else { return };
    raw.page_origin = Some("http://127.0.0.1:8080".into());
    let opts = serde_json::from_slice::<RawListOptions>(options).unwrap_or_default();
    let id = serde_json::from_slice::<Input>(options).unwrap_or(Input::Absent);
    for call in [Call::show(&raw, &id), Call::list(&raw, &opts)] {
        let call = match call {
            Ok(c) => c,
            Err(e) => {
                assert!(!e.message.is_empty());
                continue;
            }
        };
        let r = call.request(1_795_342_500_000.0);
        assert!(r.url.starts_with("http://") || r.url.starts_with("https://"));
        for (attempt, ended) in [
            (
                1,
                Ended::Response(match retry_after.as_deref() {
                    // The same text as each header the rules read.
                    Some(v) => Received::new(status, body)
                        .with_header("X-Request-Id", "r")
                        .with_header("Retry-After", v)
                        .with_header("Date", v)
                        .with_header("Location", v),
                    None => Received::new(status, body).with_header("X-Request-Id", "r"),
                }),
            ),
            (3, Ended::Response(Received { truncated: body.len() % 2 == 0, ..Received::new(200, body) })),
            (2, Ended::Network("x".into())),
            (2, Ended::HiddenRedirect),
            (9, Ended::Timeout),
            (1, Ended::Aborted),
        ] {
            let signed_at = 1_796_033_700_000.0;
            if let Some(server) = server_time(matches!(call.config.auth, Auth::Keys { .. }), &ended, signed_at) {
                assert!(server.is_finite() && (server - signed_at).abs() > 300_000.0);
            }
            // The machine over the same end: a resend only for a corrected
            // clock, and then a finite offset.
            let mut machine = Attempts::new(call.clone(), 0.0);
            let _ = machine.request(signed_at);
            if machine.ended(&ended, signed_at, 0.5) == Step::Resend {
                assert!(machine.clock_offset().is_finite());
            }
            match settle(&call, attempt, &ended, 0.0, 0.5) {
                Step::Resend => panic!("settle never resends"),
                Step::Wait(ms) => assert!(ms <= 20_000),
                Step::Fail(e) => {
                    assert!(!e.message.is_empty());
                    // Cut after redaction: never longer than the limit.
                    assert!(e.message.len() <= evs_snapshots::core::error::MAX_MESSAGE + 3);
                }
                Step::Done(_) => {}
            }
        }
    }
    // The same bytes as a signRequest call.
    if let (Ok(req), Ok(creds)) = (serde_json::from_slice::<RawSignRequest>(config), serde_json::from_slice::<RawAuth>(options)) {
        if let Ok(signed) = check_and_sign(&req, body, &creds, 0.0) {
            assert!(signed.headers.iter().any(|(k, _)| k == "Authorization"));
        }
    }
});
