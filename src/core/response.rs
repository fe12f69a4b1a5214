//! Where a response is read: status, request ID and body bytes in; the
//! CONTRACT's `Snapshot` / `SnapshotPage` (as JSON text for `JSON.parse`) or
//! an `EvsError` out. Every quirk of API.md §1–3 and every error shape of §5
//! is handled here, and nothing here can panic on any input.

#[allow(unused_imports)]
use super::prelude::*;

use super::error::{ErrorKind, EvsError};
use super::json::{self, parse, push_uint, write_key, write_opt_str, write_str, Value};
use alloc::borrow::Cow;
use super::encode::{find, pieces, split2};
use super::time::normalize_timestamp;

/// Longest service message kept in an error, in bytes.
const MAX_MESSAGE: usize = 512;

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::from(s.get(..end).unwrap_or(""));
    out.push('…');
    out
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Body bytes of a 2xx answer to a parsed document.
fn parse_body<'a>(body: &'a [u8], request_id: Option<&str>) -> Result<Value<'a>, EvsError> {
    let bad = |m: String| EvsError::invalid_response(m).with_request_id(request_id);
    let text = core::str::from_utf8(body).map_err(|e| {
        let mut m = String::from("the response body is not valid UTF-8 (at byte ");
        push_uint(&mut m, e.valid_up_to() as u64);
        m.push(')');
        bad(m)
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(bad("the response body is empty; a JSON document was expected".into()));
    }
    parse(text).map_err(|e| {
        let mut m = String::from("the response body is not valid JSON: ");
        m.push_str(&e.describe());
        bad(m)
    })
}

/// A 2xx body that is an error document gets its message into ours.
fn missing_member(doc: &Value<'_>, member: &str, request_id: Option<&str>) -> EvsError {
    let mut m = String::from("the response has no \"");
    m.push_str(member);
    m.push_str("\" member");
    if let Some(service) = service_error(doc) {
        if let Some(msg) = service.message {
            m.push_str("; it carries an error: ");
            m.push_str(&truncate(&msg, MAX_MESSAGE));
        }
    } else if !matches!(doc, Value::Object(_)) {
        m.push_str(" (the body is ");
        m.push_str(doc.type_name());
        m.push(')');
    }
    EvsError::invalid_response(m).with_request_id(request_id)
}

/// `GET .../cloudsnapshots/{id}`: the `Snapshot` as JSON text.
pub fn read_show(status: u16, request_id: Option<&str>, body: &[u8]) -> Result<String, EvsError> {
    if !is_success(status) {
        return Err(http_error(status, request_id, body));
    }
    let doc = parse_body(body, request_id)?;
    let snap = match doc.get("snapshot") {
        Some(v) if !v.is_null() => v,
        _ => return Err(missing_member(&doc, "snapshot", request_id)),
    };
    let mut out = String::with_capacity(body.len());
    write_snapshot(snap, &mut out).map_err(|m| EvsError::invalid_response(m).with_request_id(request_id))?;
    Ok(out)
}

/// A page of `GET .../snapshots`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    /// `{"snapshots":[...],"nextMarker":...}`, the CONTRACT's `SnapshotPage`.
    pub json: String,
    /// How many snapshots the page holds.
    pub count: usize,
    pub next_marker: Option<String>,
}

