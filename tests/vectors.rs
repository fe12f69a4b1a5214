#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
//! Runs every case of `tests/fixtures/sdk-hmac-sha256.jsonl` (produced by
//! Huawei's official Python SDK signer) through `core::sign::sign_sdk_hmac` and
//! compares with the SDK's output. No expected value lives here: all come
//! from the file.

use std::collections::BTreeMap;

use evs_snapshots::core::sign::{sign_sdk_hmac, Credentials, SignInput};
use serde_json::Value;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sdk-hmac-sha256.jsonl");
const EXPECTED_CASES: usize = 33;

fn str_field<'v>(case: &'v Value, id: &str, field: &str) -> &'v str {
    case.get(field).and_then(Value::as_str).unwrap_or_else(|| panic!("case {id}: field {field:?} missing or not a string"))
}

/// A JSON scalar as the SDK's `str()` would render it for a query value
/// (every value in the file is a string today; bools lower-cased as the SDK
/// does).
fn scalar(v: &Value, id: &str) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => panic!("case {id}: unexpected query value {other}"),
    }
}

/// Splits `scheme://authority/path?query` into (authority, path, query).
fn split_url<'u>(url: &'u str, id: &str) -> (&'u str, &'u str, Option<&'u str>) {
    let rest = url.split_once("://").unwrap_or_else(|| panic!("case {id}: sent_url {url:?} has no scheme")).1;
    let slash = rest.find('/').unwrap_or_else(|| panic!("case {id}: sent_url {url:?} has no path"));
    let (authority, path_query) = rest.split_at(slash);
    match path_query.split_once('?') {
        Some((p, q)) => (authority, p, Some(q)),
        None => (authority, path_query, None),
    }
}

struct Case {
    id: String,
    method: String,
    host: String,
    path: String,
    sent_query: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    ak: String,
    sk: String,
    token: Option<String>,
    sdk_date: String,
}

fn parse(line: &str, lineno: usize) -> (Case, Value) {
    let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("line {lineno}: not JSON: {e}"));
    let id = str_field(&v, &format!("line {lineno}"), "id").to_owned();
    let host = str_field(&v, &id, "host").to_owned();
    let (authority, path, sent_query) = split_url(str_field(&v, &id, "sent_url"), &id);
    assert_eq!(authority, host, "case {id}: sent_url authority differs from host");
    // The path on the wire is the SDK's resource_path (already encoded, e.g.
    // show-path-encoding and show-path-slash); check that, then sign it.
    assert_eq!(path, str_field(&v, &id, "resource_path"), "case {id}: sent_url path differs from resource_path");
    let query = v
        .get("query_params")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("case {id}: query_params missing"))
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([k, v]) => (scalar(k, &id), scalar(v, &id)),
            _ => panic!("case {id}: query pair {pair} is not [k, v]"),
        })
        .collect();
    // serde_json's map is ordered by name; the signer does not depend on
    // header order (no case has a name twice).
    let headers = v
        .get("signer_input_headers")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("case {id}: signer_input_headers missing"))
        .iter()
        .map(|(k, val)| {
            let val = val.as_str().unwrap_or_else(|| panic!("case {id}: header {k} is not a string"));
            (k.clone(), val.to_owned())
        })
        .collect();
    let token = match v.get("security_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => panic!("case {id}: security_token {other} is neither null nor a string"),
    };
    let case = Case {
        method: str_field(&v, &id, "method").to_owned(),
        host,
        path: path.to_owned(),
        sent_query: sent_query.map(str::to_owned),
        query,
        headers,
        body: str_field(&v, &id, "body").as_bytes().to_vec(),
        ak: str_field(&v, &id, "ak").to_owned(),
        sk: str_field(&v, &id, "sk").to_owned(),
        token,
        sdk_date: str_field(&v, &id, "sdk_date").to_owned(),
        id,
    };
    (case, v)
}

#[test]
fn sdk_hmac_sha256_vectors() {
    let text = std::fs::read_to_string(VECTORS).unwrap_or_else(|e| panic!("cannot read {VECTORS}: {e}"));
    assert!(!text.trim().is_empty(), "{VECTORS} is empty");

    let mut checked = 0usize;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (c, v) = parse(line, i + 1);
        let id = c.id.as_str();
        let creds = Credentials { access_key: &c.ak, secret_key: &c.sk, security_token: c.token.as_deref() };
        let input = SignInput { method: &c.method, host: &c.host, path: &c.path, query: &c.query, headers: &c.headers, body: &c.body };

        // Every case gives X-Sdk-Date in its headers, which must win: sign
        // with a different fallback date to prove it.
        assert!(c.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-sdk-date")), "case {id}: signer_input_headers carry no X-Sdk-Date");
        let s = sign_sdk_hmac(&input, &creds, "19700101T000000Z");

        for (field, got) in [
            ("canonical_request", &s.canonical_request),
            ("string_to_sign", &s.string_to_sign),
            ("signed_headers", &s.signed_headers),
            ("signature", &s.signature),
            ("authorization", &s.authorization),
        ] {
            assert_eq!(got, str_field(&v, id, field), "case {id}: {field} differs");
        }

        // The query to send is the SDK's sent query.
        match &c.sent_query {
            Some(q) => assert_eq!(&s.canonical_query, q, "case {id}: query to send differs"),
            None => assert_eq!(s.canonical_query, "", "case {id}: SDK sent no query"),
        }

        // Added headers: what the SDK sent beyond the signer's input, Host
        // aside, with Authorization last.
        let input_names: Vec<String> = c.headers.iter().map(|(k, _)| k.to_lowercase()).collect();
        let sdk_added: BTreeMap<String, String> = v
            .get("output_headers")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("case {id}: output_headers missing"))
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("host") && !input_names.contains(&k.to_lowercase()))
            .map(|(k, val)| (k.clone(), val.as_str().unwrap_or_default().to_owned()))
            .collect();
        let ours: BTreeMap<String, String> = s.added_headers.iter().cloned().collect();
        assert_eq!(ours, sdk_added, "case {id}: added headers differ");
        assert_eq!(ours.len(), s.added_headers.len(), "case {id}: added header twice");
        assert_eq!(
            s.added_headers.last().map(|(k, val)| (k.as_str(), val.as_str())),
            Some(("Authorization", s.authorization.as_str())),
            "case {id}: Authorization is not the last added header"
        );

        // Second pass: leave X-Sdk-Date and X-Security-Token to the signer
        // (from sdk_date and the credentials); the result must not change.
        let fewer: Vec<(String, String)> =
            c.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("x-sdk-date") && !k.eq_ignore_ascii_case("x-security-token")).cloned().collect();
        let s2 = sign_sdk_hmac(&SignInput { headers: &fewer, ..input }, &creds, &c.sdk_date);
        assert_eq!(
            s2.canonical_request,
            str_field(&v, id, "canonical_request"),
            "case {id}: canonical_request differs when the signer adds the date/token"
        );
        assert_eq!(s2.authorization, str_field(&v, id, "authorization"), "case {id}: authorization differs when the signer adds the date/token");
        let names: Vec<&str> = s2.added_headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names.first(), Some(&"X-Sdk-Date"), "case {id}: X-Sdk-Date not added first");
        assert_eq!(names.contains(&"X-Security-Token"), c.token.is_some(), "case {id}: X-Security-Token added iff a token is given");

        checked += 1;
    }

    assert!(checked >= EXPECTED_CASES, "{VECTORS}: only {checked} cases, expected at least {EXPECTED_CASES}");
    println!("{checked} SDK-HMAC-SHA256 vectors reproduced");
}
