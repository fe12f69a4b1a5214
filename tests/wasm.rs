//! The core, compiled to wasm32 and run where users run it: in Node
//! (`cargo test --target wasm32-unknown-unknown --test wasm`) and in headless
//! Chromium (the same with `WASM_BINDGEN_USE_BROWSER=1`); `make test-wasm`
//! runs both. 32-bit `usize`, wasm float handling and the wasm allocator are
//! what differ from the native run.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use evs_snapshots::core::config::{check_config, check_list_options, Input, RawAuth, RawConfig, RawListOptions};
use evs_snapshots::core::error::ErrorKind;
use evs_snapshots::core::request::{list_request, show_request};
use evs_snapshots::core::response::{http_error, read_list, read_show};
use evs_snapshots::core::retry::{next_delay, Outcome};
use evs_snapshots::core::sign::{sign, Credentials, SignInput};
use evs_snapshots::core::time::{normalize_timestamp, parse_http_date, sdk_date};
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

/// The official vectors, compiled in (the build fails if the file is gone).
const VECTORS: &str = include_str!("../../shared/vectors/sdk-hmac-sha256.jsonl");

#[wasm_bindgen_test]
fn all_signing_vectors() {
    let mut n = 0;
    for line in VECTORS.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        let query: Vec<(String, String)> = v["query_params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string()))
            .collect();
        let headers: Vec<(String, String)> = v["signer_input_headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let signed = sign(
            &SignInput {
                method: v["method"].as_str().unwrap(),
                host: v["host"].as_str().unwrap(),
                path: v["resource_path"].as_str().unwrap(),
                query: &query,
                headers: &headers,
                body: v["body"].as_str().unwrap_or("").as_bytes(),
            },
            &Credentials {
                access_key: v["ak"].as_str().unwrap(),
                secret_key: v["sk"].as_str().unwrap(),
                security_token: v["security_token"].as_str(),
            },
            "19700101T000000Z",
        );
        assert_eq!(signed.canonical_request, v["canonical_request"].as_str().unwrap(), "{id}");
        assert_eq!(signed.authorization, v["authorization"].as_str().unwrap(), "{id}");
        n += 1;
    }
    assert!(n >= 33, "only {n} vectors");
}

#[wasm_bindgen_test]
fn timestamps_and_dates() {
    assert_eq!(normalize_timestamp("2016-02-16T16:54:14.981520").as_deref(), Some("2016-02-16T16:54:14.981Z"));
    assert_eq!(normalize_timestamp("2013-02-25t04:13:17.000000").as_deref(), Some("2013-02-25T04:13:17.000Z"));
    assert_eq!(normalize_timestamp("2025-01-01T07:00:00+08:00").as_deref(), Some("2024-12-31T23:00:00.000Z"));
    assert_eq!(normalize_timestamp("soon"), None);
    // The JS engine's own reading of our output is the same instant.
    let iso = normalize_timestamp("2016-02-16T16:54:14.981520").unwrap();
    let d = js_sys::Date::new(&iso.as_str().into());
    assert_eq!(d.get_time(), 1_455_641_654_981.0);
    assert_eq!(String::from(d.to_iso_string()), iso);
    assert_eq!(sdk_date(1_795_342_500_000.0), "20261122T101500Z");
    assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000));
}

fn config() -> evs_snapshots::core::config::Config {
    let mut raw = RawConfig::new();
    raw.project_id = "p1".into();
    raw.endpoint = "/evs".into();
    raw.page_origin = Some("http://127.0.0.1:9".into());
    raw.auth = RawAuth::Object {
        token: Input::Absent,
        access_key: "AK".into(),
        secret_key: "SK".into(),
        security_token: Input::Absent,
    };
    check_config(&raw).unwrap()
}