/// `GET .../snapshots`: the `SnapshotPage`.
pub fn read_list(status: u16, request_id: Option<&str>, body: &[u8]) -> Result<ListPage, EvsError> {
    if !is_success(status) {
        return Err(http_error(status, request_id, body));
    }
    let bad = |m: String| EvsError::invalid_response(m).with_request_id(request_id);
    let doc = parse_body(body, request_id)?;
    let items = match doc.get("snapshots") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            let mut m = String::from("\"snapshots\" is ");
            m.push_str(other.type_name());
            m.push_str(", not an array");
            return Err(bad(m));
        }
        None => return Err(missing_member(&doc, "snapshots", request_id)),
    };
    let mut out = String::with_capacity(body.len());
    out.push_str("{\"snapshots\":[");
    let mut last_id: Option<&str> = None;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        last_id = Some(write_snapshot(item, &mut out).map_err(|m| {
            let mut p = String::from("snapshots[");
            push_uint(&mut p, i as u64);
            p.push_str("]: ");
            p.push_str(&m);
            bad(p)
        })?);
    }
    out.push_str("],");
    let next_marker = match next_link_marker(doc.get("snapshots_links")).map_err(bad)? {
        _ if items.is_empty() => None,
        NextLink::None => None,
        NextLink::Marker(m) => Some(m),
        NextLink::NoMarker => last_id.map(String::from),
    };
    write_key(&mut out, "nextMarker");
    write_opt_str(&mut out, next_marker.as_deref());
    out.push('}');
    Ok(ListPage { json: out, count: items.len(), next_marker })
}

enum NextLink {
    None,
    Marker(String),
    NoMarker,
}

/// The marker of the `rel: "next"` link, taken from its `href`'s query; the
/// `href` itself is never followed (its host may not be the endpoint).
fn next_link_marker(links: Option<&Value<'_>>) -> Result<NextLink, String> {
    let list = match links {
        None | Some(Value::Null) => return Ok(NextLink::None),
        Some(Value::Array(list)) => list,
        Some(other) => {
            let mut m = String::from("\"snapshots_links\" is ");
            m.push_str(other.type_name());
            m.push_str(", not an array");
            return Err(m);
        }
    };
    let next = list.iter().find(|l| l.get("rel").and_then(Value::as_str) == Some("next"));
    let Some(link) = next else { return Ok(NextLink::None) };
    let href = link.get("href").and_then(Value::as_str).unwrap_or("");
    let query = split2(href, b'?').map(|(_, q)| q).unwrap_or("");
    let query = split2(query, b'#').map(|(q, _)| q).unwrap_or(query);
    for pair in pieces(query, b'&') {
        let (k, v) = split2(pair, b'=').unwrap_or((pair, ""));
        if super::encode::decode(k, true) == b"marker" {
            let m = super::encode::decode_lossy(v, true);
            if !m.is_empty() {
                return Ok(NextLink::Marker(m));
            }
        }
    }
    Ok(NextLink::NoMarker)
}

