//! core::call, which reads what the JS layer describes of the caller's
//! values: never a panic on any description, body or outcome; every text
//! it hands back is what the JS layer expects (R/O/E/W/Q/D + valid JSON).
#![no_main]
use evs_snapshots::core::call::{
    fail_text, next_page, plan_json, prepare, settle_described, sign_described, step_text, Ended, Op,
};
use evs_snapshots::core::json;
use libfuzzer_sys::fuzz_target;

fn valid(text: &str) {
    assert!(json::parse(text).is_ok(), "not JSON: {text}");
}

fuzz_target!(|data: &[u8]| {
    // description \x01 body \x01 a status byte pair \x01 retry-after
    let mut parts = data.split(|&b| b == 1);
    let desc = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let body = parts.next().unwrap_or(&[]);
    let st = parts.next().unwrap_or(&[]);
    let status = u16::from(st.first().copied().unwrap_or(200)) * 2 + u16::from(st.get(1).copied().unwrap_or(0) & 1);
    let retry_after = parts.next().map(|r| String::from_utf8_lossy(r).into_owned());
    for op in [Op::Show, Op::List] {
        match prepare(op, &desc) {
            Ok(call) => valid(&plan_json(&call, 1_795_342_500_000.0)),
            Err(e) => valid(&fail_text(&e)[1..]),
        }
        for (attempt, ended) in [
            (1, Ended::Response { status, request_id: Some("r"), retry_after: retry_after.as_deref(), body, truncated: false }),
            (3, Ended::Response { status: 200, request_id: None, retry_after: None, body, truncated: body.len() % 2 == 0 }),
            (2, Ended::Network("x")),
            (9, Ended::Timeout),
            (1, Ended::Aborted),
        ] {
            let text = step_text(settle_described(op, &desc, attempt, &ended, 0.0, 0.5));
            match text.as_bytes().first() {
                Some(b'O' | b'E') => valid(&text[1..]),
                Some(b'W') => assert!(text[1..].parse::<u64>().is_ok_and(|ms| ms <= 20_000), "{text}"),
                _ => panic!("unexpected step {text}"),
            }
        }
    }
    if let Ok(Some(next)) = next_page(&desc, body.len(), retry_after.as_deref()) {
        valid(&next);
    }
    if let Ok(out) = sign_described(&desc, body, 0.0) {
        valid(&out);
    }
});