#[wasm_bindgen_test]
fn requests() {
    let c = config();
    assert_eq!(show_request(&c, "a b", 0.0).url, "http://127.0.0.1:9/evs/v2/p1/cloudsnapshots/a%20b");
    let q = check_list_options(&RawListOptions { limit: Input::Num(50.0), name: "快照 1".into(), ..Default::default() }).unwrap();
    let r = list_request(&c, &q, 0.0);
    assert_eq!(r.url, "http://127.0.0.1:9/evs/v2/p1/snapshots?limit=50&name=%E5%BF%AB%E7%85%A7%201");
    assert!(r.header("Authorization").unwrap().starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date, "));
    let bad = check_list_options(&RawListOptions { limit: Input::Num(1e300), ..Default::default() }).unwrap_err();
    assert_eq!(bad.kind, ErrorKind::InvalidInput);
}

#[wasm_bindgen_test]
fn responses() {
    let body = br#"{"snapshots": [{"id": "a", "size": "3", "created_at": "2016-02-16T16:54:14.981520", "metadata": {"n": 1.50}}],
                   "snapshots_links": [{"href": "http://other.invalid/v2/p/snapshots?marker=a", "rel": "next"}]}"#;
    let page = read_list(200, None, body).unwrap();
    let v: Value = serde_json::from_str(&page.json).unwrap();
    assert_eq!(v["snapshots"][0]["size"], 3);
    assert_eq!(v["snapshots"][0]["metadata"]["n"], "1.5");
    assert_eq!(v["nextMarker"], "a");
    let e = read_show(200, Some("r"), b"<html>").unwrap_err();
    assert_eq!((e.kind, e.request_id.as_deref()), (ErrorKind::InvalidResponse, Some("r")));
    let e = http_error(401, None, br#"{"error_code": "APIGW.0301", "error_msg": "bad sig"}"#);
    assert_eq!((e.code.as_deref(), e.message.as_str()), (Some("APIGW.0301"), "bad sig"));
    // Deep nesting is an error here too, not a stack overflow.
    let deep = "[".repeat(200_000);
    assert!(read_list(200, None, deep.as_bytes()).is_err());
}

#[wasm_bindgen_test]
fn retries() {
    assert_eq!(next_delay(1, 3, Outcome::Status(429), Some("2"), 0.0, 0.5), Some(2000));
    assert_eq!(next_delay(3, 3, Outcome::Status(503), None, 0.0, 0.5), None);
    assert_eq!(next_delay(1, 3, Outcome::Status(404), None, 0.0, 0.5), None);
}

/// The module's own allocator (src/alloc.rs): aligned, non-overlapping
/// blocks, contents kept across growth, and freed blocks reused so memory
/// stays flat.
#[wasm_bindgen_test]
fn allocator() {
    let mut blocks: Vec<Vec<u8>> = Vec::new();
    for (i, size) in [1usize, 15, 16, 17, 100, 4096, 65_535, 65_536, 70_000, 1 << 20].iter().enumerate() {
        let v = vec![i as u8; *size];
        blocks.push(v);
    }
    for (i, b) in blocks.iter().enumerate() {
        assert!(b.iter().all(|&x| x == i as u8), "block {i} was overwritten");
    }
    let mut spans: Vec<(usize, usize)> = blocks.iter().map(|b| (b.as_ptr() as usize, b.len())).collect();
    spans.sort();
    for w in spans.windows(2) {
        assert!(w[0].0 + w[0].1 <= w[1].0, "blocks overlap");
    }
    // Alignment of every kind the core uses.
    let words: Vec<u64> = vec![7; 3];
    assert_eq!(words.as_ptr() as usize % 8, 0);
    // Growing a string keeps its contents.
    let mut s = String::new();
    for i in 0..10_000 {
        s.push(char::from(b'a' + (i % 26) as u8));
    }
    assert_eq!(s.len(), 10_000);
    assert!(s.starts_with("abcdefghijklmnopqrstuvwxyzabc"));
    drop(blocks);
    // Freed blocks come back: a repeated workload does not grow memory.
    let mut before = 0;
    for round in 0..1000 {
        if round == 1 {
            before = core::arch::wasm32::memory_size(0);
        }
        let v = vec![0u8; 300_000];
        let t = String::from_utf8(vec![b'x'; 5000]).unwrap();
        assert_eq!(v.len() + t.len(), 305_000);
    }
    assert_eq!(core::arch::wasm32::memory_size(0), before);
}