/// Appends the normalised snapshot; returns its `id`. The error is a
/// message for `invalid_response`.
fn write_snapshot<'v>(v: &'v Value<'_>, out: &mut String) -> Result<&'v str, String> {
    let Value::Object(_) = v else {
        return Err(super::encode::cat(&["a snapshot must be an object, not ", v.type_name()]));
    };
    let id = match v.get("id") {
        Some(Value::Str(s)) if !s.is_empty() => s.as_ref(),
        Some(Value::Str(_)) => return Err("the snapshot id is empty".into()),
        Some(other) => return Err(super::encode::cat(&["the snapshot id is ", other.type_name(), ", not a string"])),
        None => return Err("the snapshot has no id".into()),
    };
    let size = match v.get("size") {
        Some(Value::Number(t)) => size_text(t),
        Some(Value::Str(s)) => size_text(s.trim()),
        _ => None,
    };
    let Some(size) = size else {
        let mut m = String::from("snapshot ");
        write_str(&mut m, id);
        m.push_str(" has no readable size (a whole number of GB was expected)");
        return Err(m);
    };
    // Keys are written as literals with their separators: fewer, larger
    // appends on the hot path.
    out.push_str("{\"id\":");
    write_str(out, id);
    for (key, wire) in [(",\"name\":", "name"), (",\"description\":", "description"), (",\"status\":", "status")] {
        out.push_str(key);
        match v.get(wire) {
            Some(Value::Str(s)) => write_str(out, s),
            // description is string-or-null; the others default to "".
            None | Some(Value::Null) if wire == "description" => out.push_str("null"),
            None | Some(Value::Null) => out.push_str("\"\""),
            Some(other) => return Err(field_type(id, wire, other)),
        }
    }
    out.push_str(",\"size\":");
    out.push_str(&size);
    out.push_str(",\"volumeId\":");
    match v.get("volume_id") {
        Some(Value::Str(s)) => write_str(out, s),
        None | Some(Value::Null) => out.push_str("\"\""),
        Some(other) => return Err(field_type(id, "volume_id", other)),
    }
    // `updated_at` as the list page and sample say; `update_at` as the show
    // page's field table says.
    let updated = match v.get("updated_at") {
        None | Some(Value::Null) => v.get("update_at"),
        some => some,
    };
    for (key, wire, value) in [(",\"createdAt\":", "created_at", v.get("created_at")), (",\"updatedAt\":", "updated_at", updated)] {
        out.push_str(key);
        match value {
            None | Some(Value::Null) => out.push_str("null"),
            Some(Value::Str(s)) => match normalize_timestamp(s) {
                Some(iso) => write_str(out, &iso),
                // Not guessed: passed through as it came.
                None => write_str(out, s),
            },
            Some(other) => return Err(field_type(id, wire, other)),
        }
    }
    out.push_str(",\"metadata\":");
    match v.get("metadata") {
        None | Some(Value::Null) => out.push_str("{}"),
        Some(Value::Object(members)) => {
            out.push('{');
            // Duplicate keys: the last value wins, written where the key
            // first appears, as JSON.parse has it.
            for (i, (k, val)) in dedupe_last_wins(members).into_iter().filter_map(|j| members.get(j)).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_key(out, k);
                match val {
                    Value::Str(s) => write_str(out, s),
                    other => {
                        let mut s = String::new();
                        js_string(other, &mut s, 0);
                        write_str(out, &s);
                    }
                }
            }
            out.push('}');
        }
        Some(other) => return Err(field_type(id, "metadata", other)),
    }
    match v.get("os-extended-snapshot-attributes:project_id") {
        Some(Value::Str(s)) => {
            out.push_str(",\"projectId\":");
            write_str(out, s);
        }
        None | Some(Value::Null) => {}
        Some(other) => return Err(field_type(id, "os-extended-snapshot-attributes:project_id", other)),
    }
    // An unreadable progress is left out, never an error.
    let progress = match v.get("os-extended-snapshot-attributes:progress") {
        Some(Value::Str(s)) => progress_text(s),
        Some(Value::Number(t)) => progress_text(t),
        _ => None,
    };
    if let Some(p) = progress {
        out.push_str(",\"progress\":");
        out.push_str(&p);
    }
    out.push('}');
    Ok(id)
}

/// Object members with duplicate keys folded as `JSON.parse` folds them:
/// each key once, at its first position, with its last value: the positions
/// of the members to write, in output order. O(n log n), so hostile objects
/// cost little.
fn dedupe_last_wins(members: &[(Cow<'_, str>, Value<'_>)]) -> Vec<usize> {
    // By key, then position: each run of one key is first..=last.
    let key = |i: usize| members.get(i).map(|(k, _)| k.as_ref()).unwrap_or("");
    let order = super::sort::order(members.len(), &|a, b| key(a).cmp(key(b)).then(a.cmp(&b)));
    // At each key's first position, the position of its last value.
    let mut last_of = vec![usize::MAX; members.len()];
    let mut run = order.iter().peekable();
    while let Some(&first) = run.next() {
        let mut last = first;
        while let Some(&&next) = run.peek() {
            if key(next) != key(first) {
                break;
            }
            last = next;
            run.next();
        }
        if let Some(slot) = last_of.get_mut(first) {
            *slot = last;
        }
    }
    last_of.retain(|&l| l != usize::MAX);
    last_of
}

fn field_type(id: &str, field: &str, v: &Value<'_>) -> String {
    let mut m = String::from("snapshot ");
    write_str(&mut m, id);
    m.push_str(": \"");
    m.push_str(field);
    m.push_str("\" is ");
    m.push_str(v.type_name());
    m.push_str(match field {
        "metadata" => ", not an object",
        "description" | "created_at" | "updated_at" => ", not a string or null",
        _ => ", not a string",
    });
    m
}

