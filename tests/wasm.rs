//! The crate compiled to wasm32 and run where users run it: in Node
//! (`cargo test --target wasm32-unknown-unknown --test wasm`) and in headless
//! Chromium (the same with `WASM_BINDGEN_USE_BROWSER=1`); `make test-wasm`
//! runs both, with the mock EVS service started by `scripts/with-mock.mjs`
//! (its URL in `EVS_MOCK_URL` at build time).
//!
//! - the core inside wasm: the 33 official signing vectors, timestamps
//!   against the JS engine's own `Date`, requests, responses, retries;
//! - the exported async functions against the mock, through the real
//!   `fetch` of Node or Chromium.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use evs_snapshots::core::arg2_raw::{RawConfig, RawListOptions};
use evs_snapshots::core::arg3_input::Input;
use evs_snapshots::core::call::{Call, Reply, Step};
use evs_snapshots::core::error::ErrorKind;
use evs_snapshots::core::error_body::http_error;
use evs_snapshots::core::response::{read_list, read_show};
use evs_snapshots::core::retry::{next_delay, Failure};
use evs_snapshots::core::sign::{sign_sdk_hmac, Credentials, SignInput};
use evs_snapshots::core::time::{normalize_timestamp, sdk_date};
use evs_snapshots::{get_snapshot, list_snapshots, sign_request, SnapshotWalk};
use js_sys::{Object, Reflect};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// The official vectors, compiled in (the build fails if the file is gone).
const VECTORS: &str = include_str!("fixtures/sdk-hmac-sha256.jsonl");

