//! Where a response is read: a 2xx body's bytes in, a [`Snapshot`] or a
//! [`SnapshotPage`] out, or an `invalid_response` [`EvsError`] (the call
//! makes an `http` error of any other status, through `error_body`).
//!
//! Bodies are parsed by `serde_json` into the wire types of `wire`, which
//! tolerate every quirk of docs/evs-api.md ("Show one snapshot", "List snapshots", "Snapshot fields") (docs/contract.md "Other wire data"); the
//! models JavaScript receives are in `model`.

use serde_json::Value;

use super::arg3_input::Input;
use super::encode::{decode, decode_lossy};
use super::error::EvsError;
use super::error_body::{service_error, ServiceError};
use super::model::{Snapshot, SnapshotPage};
use super::wire::{snapshot, Link, ListBody, ShowBody};

/// A 2xx status: the only answers whose body is read as a snapshot or a
/// page (the call makes an `http` error of any other).
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// A 2xx body as text: UTF-8, a byte-order mark dropped, not blank.
fn body_text<'a>(body: &'a [u8], request_id: Option<&str>) -> Result<&'a str, EvsError> {
    let bad = |m: String| EvsError::invalid_response(m).with_request_id(request_id);
    let text = std::str::from_utf8(body).map_err(|e| bad(format!("the response body is not valid UTF-8 (at byte {})", e.valid_up_to())))?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(bad("the response body is empty; a JSON document was expected".into()));
    }
    Ok(text)
}

/// A serde_json failure on a 2xx body, as one sentence.
fn parse_error(e: &serde_json::Error, request_id: Option<&str>) -> EvsError {
    let m = if e.to_string().starts_with("recursion limit exceeded") {
        "the response body is nested too deeply to be a snapshot document".to_string()
    } else if e.is_syntax() || e.is_eof() {
        format!("the response body is not valid JSON: {e}")
    } else {
        format!("the response body is not what the API documents: {e}")
    };
    EvsError::invalid_response(m).with_request_id(request_id)
}