/// A decimal number split into its significant digits (no leading or
/// trailing zeros) and the position of the decimal point: the value is
/// `0.DIGITS × 10^point`. `None` if `t` is not a plain decimal (JSON number
/// grammar, leading zeros allowed).
struct Decimal {
    negative: bool,
    digits: String,
    point: i64,
}

fn decimal(t: &str) -> Option<Decimal> {
    let (negative, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (mantissa, exp) = match rest.bytes().position(|b| b == b'e' || b == b'E') {
        Some(i) => {
            let e = rest.get(i + 1..)?;
            let e = e.strip_prefix('+').unwrap_or(e);
            let digits = e.strip_prefix('-').unwrap_or(e);
            if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (rest.get(..i)?, e.parse::<i64>().ok()?)
        }
        None => (rest, 0),
    };
    let (int, frac) = split2(mantissa, b'.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if mantissa.ends_with('.') {
        return None;
    }
    let all: String = super::encode::cat(&[int, frac]);
    let lead = all.bytes().take_while(|&b| b == b'0').count();
    let mut point = int.len() as i64 + exp - lead as i64;
    let digits = all.get(lead..).unwrap_or("").trim_end_matches('0').to_string();
    if digits.is_empty() {
        point = 0;
    }
    Some(Decimal { negative, digits, point })
}

/// ECMAScript `Number::toString` of a decimal with at most 15 significant
/// digits (each such decimal is its own shortest round-trip form, so this is
/// exact). `None` beyond that.
fn js_number(d: &Decimal) -> Option<String> {
    let k = d.digits.len() as i64;
    let n = d.point;
    if d.digits.is_empty() {
        return Some("0".into()); // also -0
    }
    if k > 15 || !(-300..=300).contains(&n) {
        return None;
    }
    let mut s = String::new();
    if d.negative {
        s.push('-');
    }
    let digits = d.digits.as_str();
    if k <= n && n <= 21 {
        s.push_str(digits);
        s.extend(core::iter::repeat('0').take((n - k) as usize));
    } else if 0 < n && n <= 21 {
        s.push_str(digits.get(..n as usize)?);
        s.push('.');
        s.push_str(digits.get(n as usize..)?);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        s.extend(core::iter::repeat('0').take((-n) as usize));
        s.push_str(digits);
    } else {
        s.push_str(digits.get(..1)?);
        if k > 1 {
            s.push('.');
            s.push_str(digits.get(1..)?);
        }
        s.push('e');
        s.push(if n > 0 { '+' } else { '-' });
        push_uint(&mut s, (n - 1).unsigned_abs());
    }
    Some(s)
}

/// `size`: a whole, non-negative number of GB below 2^53 (15 digits), from a
/// JSON number or a numeric string.
fn size_text(t: &str) -> Option<String> {
    let d = decimal(t)?;
    if d.digits.is_empty() {
        return Some("0".into());
    }
    if d.negative || d.point < d.digits.len() as i64 || d.point > 15 {
        return None;
    }
    js_number(&d)
}

/// `progress`: `"100%"`, `"37%"`, `"12.5%"` or a number, within 0..=100.
fn progress_text(t: &str) -> Option<String> {
    let t = t.trim();
    let t = t.strip_suffix('%').unwrap_or(t).trim_end();
    let d = decimal(t)?;
    if d.digits.is_empty() {
        return Some("0".into());
    }
    let over_100 = d.point > 3 || (d.point == 3 && d.digits.as_str() > "1");
    if d.negative || over_100 {
        return None;
    }
    js_number(&d)
}

/// `String(value)` as JavaScript would give it for a JSON value, for
/// metadata values that are not strings.
fn js_string(v: &Value<'_>, out: &mut String, depth: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Str(s) => out.push_str(s),
        // Beyond 15 significant digits the JSON text is kept as it is.
        Value::Number(t) => match decimal(t).and_then(|d| js_number(&d)) {
            Some(s) => out.push_str(&s),
            None => out.push_str(t),
        },
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                // Array.prototype.join: null becomes "".
                if !item.is_null() && depth < json::MAX_DEPTH {
                    js_string(item, out, depth + 1);
                }
            }
        }
        Value::Object(_) => out.push_str("[object Object]"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// What an error body says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ServiceError {
    pub message: Option<String>,
    pub code: Option<String>,
    pub error_type: Option<String>,
    pub request_id: Option<String>,
}