#[wasm_bindgen_test]
fn all_signing_vectors() {
    let mut n = 0;
    for line in VECTORS.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let id = v["id"].as_str().unwrap();
        let query: Vec<(String, String)> =
            v["query_params"].as_array().unwrap().iter().map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string())).collect();
        let headers: Vec<(String, String)> =
            v["signer_input_headers"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect();
        let signed = sign_sdk_hmac(
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
    // Retry-After as an HTTP date (httpdate, on wasm32's SystemTime).
    assert_eq!(next_delay(1, 3, Failure::Status(429), Some("Sun, 06 Nov 1994 08:49:40 GMT"), 784_111_777_000.0, 0.5), Some(3000));
}

#[wasm_bindgen_test]
fn calls_and_responses() {
    let raw = RawConfig { project_id: "p1".into(), endpoint: "/evs".into(), page_origin: Some("http://127.0.0.1:9".into()), ..Default::default() };
    let c = Call::show(&raw, &Input::from("a b")).unwrap();
    assert_eq!(c.request(0.0).url, "http://127.0.0.1:9/evs/v2/p1/cloudsnapshots/a%20b");
    let opts = RawListOptions { limit: Input::Num(50.0), name: "快照 1".into(), ..Default::default() };
    let c = Call::list(&raw, &opts).unwrap();
    assert_eq!(c.request(0.0).url, "http://127.0.0.1:9/evs/v2/p1/snapshots?limit=50&name=%E5%BF%AB%E7%85%A7%201");
    let bad = Call::list(&raw, &RawListOptions { limit: Input::Num(1e300), ..Default::default() }).unwrap_err();
    assert_eq!(bad.kind, ErrorKind::InvalidInput);
    let body = br#"{"snapshots": [{"id": "a", "size": "3", "created_at": "2016-02-16T16:54:14.981520", "metadata": {"n": 1.50}}],
                   "snapshots_links": [{"href": "http://other.invalid/v2/p/snapshots?marker=a", "rel": "next"}]}"#;
    let page = read_list(None, body).unwrap();
    assert_eq!(page.snapshots[0].size, 3);
    assert_eq!(page.snapshots[0].metadata.get("n"), Some("1.5"));
    assert_eq!(page.next_marker.as_deref(), Some("a"));
    let e = read_show(Some("r"), b"<html>").unwrap_err();
    assert_eq!((e.kind, e.request_id.as_deref()), (ErrorKind::InvalidResponse, Some("r")));
    let e = http_error(401, None, br#"{"error_code": "APIGW.0301", "error_msg": "bad sig"}"#);
    assert_eq!((e.code.as_deref(), e.message.as_str()), (Some("APIGW.0301"), "bad sig"));
    // Text in no documented shape is quoted, saying what it was.
    let e = http_error(400, None, b"invalid json data");
    assert_eq!(e.message, "EVS answered HTTP 400 Bad Request with a plain-text body: invalid json data");
    // Deep nesting is an error here too, not a stack overflow.
    let deep = format!(r#"{{"snapshots": [{{"id": "a", "size": 1, "metadata": {{"k": {}}}}}]}}"#, "[".repeat(200_000));
    assert!(read_list(None, deep.as_bytes()).is_err());
    let step = evs_snapshots::core::call::settle(&c, 1, &evs_snapshots::core::ended::Ended::Timeout, 0.0, 0.5);
    assert_eq!(step, Step::Wait(50));
    assert!(!matches!(step, Step::Done(Reply::Page(_))));
}

// --- the exported async functions against the mock ------------------------------

fn mock_config() -> JsValue {
    let url = option_env!("EVS_MOCK_URL").unwrap_or_default();
    let project = option_env!("EVS_MOCK_PROJECT").unwrap_or_default();
    assert!(!url.is_empty(), "run through scripts/with-mock.mjs (make test-wasm)");
    let cfg = Object::new();
    Reflect::set(&cfg, &"projectId".into(), &project.into()).unwrap();
    Reflect::set(&cfg, &"endpoint".into(), &url.into()).unwrap();
    cfg.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

#[wasm_bindgen_test]
async fn list_then_get_through_fetch() {
    let page = list_snapshots(mock_config(), options(&[("limit", 2.into())])).await.unwrap();
    let snaps: js_sys::Array = get(&page, "snapshots").unchecked_into();
    assert_eq!(snaps.length(), 2);
    let second = snaps.get(1);
    let id = get(&second, "id").as_string().unwrap();
    assert_eq!(get(&page, "nextMarker").as_string().as_deref(), Some(id.as_str()));
    // A plain object, metadata too: no Map, no class.
    let meta = get(&second, "metadata");
    assert_eq!(Object::get_prototype_of(&meta), Object::get_prototype_of(&Object::new().into()));
    let one = get_snapshot(mock_config(), id.clone().into()).await.unwrap();
    assert_eq!(get(&one, "id").as_string(), Some(id));
    assert_eq!(get(&one, "projectId").as_string().as_deref(), option_env!("EVS_MOCK_PROJECT"));
    assert!(get(&one, "size").as_f64().unwrap() >= 1.0);
}

#[wasm_bindgen_test]
async fn errors_are_plain_objects_of_the_contract() {
    let e = get_snapshot(mock_config(), "no-such-snapshot".into()).await.unwrap_err();
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("http"));
    assert_eq!(get(&e, "status").as_f64(), Some(404.0));
    assert_eq!(get(&e, "errorType").as_string().as_deref(), Some("itemNotFound"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert_eq!(get(&e, "requestId").as_string().map(|r| r.len()), Some(32));
    let e = get_snapshot(mock_config(), "a/b".into()).await.unwrap_err();
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalid_input"));
    assert!(get(&e, "message").as_string().unwrap().starts_with("snapshotId "));
    let e = list_snapshots(JsValue::from_str("cfg"), JsValue::UNDEFINED).await.unwrap_err();
    assert_eq!(get(&e, "message").as_string().as_deref(), Some("config must be an object, not a string"));
}

/// A header the platform's fetch manages (Node's refuses `Keep-Alive`, a
/// browser drops it) is `invalid_input` naming it, the same in Node and in
/// Chromium, before any request (docs/contract.md "ClientConfig").
#[wasm_bindgen_test]
async fn a_header_fetch_manages_is_invalid_input_in_every_runtime() {
    for name in ["Keep-Alive", "transfer-encoding", "Upgrade", "Expect", "Connection"] {
        let cfg = mock_config();
        Reflect::set(&cfg, &"headers".into(), &options(&[(name, "timeout=5".into())])).unwrap();
        let e = get_snapshot(cfg, "no-such-snapshot".into()).await.unwrap_err();
        assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalid_input"), "{name}");
        let m = get(&e, "message").as_string().unwrap();
        assert!(m.starts_with(&format!("headers: \"{name}\" cannot be set")), "{m}");
    }
}

#[wasm_bindgen_test]
async fn a_walk_pages_to_the_end() {
    let walk = SnapshotWalk::new(mock_config(), options(&[("limit", 100.into())]));
    let mut ids = std::collections::HashSet::new();
    let mut pages = 0;
    loop {
        let page = JsFuture::from(walk.next()).await.unwrap();
        if page.is_null() {
            break;
        }
        pages += 1;
        for s in js_sys::Array::from(&page).iter() {
            assert!(ids.insert(get(&s, "id").as_string().unwrap()), "a snapshot seen twice");
        }
        assert!(pages < 100);
    }
    let all = list_snapshots(mock_config(), JsValue::UNDEFINED).await.unwrap();
    let total = js_sys::Array::from(&get(&all, "snapshots")).length() as usize;
    assert_eq!(ids.len(), total);
    assert_eq!(pages, total.div_ceil(100));
}

#[wasm_bindgen_test]
fn sign_request_export() {
    let req = options(&[("method", "GET".into()), ("url", "https://iam.example.com/v3/projects?b=2&a=1".into())]);
    let creds = options(&[("accessKey", "AK".into()), ("secretKey", "SK".into())]);
    let date = js_sys::Date::new(&1_795_342_500_000.0.into());
    let out = sign_request(req, creds, date.into()).unwrap();
    assert_eq!(get(&out, "url").as_string().as_deref(), Some("https://iam.example.com/v3/projects?a=1&b=2"));
    assert_eq!(get(&get(&out, "headers"), "X-Sdk-Date").as_string().as_deref(), Some("20261122T101500Z"));
}