/// A 2xx body without the expected member: an error document's message is
/// carried into ours.
fn missing_member(text: &str, member: &str, request_id: Option<&str>) -> EvsError {
    let mut m = format!("the response has no \"{member}\" member");
    if let Ok(doc) = serde_json::from_str::<Value>(text) {
        match service_error(&doc) {
            Some(ServiceError { message: Some(msg), .. }) => {
                m.push_str("; it carries an error: ");
                m.push_str(&msg);
            }
            _ if !doc.is_object() => m.push_str(&format!(" (the body is {})", json_type(&doc))),
            _ => {}
        }
    }
    EvsError::invalid_response(m).with_request_id(request_id)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The 2xx body of `GET .../cloudsnapshots/{id}` (docs/evs-api.md "Show one snapshot"): the
/// [`Snapshot`].
///
/// # Errors
/// `invalid_response` when the body is not what the API documents.
pub fn read_show(request_id: Option<&str>, body: &[u8]) -> Result<Snapshot, EvsError> {
    let text = body_text(body, request_id)?;
    let doc: ShowBody = serde_json::from_str(text).map_err(|e| parse_error(&e, request_id))?;
    let Some(wire) = doc.snapshot else {
        return Err(missing_member(text, "snapshot", request_id));
    };
    snapshot(wire).map_err(|m| EvsError::invalid_response(m).with_request_id(request_id))
}

/// The 2xx body of `GET .../snapshots` (docs/evs-api.md "List snapshots"): the [`SnapshotPage`].
///
/// # Errors
/// `invalid_response` when the body, or one of its snapshots, is not what
/// the API documents.
pub fn read_list(request_id: Option<&str>, body: &[u8]) -> Result<SnapshotPage, EvsError> {
    let text = body_text(body, request_id)?;
    let doc: ListBody = serde_json::from_str(text).map_err(|e| parse_error(&e, request_id))?;
    let Some(items) = doc.snapshots else {
        return Err(missing_member(text, "snapshots", request_id));
    };
    let mut snapshots = Vec::with_capacity(items.len());
    for (i, wire) in items.into_iter().enumerate() {
        let s = snapshot(wire).map_err(|m| EvsError::invalid_response(format!("snapshots[{i}]: {m}")).with_request_id(request_id))?;
        snapshots.push(s);
    }
    let next_marker = match next_link(doc.snapshots_links.as_deref()) {
        _ if snapshots.is_empty() => None,
        NextLink::None => None,
        NextLink::Marker(m) => Some(m),
        NextLink::NoMarker => snapshots.last().map(|s| s.id.clone()),
    };
    Ok(SnapshotPage { snapshots, next_marker })
}

enum NextLink {
    None,
    Marker(String),
    NoMarker,
}

/// The marker of the `rel: "next"` link, taken from its `href`'s query; the
/// `href` itself is never followed (its host may not be the endpoint). The
/// query is form-encoded, so `+` is a space.
fn next_link(links: Option<&[Link]>) -> NextLink {
    let next = links.unwrap_or_default().iter().find(|l| matches!(&l.rel, Input::Str(r) if r == "next"));
    let Some(link) = next else { return NextLink::None };
    let href = match &link.href {
        Input::Str(h) => h.as_str(),
        _ => "",
    };
    let query = href.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if decode(k, true) == b"marker" {
            let m = decode_lossy(v, true);
            if !m.is_empty() {
                return NextLink::Marker(m);
            }
        }
    }
    NextLink::NoMarker
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorKind;
    use crate::core::error_body::http_error;
    use serde_json::{json, Value as J};

    /// As the call reads an answer: a 2xx body, or an `http` error.
    fn read_show(status: u16, request_id: Option<&str>, body: &[u8]) -> Result<Snapshot, EvsError> {
        if is_success(status) {
            super::read_show(request_id, body)
        } else {
            Err(http_error(status, request_id, body))
        }
    }

    fn read_list(status: u16, request_id: Option<&str>, body: &[u8]) -> Result<SnapshotPage, EvsError> {
        if is_success(status) {
            super::read_list(request_id, body)
        } else {
            Err(http_error(status, request_id, body))
        }
    }

    fn show(body: &str) -> J {
        serde_json::to_value(read_show(200, Some("rid"), body.as_bytes()).unwrap()).unwrap()
    }

    fn list(body: &str) -> (J, SnapshotPage) {
        let p = read_list(200, None, body.as_bytes()).unwrap();
        (serde_json::to_value(&p).unwrap(), p)
    }

    // The show sample of seeds/000, verbatim.
    const SHOW_SAMPLE: &str = r#"{
        "snapshot": {
            "status": "available",
            "os-extended-snapshot-attributes:progress": "100%",
            "description": "daily backup",
            "created_at": "2013-02-25t04:13:17.000000",
            "metadata": {},
            "volume_id": "5aa119a8-d25b-45a7-8d1b-88e127885635",
            "os-extended-snapshot-attributes:project_id": "0c2eba2c5af04d3f9e9d0d410b371fde",
            "size": 1,
            "id": "2bb856e1-b3d8-4432-a858-09e4ce939389",
            "name": "snap-001",
            "updated_at": null
        }
    }"#;

    #[test]
    fn show_sample() {
        assert_eq!(
            show(SHOW_SAMPLE),
            json!({
                "id": "2bb856e1-b3d8-4432-a858-09e4ce939389",
                "name": "snap-001",
                "description": "daily backup",
                "status": "available",
                "size": 1,
                "volumeId": "5aa119a8-d25b-45a7-8d1b-88e127885635",
                "createdAt": "2013-02-25T04:13:17.000Z",
                "updatedAt": null,
                "metadata": {},
                "projectId": "0c2eba2c5af04d3f9e9d0d410b371fde",
                "progress": 100.0
            })
        );
    }

    // The list sample of seeds/004 (first two entries), verbatim.
    const LIST_SAMPLE: &str = r#"{
        "snapshots": [
            {"created_at": "2016-02-16T16:54:14.981520", "description": null, "id": "b836dc3d-4e10-4ea4-a34c-8f6b0460a583",
             "metadata": { }, "name": "test01", "size": 1, "status": "available",
             "volume_id": "ba5730ea-8621-4ae8-b702-ff0ffc12c209", "updated_at": null},
            {"created_at": "2016-02-16T16:54:19.475397", "description": null, "id": "83be494d-329e-4a78-8ac5-9af900f48b95",
             "metadata": { }, "name": "test02", "size": 1, "status": "available",
             "volume_id": "ba5730ea-8621-4ae8-b702-ff0ffc12c209", "updated_at": null}
        ],
        "snapshots_links": null
    }"#;

    #[test]
    fn list_sample() {
        let (v, p) = list(LIST_SAMPLE);
        assert_eq!(p.snapshots.len(), 2);
        assert_eq!(p.next_marker, None);
        assert_eq!(v["nextMarker"], J::Null);
        assert_eq!(
            v["snapshots"][0],
            json!({
                "id": "b836dc3d-4e10-4ea4-a34c-8f6b0460a583", "name": "test01", "description": null,
                "status": "available", "size": 1, "volumeId": "ba5730ea-8621-4ae8-b702-ff0ffc12c209",
                "createdAt": "2016-02-16T16:54:14.981Z", "updatedAt": null, "metadata": {}
            })
        );
        assert_eq!(v["snapshots"][1]["createdAt"], "2016-02-16T16:54:19.475Z");
        // No extended attributes in a list entry: the keys are absent, not null.
        assert!(v["snapshots"][0].get("projectId").is_none());
        assert!(v["snapshots"][0].get("progress").is_none());
    }

    #[test]
    fn quirks() {
        let v = show(
            r#"{"snapshot": {"id": "s", "size": "40", "update_at": "2020-01-02T03:04:05.123456",
               "os-extended-snapshot-attributes:progress": "37%", "unknown": [1, {"x": 2}],
               "metadata": {"__system__enableActive": "true", "n": 5, "f": 1.50, "b": false, "z": null, "a": [1, null, "x"], "o": {"k": 1}, "e": 1e21, "s": 1e-7, "m": 0.000001, "h": 1.2345e20, "big": 12345678901234567890}}}"#,
        );
        assert_eq!(v["size"], 40);
        assert_eq!(v["name"], "");
        assert_eq!(v["status"], "");
        assert_eq!(v["volumeId"], "");
        assert_eq!(v["description"], J::Null);
        assert_eq!(v["createdAt"], J::Null);
        assert_eq!(v["updatedAt"], "2020-01-02T03:04:05.123Z");
        assert_eq!(v["progress"], 37.0);
        // String() of each value, as JavaScript gives it (checked in Node:
        // String(1.50), String(1e21), String(1e-7), String(0.000001),
        // String(1.2345e20)).
        assert_eq!(
            v["metadata"],
            json!({"__system__enableActive": "true", "n": "5", "f": "1.5", "b": "false", "z": "null",
                   "a": "1,,x", "o": "[object Object]", "e": "1e+21", "s": "1e-7", "m": "0.000001",
                   "h": "123450000000000000000", "big": "12345678901234567890"})
        );
        // updated_at wins over update_at; explicit zone honoured.
        let v = show(r#"{"snapshot": {"id": "s", "size": 1, "updated_at": "2020-01-02T11:04:05+08:00", "update_at": "1999-01-01T00:00:00"}}"#);
        assert_eq!(v["updatedAt"], "2020-01-02T03:04:05.000Z");
        // Not a timestamp: passed through, not guessed.
        let v = show(r#"{"snapshot": {"id": "s", "size": 1, "created_at": "last tuesday"}}"#);
        assert_eq!(v["createdAt"], "last tuesday");
        // Sizes.
        for (wire, want) in [
            ("0", json!(0)),
            ("\"007\"", json!(7)),
            ("1.0", json!(1)),
            ("1e3", json!(1000)),
            ("\" 12 \"", json!(12)),
            ("999999999999999", json!(999_999_999_999_999u64)),
        ] {
            let v = show(&format!(r#"{{"snapshot": {{"id": "s", "size": {wire}}}}}"#));
            assert_eq!(v["size"], want, "{wire}");
        }
        // Progress forms, and the unreadable ones left out.
        for (wire, want) in [
            ("\"100%\"", Some(json!(100.0))),
            ("\"0%\"", Some(json!(0.0))),
            ("\"12.5%\"", Some(json!(12.5))),
            ("55", Some(json!(55.0))),
            ("\"100.0%\"", Some(json!(100.0))),
            ("\"101%\"", None),
            ("\"-1%\"", None),
            ("\"n/a\"", None),
            ("\"\"", None),
            ("null", None),
            ("true", None),
            ("\"1000%\"", None),
            ("\"100.5%\"", None),
        ] {
            let v = show(&format!(r#"{{"snapshot": {{"id": "s", "size": 1, "os-extended-snapshot-attributes:progress": {wire}}}}}"#));
            assert_eq!(v.get("progress").cloned(), want, "{wire}");
        }
    }

    #[test]
    fn fields_of_an_unexpected_type_do_not_sink_the_page() {
        // docs/contract.md "Other wire data": only id and size can fail a snapshot.
        let v = show(
            r#"{"snapshot": {"id": "s", "size": 1, "name": 7, "status": true, "volume_id": {"x": [1]},
               "description": 5, "created_at": 1700000000, "updated_at": ["2020-01-01"], "metadata": [1, 2],
               "os-extended-snapshot-attributes:project_id": 5}}"#,
        );
        assert_eq!((&v["name"], &v["status"], &v["volumeId"]), (&json!("7"), &json!("true"), &json!("")));
        assert_eq!((&v["description"], &v["createdAt"], &v["updatedAt"]), (&J::Null, &J::Null, &J::Null));
        assert_eq!(v["metadata"], json!({}));
        assert!(v.get("projectId").is_none());
        for meta in ["\"x\"", "5", "true"] {
            let v = show(&format!(r#"{{"snapshot": {{"id": "s", "size": 1, "metadata": {meta}}}}}"#));
            assert_eq!(v["metadata"], json!({}), "{meta}");
        }
        // A list page keeps every snapshot.
        let (v, _) = list(r#"{"snapshots": [{"id": "a", "size": 1, "updated_at": 5}, {"id": "b", "size": 2, "name": 1.5}]}"#);
        assert_eq!(v["snapshots"][0]["updatedAt"], J::Null);
        assert_eq!(v["snapshots"][1]["name"], "1.5");
    }

    #[test]
    fn invalid_snapshots() {
        for body in [
            r#"{"snapshot": {"size": 1}}"#,
            r#"{"snapshot": {"id": 5, "size": 1}}"#,
            r#"{"snapshot": {"id": "", "size": 1}}"#,
            r#"{"snapshot": {"id": "s"}}"#,
            r#"{"snapshot": {"id": "s", "size": null}}"#,
            r#"{"snapshot": {"id": "s", "size": -1}}"#,
            r#"{"snapshot": {"id": "s", "size": 1.5}}"#,
            r#"{"snapshot": {"id": "s", "size": "big"}}"#,
            r#"{"snapshot": {"id": "s", "size": 1e16}}"#,
            r#"{"snapshot": {"id": "s", "size": true}}"#,
            r#"{"snapshot": {"id": "s", "size": "inf"}}"#,
            r#"{"snapshot": "s"}"#,
            r#"{"snapshot": null}"#,
            r#"{}"#,
            r#"[]"#,
            r#"{"snapshots": []}"#,
        ] {
            let e = read_show(200, Some("r"), body.as_bytes()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidResponse, "{body}");
            assert_eq!(e.request_id.as_deref(), Some("r"));
            assert!(!e.message.is_empty());
        }
        // 200 with an error document: its message is kept.
        let e = read_show(200, None, br#"{"itemNotFound": {"message": "gone", "code": "EVS.0004"}}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidResponse);
        assert!(e.message.contains("gone"), "{}", e.message);
        assert!(e.message.contains("\"snapshot\""), "{}", e.message);
    }

    #[test]
    fn broken_bodies() {
        for (body, part) in [
            (&b""[..], "empty"),
            (b"   ", "empty"),
            (b"<html><body>oops</body></html>", "not valid JSON"),
            (br#"{"snapshots": [{"id": "a", "si"#, "not valid JSON"),
            (b"\xff\xfe{}", "not valid UTF-8"),
            (b"{\xff\xfe}", "not valid UTF-8"),
        ] {
            let e = read_show(200, None, body).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidResponse);
            assert!(e.message.contains(part), "{} / {}", e.message, part);
        }
        // Skipped content is scanned without recursion: an unclosed one is
        // cut-off JSON, a deep value that is read hits the depth limit.
        // A list body that is an array of arrays fails at its first item,
        // which is not a snapshot object, before the cut-off end is met.
        let deep = "[".repeat(100_000);
        let e = read_list(200, None, deep.as_bytes()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidResponse);
        assert!(e.message.contains("not valid JSON") || e.message.contains("expected a snapshot object"), "{}", e.message);
        let deep = format!(r#"{{"snapshot": {{"id": "s", "size": 1, "metadata": {{"k": {}}}}}}}"#, "[".repeat(100_000));
        let e = read_show(200, None, deep.as_bytes()).unwrap_err();
        assert!(e.message.contains("nested too deeply"), "{}", e.message);
    }

    #[test]
    fn list_links() {
        let item = |id: &str| format!(r#"{{"id": "{id}", "size": 1}}"#);
        let page = |links: &str| format!(r#"{{"snapshots": [{}, {}], {links} "x": 1}}"#, item("a"), item("b"));
        // Absent, null, []: last page.
        for links in ["", r#""snapshots_links": null,"#, r#""snapshots_links": [],"#] {
            assert_eq!(list(&page(links)).1.next_marker, None, "{links}");
        }
        // A next link on another host: only its marker is used.
        let (v, p) = list(&page(
            r#""snapshots_links": [{"href": "http://evs-upstream.invalid/v2/p/snapshots?limit=2&marker=m%201+x&name=a%26b", "rel": "next"}],"#,
        ));
        assert_eq!(p.next_marker.as_deref(), Some("m 1 x"));
        assert_eq!(v["nextMarker"], "m 1 x");
        // A next link without a marker: the last snapshot's id.
        let (_, p) = list(&page(r#""snapshots_links": [{"href": "https://x/v2/p/snapshots?limit=2", "rel": "next"}],"#));
        assert_eq!(p.next_marker.as_deref(), Some("b"));
        // Only rel=next counts.
        let (_, p) = list(&page(r#""snapshots_links": [{"href": "https://x/?marker=z", "rel": "self"}],"#));
        assert_eq!(p.next_marker, None);
        // An empty page stops, whatever the links say.
        let (v, p) = list(r#"{"snapshots": [], "snapshots_links": [{"href": "https://x/?marker=z", "rel": "next"}]}"#);
        assert_eq!((p.snapshots.len(), p.next_marker), (0, None));
        assert_eq!(v, json!({"snapshots": [], "nextMarker": null}));
        // Wrong shapes.
        for body in [r#"{"snapshots": {}}"#, r#"{"snapshots": [1]}"#, r#"{"snapshots": [], "snapshots_links": "x"}"#] {
            assert_eq!(read_list(200, None, body.as_bytes()).unwrap_err().kind, ErrorKind::InvalidResponse, "{body}");
        }
        let e = read_list(200, None, br#"{"snapshots": [{"id": "a", "size": 1}, {"id": "b"}]}"#).unwrap_err();
        assert!(e.message.starts_with("snapshots[1]: "), "{}", e.message);
    }

    #[test]
    fn error_shapes() {
        // The documented generic key.
        let e = http_error(404, Some("req-1"), br#"{"itemNotFound": {"message": "Snapshot x could not be found.", "code": "EVS.0004"}}"#);
        assert_eq!((e.kind, e.status, e.message.as_str()), (ErrorKind::Http, Some(404), "Snapshot x could not be found."));
        assert_eq!((e.code.as_deref(), e.error_type.as_deref(), e.request_id.as_deref()), (Some("EVS.0004"), Some("itemNotFound"), Some("req-1")));
        // Key literally "error", and badRequest.
        let e = http_error(400, None, br#"{"error": {"message": "XXXX", "code": "XXX"}}"#);
        assert_eq!((e.error_type.as_deref(), e.code.as_deref(), e.message.as_str()), (Some("error"), Some("XXX"), "XXXX"));
        // Numeric code.
        let e = http_error(400, None, br#"{"badRequest": {"message": "Invalid input", "code": 400}}"#);
        assert_eq!((e.code.as_deref(), e.error_type.as_deref()), (Some("400"), Some("badRequest")));
        // API gateway, with its request_id used when the header is missing.
        let e =
            http_error(401, None, br#"{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "gw-1"}"#);
        assert_eq!(
            (e.code.as_deref(), e.message.as_str(), e.request_id.as_deref(), e.error_type),
            (Some("APIGW.0301"), "Incorrect IAM authentication information", Some("gw-1"), None)
        );
        let e = http_error(429, Some("hdr"), br#"{"error_code": "APIGW.0308", "error_msg": "throttled", "request_id": "gw-1"}"#);
        assert_eq!(e.request_id.as_deref(), Some("hdr"));
        assert!(e.retryable());
        // Empty, HTML, truncated, binary, unknown JSON.
        assert_eq!(http_error(503, None, b"").message, "EVS answered HTTP 503 Service Unavailable with an empty body");
        let e = http_error(502, Some("r"), b"<html><head><title>502 Bad\n Gateway</title></head><body>nginx</body></html>");
        assert_eq!(e.message, "EVS answered HTTP 502 Bad Gateway with an HTML page: \"502 Bad Gateway\"");
        assert_eq!((e.code, e.error_type), (None, None));
        // (Text in no documented shape is quoted: error_body's tests.)
        assert_eq!(
            http_error(500, None, br#"{"itemNotFound": {"mess"#).message,
            r#"EVS answered HTTP 500 Internal Server Error with a JSON body cut short: {"itemNotFound": {"mess"#
        );
        assert_eq!(http_error(500, None, b"\xff\x00").message, "EVS answered HTTP 500 Internal Server Error with a body that is not UTF-8 text");
        assert_eq!(http_error(418, None, b"[1,2]").message, "EVS answered HTTP 418 with a JSON body in no known error shape: [1,2]");
        // Found by fuzzing: an empty message must not become an empty error message.
        let e = http_error(400, None, br#"{"error": {"message": "", "code": ""}}"#);
        assert_eq!((e.message.as_str(), e.error_type.as_deref()), ("EVS answered HTTP 400 Bad Request", Some("error")));
        // An error object with a code but no message: generic message, code kept.
        let e = http_error(403, None, br#"{"forbidden": {"code": "EVS.0001"}}"#);
        assert_eq!((e.message.as_str(), e.code.as_deref()), ("EVS answered HTTP 403 Forbidden", Some("EVS.0001")));
        // A huge message is kept whole here: the call cuts it after
        // redaction (EvsError::redact).
        let long = format!(r#"{{"error": {{"message": "{}"}}}}"#, "x".repeat(10_000));
        assert_eq!(http_error(500, None, long.as_bytes()).message.len(), 10_000);
        // Non-2xx is an http error for both calls, even with a snapshot body.
        assert_eq!(read_show(500, None, SHOW_SAMPLE.as_bytes()).unwrap_err().kind, ErrorKind::Http);
        assert_eq!(read_list(404, None, b"").unwrap_err().status, Some(404));
    }

    #[test]
    fn output_round_trips_through_a_json_parser() {
        let v = show(r#"{"snapshot": {"id": "a\"b\\c\u2028", "size": 1, "name": "快照 每日\n", "metadata": {"k\"": "v\u0000"}}}"#);
        assert_eq!(v["id"], "a\"b\\c\u{2028}");
        assert_eq!(v["name"], "快照 每日\n");
        assert_eq!(v["metadata"]["k\""], "v\u{0}");
    }

    #[test]
    fn duplicate_metadata_keys_keep_the_last() {
        let v = show(r#"{"snapshot": {"id": "s", "size": 1, "metadata": {"k": "1", "k": "2"}}}"#);
        assert_eq!(v["metadata"], json!({"k": "2"}));
        let v = show(r#"{"snapshot": {"id": "s", "size": 1, "metadata": {"b": "1", "a": "x", "b": "2", "c": "3", "a": "y"}}}"#);
        assert_eq!(v["metadata"], json!({"b": "2", "a": "y", "c": "3"}));
        let many: String = (0..50_000).map(|i| format!(r#""k{}": "{i}""#, i % 7)).collect::<Vec<_>>().join(",");
        let v = show(&format!(r#"{{"snapshot": {{"id": "s", "size": 1, "metadata": {{{many}}}}}}}"#));
        assert_eq!(v["metadata"].as_object().unwrap().len(), 7);
        assert_eq!(v["metadata"]["k0"], "49994");
    }

    #[test]
    fn a_field_named_twice_counts_once_with_its_last_value() {
        // As JSON.parse reads it (docs/contract.md "Other wire data").
        let v = show(r#"{"snapshot": {"id": "s", "size": 1, "name": "a", "name": "b", "size": 3, "metadata": {"x": "1"}, "metadata": {"y": "2"}}}"#);
        assert_eq!((v["name"].as_str(), v["size"].as_u64(), &v["metadata"]), (Some("b"), Some(3), &json!({"y": "2"})));
        // The id too: the last one is the snapshot's.
        let (v, _) = list(r#"{"snapshots": [{"id": "a", "id": "b", "size": 1}]}"#);
        assert_eq!(v["snapshots"][0]["id"], "b");
        // A snapshot that is not an object is still refused.
        assert_eq!(read_show(200, None, br#"{"snapshot": [1, 2]}"#).unwrap_err().kind, ErrorKind::InvalidResponse);
    }
}