fn scalar_text(v: Option<&Value<'_>>) -> Option<String> {
    match v? {
        Value::Str(s) if !s.trim().is_empty() => Some(truncate(s.trim(), MAX_MESSAGE)),
        Value::Number(t) => Some((*t).to_string()),
        _ => None,
    }
}

/// Reads every documented error shape (API.md §5): `{"<kind>": {"message",
/// "code"}}` with any key, the API gateway's `{"error_code", "error_msg"}`,
/// a numeric `code`, and a flat `{"message", "code"}`.
pub fn service_error(doc: &Value<'_>) -> Option<ServiceError> {
    let Value::Object(members) = doc else { return None };
    // API gateway.
    if doc.get("error_code").is_some() || doc.get("error_msg").is_some() {
        return Some(ServiceError {
            message: scalar_text(doc.get("error_msg")),
            code: scalar_text(doc.get("error_code")),
            error_type: None,
            request_id: scalar_text(doc.get("request_id")),
        });
    }
    // {"itemNotFound": {"message": ..., "code": ...}} (also a string value).
    for (key, value) in members {
        match value {
            Value::Object(_) if value.get("message").is_some() || value.get("code").is_some() => {
                return Some(ServiceError {
                    message: scalar_text(value.get("message")),
                    code: scalar_text(value.get("code")),
                    error_type: Some(truncate(key, 64)),
                    request_id: None,
                });
            }
            _ => {}
        }
    }
    if doc.get("message").is_some() || doc.get("code").is_some() {
        return Some(ServiceError {
            message: scalar_text(doc.get("message")),
            code: scalar_text(doc.get("code")),
            error_type: None,
            request_id: scalar_text(doc.get("request_id")),
        });
    }
    if let [(key, v @ Value::Str(_))] = members.as_slice() {
        return Some(ServiceError {
            message: scalar_text(Some(v)),
            code: None,
            error_type: Some(truncate(key, 64)),
            request_id: None,
        });
    }
    None
}

/// The `<title>` of an HTML page, if short and present.
fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = find(&lower, "<title")?;
    let open_end = lower.get(start..)?.bytes().position(|b| b == b'>')? + start + 1;
    let end = find(lower.get(open_end..)?, "</title")? + open_end;
    // White space runs folded to one space.
    let mut title = String::new();
    for word in text.get(open_end..end)?.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()) {
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    if title.is_empty() {
        None
    } else {
        Some(truncate(&title, 120))
    }
}

/// The `http` error for a non-2xx answer.
pub fn http_error(status: u16, request_id: Option<&str>, body: &[u8]) -> EvsError {
    let mut e = EvsError::new(ErrorKind::Http, String::new());
    e.status = Some(status);
    e.request_id = request_id.map(String::from);
    let mut generic = String::from("EVS answered HTTP ");
    push_uint(&mut generic, u64::from(status));
    let r = reason(status);
    if !r.is_empty() {
        generic.push(' ');
        generic.push_str(r);
    }
    let text = core::str::from_utf8(body).map(str::trim);
    match text {
        Ok("") => generic.push_str(" with an empty body"),
        Ok(t) => match parse(t.strip_prefix('\u{FEFF}').unwrap_or(t)) {
            Ok(doc) => match service_error(&doc) {
                Some(se) => {
                    e.code = se.code;
                    e.error_type = se.error_type;
                    if e.request_id.is_none() {
                        e.request_id = se.request_id;
                    }
                    if let Some(m) = se.message {
                        e.message = m;
                        return e;
                    }
                }
                None => generic.push_str(" with a JSON body in no known error shape"),
            },
            Err(_) if t.starts_with('<') => match html_title(t) {
                Some(title) => {
                    generic.push_str(" with an HTML page: \"");
                    generic.push_str(&title);
                    generic.push('"');
                }
                None => generic.push_str(" with an HTML page"),
            },
            Err(_) => generic.push_str(" with an unreadable body (truncated or not JSON)"),
        },
        Err(_) => generic.push_str(" with a body that is not UTF-8 text"),
    }
    e.message = generic;
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value as J};

    fn show(body: &str) -> J {
        serde_json::from_str(&read_show(200, Some("rid"), body.as_bytes()).unwrap()).unwrap()
    }

    fn list(body: &str) -> (J, ListPage) {
        let p = read_list(200, None, body.as_bytes()).unwrap();
        (serde_json::from_str(&p.json).unwrap(), p)
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
                "progress": 100
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
        assert_eq!(p.count, 2);
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
               "metadata": {"__system__enableActive": "true", "n": 5, "f": 1.50, "b": false, "z": null, "a": [1, null, "x"], "o": {"k": 1}, "e": 1e21, "s": 1e-7, "big": 12345678901234567890}}}"#,
        );
        assert_eq!(v["size"], 40);
        assert_eq!(v["name"], "");
        assert_eq!(v["status"], "");
        assert_eq!(v["volumeId"], "");
        assert_eq!(v["description"], J::Null);
        assert_eq!(v["createdAt"], J::Null);
        assert_eq!(v["updatedAt"], "2020-01-02T03:04:05.123Z");
        assert_eq!(v["progress"], 37);
        // String() of each value, as JavaScript gives it.
        assert_eq!(
            v["metadata"],
            json!({"__system__enableActive": "true", "n": "5", "f": "1.5", "b": "false", "z": "null",
                   "a": "1,,x", "o": "[object Object]", "e": "1e+21", "s": "1e-7", "big": "12345678901234567890"})
        );
        // updated_at wins over update_at; explicit zone honoured.
        let v = show(r#"{"snapshot": {"id": "s", "size": 1, "updated_at": "2020-01-02T11:04:05+08:00", "update_at": "1999-01-01T00:00:00"}}"#);
        assert_eq!(v["updatedAt"], "2020-01-02T03:04:05.000Z");
        // Not a timestamp: passed through, not guessed.
        let v = show(r#"{"snapshot": {"id": "s", "size": 1, "created_at": "last tuesday"}}"#);
        assert_eq!(v["createdAt"], "last tuesday");
        // Sizes.
        for (wire, want) in [("0", json!(0)), ("\"007\"", json!(7)), ("1.0", json!(1)), ("1e3", json!(1000)), ("\" 12 \"", json!(12)), ("999999999999999", json!(999_999_999_999_999u64))] {
            let v = show(&format!(r#"{{"snapshot": {{"id": "s", "size": {wire}}}}}"#));
            assert_eq!(v["size"], want, "{wire}");
        }
        // Progress forms, and the unreadable ones left out.
        for (wire, want) in [("\"100%\"", Some(json!(100))), ("\"0%\"", Some(json!(0))), ("\"12.5%\"", Some(json!(12.5))), ("55", Some(json!(55))), ("\"100.0%\"", Some(json!(100))),
                             ("\"101%\"", None), ("\"-1%\"", None), ("\"n/a\"", None), ("\"\"", None), ("null", None), ("true", None), ("\"1000%\"", None), ("\"100.5%\"", None)] {
            let v = show(&format!(r#"{{"snapshot": {{"id": "s", "size": 1, "os-extended-snapshot-attributes:progress": {wire}}}}}"#));
            assert_eq!(v.get("progress").cloned(), want, "{wire}");
        }
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
            r#"{"snapshot": {"id": "s", "size": 1, "name": 5}}"#,
            r#"{"snapshot": {"id": "s", "size": 1, "metadata": []}}"#,
            r#"{"snapshot": {"id": "s", "size": 1, "created_at": 5}}"#,
            r#"{"snapshot": {"id": "s", "size": 1, "description": {}}}"#,
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
    }

    #[test]
    fn broken_bodies() {
        for (body, part) in [
            (&b""[..], "empty"),
            (b"   ", "empty"),
            (b"<html><body>oops</body></html>", "not valid JSON"),
            (br#"{"snapshots": [{"id": "a", "si"#, "not valid JSON"),
            (b"\xff\xfe{}", "not valid UTF-8"),
            (b"null", "no \"snapshot\""),
        ] {
            let e = read_show(200, None, body).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidResponse);
            assert!(e.message.contains(part), "{} / {}", e.message, part);
        }
        let deep = "[".repeat(100_000);
        let e = read_list(200, None, deep.as_bytes()).unwrap_err();
        assert!(e.message.contains("nested too deeply"));
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
        assert_eq!((p.count, p.next_marker), (0, None));
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
        let e = http_error(401, None, br#"{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "gw-1"}"#);
        assert_eq!((e.code.as_deref(), e.message.as_str(), e.request_id.as_deref(), e.error_type), (Some("APIGW.0301"), "Incorrect IAM authentication information", Some("gw-1"), None));
        let e = http_error(429, Some("hdr"), br#"{"error_code": "APIGW.0308", "error_msg": "throttled", "request_id": "gw-1"}"#);
        assert_eq!(e.request_id.as_deref(), Some("hdr"));
        assert!(e.retryable());
        // Empty, HTML, truncated, binary, unknown JSON.
        assert_eq!(http_error(503, None, b"").message, "EVS answered HTTP 503 Service Unavailable with an empty body");
        let e = http_error(502, Some("r"), b"<html><head><title>502 Bad\n Gateway</title></head><body>nginx</body></html>");
        assert_eq!(e.message, "EVS answered HTTP 502 Bad Gateway with an HTML page: \"502 Bad Gateway\"");
        assert_eq!((e.code, e.error_type), (None, None));
        assert_eq!(http_error(500, None, br#"{"itemNotFound": {"mess"#).message, "EVS answered HTTP 500 Internal Server Error with an unreadable body (truncated or not JSON)");
        assert_eq!(http_error(500, None, b"\xff\x00").message, "EVS answered HTTP 500 Internal Server Error with a body that is not UTF-8 text");
        assert_eq!(http_error(418, None, b"[1,2]").message, "EVS answered HTTP 418 with a JSON body in no known error shape");
        // Found by fuzzing: an empty message must not become an empty error message.
        let e = http_error(400, None, br#"{"_)d": ""}"#);
        assert_eq!((e.message.as_str(), e.error_type.as_deref()), ("EVS answered HTTP 400 Bad Request", Some("_)d")));
        // An error object with a code but no message: generic message, code kept.
        let e = http_error(403, None, br#"{"forbidden": {"code": "EVS.0001"}}"#);
        assert_eq!((e.message.as_str(), e.code.as_deref()), ("EVS answered HTTP 403 Forbidden", Some("EVS.0001")));
        // A huge message is cut.
        let long = format!(r#"{{"error": {{"message": "{}"}}}}"#, "x".repeat(10_000));
        assert!(http_error(500, None, long.as_bytes()).message.len() < 600);
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
        // Order of first appearance, last value: what JSON.parse gives.
        let out = read_show(200, None, br#"{"snapshot": {"id": "s", "size": 1, "metadata": {"b": "1", "a": "x", "b": "2", "c": "3", "a": "y"}}}"#).unwrap();
        assert!(out.contains(r#""metadata":{"b":"2","a":"y","c":"3"}"#), "{out}");
        // Many duplicates stay fast (n log n).
        let many: String = (0..50_000).map(|i| format!(r#""k{}": "{i}""#, i % 7)).collect::<Vec<_>>().join(",");
        let v = show(&format!(r#"{{"snapshot": {{"id": "s", "size": 1, "metadata": {{{many}}}}}}}"#));
        assert_eq!(v["metadata"].as_object().unwrap().len(), 7);
        assert_eq!(v["metadata"]["k0"], "49994");
    }
}
