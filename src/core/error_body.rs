//! An error answer's body, in every documented shape (docs/evs-api.md "Errors"): the
//! service's message, code and error type; or, for a body in no documented
//! shape, a sentence that says what came (plain text, JSON of another shape,
//! JSON cut short, an HTML page, an empty body) and quotes the text, as
//! Huawei's SDKs keep a response's text as the message (docs/contract.md
//! "Errors", `message`).

use serde_json::Value;

use super::error::{ErrorKind, EvsError, MAX_SCANNED};
use super::wire::js_string;

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
    /// The service's message.
    pub message: Option<String>,
    /// The service's error code.
    pub code: Option<String>,
    /// The key of the error body (`"itemNotFound"`).
    pub error_type: Option<String>,
    /// The request ID the body carries: a top-level `request_id` (the API
    /// gateway's shape sends one).
    pub request_id: Option<String>,
}

fn scalar_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        n @ Value::Number(_) => Some(js_string(n)),
        _ => None,
    }
}

/// Reads every documented error shape (docs/evs-api.md "Errors"): `{"<kind>": {"message",
/// "code"}}` with any key, the API gateway's `{"error_code", "error_msg"}`,
/// a numeric `code`, and a flat `{"message", "code"}`; in each, a top-level
/// `request_id`. `None` for a document in none of them.
pub fn service_error(doc: &Value) -> Option<ServiceError> {
    let Value::Object(members) = doc else { return None };
    let request_id = scalar_text(doc.get("request_id"));
    let flat = |message: &str, code: &str| ServiceError {
        message: scalar_text(doc.get(message)),
        code: scalar_text(doc.get(code)),
        error_type: None,
        request_id: request_id.clone(),
    };
    // API gateway.
    if doc.get("error_code").is_some() || doc.get("error_msg").is_some() {
        return Some(flat("error_msg", "error_code"));
    }
    // {"itemNotFound": {"message": ..., "code": ...}}.
    for (key, value) in members {
        if value.is_object() && (value.get("message").is_some() || value.get("code").is_some()) {
            return Some(ServiceError {
                message: scalar_text(value.get("message")),
                code: scalar_text(value.get("code")),
                error_type: Some(key.clone()),
                request_id,
            });
        }
    }
    if doc.get("message").is_some() || doc.get("code").is_some() {
        return Some(flat("message", "code"));
    }
    // Any other object, such as {"invalid_key": "invalid_value"}, is in no
    // documented shape: the caller quotes it whole rather than guess which
    // member is the message.
    None
}

/// The `<title>` of an HTML page, if short and present, white space folded.
fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower.get(start..)?.find('>')? + 1;
    let end = open_end + lower.get(open_end..)?.find("</title")?;
    let title = text.get(open_end..end)?.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// An `http` error for `status`, and the start of its generic message
/// ("EVS answered HTTP 503 Service Unavailable").
fn http_error_head(status: u16, request_id: Option<&str>) -> (EvsError, String) {
    let mut e = EvsError::new(ErrorKind::Http, String::new());
    e.status = Some(status);
    e.request_id = request_id.map(String::from);
    let mut generic = format!("EVS answered HTTP {status}");
    let r = reason(status);
    if !r.is_empty() {
        generic.push(' ');
        generic.push_str(r);
    }
    (e, generic)
}

/// The `http` error for a non-2xx answer whose body was larger than the
/// cap (`max` bytes), and so was not read: it says so, rather than "with an
/// empty body".
pub fn http_error_too_large(status: u16, request_id: Option<&str>, max: usize) -> EvsError {
    let (mut e, generic) = http_error_head(status, request_id);
    e.message = format!("{generic} with a body larger than {} MiB, which was not read", max / (1024 * 1024));
    e
}

/// A body's text as a message quotes it: runs of ASCII white space (line
/// breaks too) folded into one space, so that the message stays one line;
/// at most [`MAX_SCANNED`] bytes of it, which is more than the message
/// keeps after redaction. Any other character is left as the service sent
/// it: the CLI and the dashboard escape what would act on a terminal or a
/// page (docs/contract.md "Errors").
fn quoted(text: &str) -> String {
    prefix(text, MAX_SCANNED).split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `max` bytes of `text`, or fewer to end on a character.
fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// Is this text (not JSON) an HTML page? It begins with `<` and names an
/// HTML element early on; other markup (XML) is quoted as text.
fn is_html(text: &str) -> bool {
    let head = prefix(text, 1024).to_ascii_lowercase();
    head.starts_with('<') && ["<!doctype html", "<html", "<head", "<body", "<title"].iter().any(|tag| head.contains(tag))
}

/// The `http` error for a non-2xx answer, with the service's whole text:
/// the call redacts and then cuts it ([`EvsError::redact`]).
///
/// The message is the service's own (`message`, `error_msg`, …) when the
/// body is in a documented shape ([`service_error`]) and has one. Otherwise
/// it names the status and says what the body was, quoting its text after a
/// colon: a plain-text body (Huawei's Go SDK keeps `string(data)`, its
/// Python SDK `response.text`), JSON in no known error shape, JSON cut
/// short (its text ends inside the document), text that begins like JSON
/// but is not; an HTML page is named by its `<title>`; an empty body, or
/// one that is not UTF-8, is said to be so.
///
/// `request_id` is the answer's header (`Received::request_id`, src/core/ended.rs); without one, a
/// top-level `request_id` in a JSON body is used.
pub fn http_error(status: u16, request_id: Option<&str>, body: &[u8]) -> EvsError {
    let (mut e, mut generic) = http_error_head(status, request_id);
    let said = match std::str::from_utf8(body).map(str::trim) {
        Ok("") => " with an empty body".to_string(),
        Ok(t) => {
            let t = t.strip_prefix('\u{FEFF}').map_or(t, str::trim_start);
            match serde_json::from_str::<Value>(t) {
                Ok(doc) => {
                    if e.request_id.is_none() {
                        e.request_id = scalar_text(doc.get("request_id"));
                    }
                    match service_error(&doc) {
                        Some(se) => {
                            e.code = se.code;
                            e.error_type = se.error_type;
                            if let Some(m) = se.message {
                                e.message = m;
                                return e;
                            }
                            String::new()
                        }
                        None => format!(" with a JSON body in no known error shape: {}", quoted(t)),
                    }
                }
                Err(_) if is_html(t) => match html_title(t) {
                    Some(title) => format!(" with an HTML page: \"{title}\""),
                    None => " with an HTML page".to_string(),
                },
                Err(err) if err.is_eof() => format!(" with a JSON body cut short: {}", quoted(t)),
                Err(_) if t.starts_with(['{', '[']) => format!(" with a body that is not valid JSON: {}", quoted(t)),
                Err(_) => format!(" with a plain-text body: {}", quoted(t)),
            }
        }
        Err(_) => " with a body that is not UTF-8 text".to_string(),
    };
    generic.push_str(&said);
    e.message = generic;
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::{MAX_MESSAGE, SECRET_RUN};

    /// Bodies in no documented shape: the sentence says what came and
    /// quotes it (issue 25 §4; the plain-text body is a fixture of Huawei's
    /// Go SDK, which keeps `string(data)` as the message).
    #[test]
    fn a_body_in_no_known_shape_is_quoted_and_named() {
        for (status, body, want) in [
            (400, "invalid json data", "EVS answered HTTP 400 Bad Request with a plain-text body: invalid json data"),
            (400, "  invalid json data\n", "EVS answered HTTP 400 Bad Request with a plain-text body: invalid json data"),
            (404, "404 page not found", "EVS answered HTTP 404 Not Found with a plain-text body: 404 page not found"),
            (418, "[1,2]", "EVS answered HTTP 418 with a JSON body in no known error shape: [1,2]"),
            (
                400,
                r#"{"invalid_key":"invalid_value"}"#,
                r#"EVS answered HTTP 400 Bad Request with a JSON body in no known error shape: {"invalid_key":"invalid_value"}"#,
            ),
            (500, "42", "EVS answered HTTP 500 Internal Server Error with a JSON body in no known error shape: 42"),
            // One member holding a string is no documented shape either:
            // quoted whole, not read as {"<errorType>": "<message>"}.
            (400, r#"{"badRequest": "bad"}"#, r#"EVS answered HTTP 400 Bad Request with a JSON body in no known error shape: {"badRequest": "bad"}"#),
            (400, r#"{"_)d": ""}"#, r#"EVS answered HTTP 400 Bad Request with a JSON body in no known error shape: {"_)d": ""}"#),
            (500, r#"{"itemNotFound": {"mess"#, r#"EVS answered HTTP 500 Internal Server Error with a JSON body cut short: {"itemNotFound": {"mess"#),
            (400, "{oops}", "EVS answered HTTP 400 Bad Request with a body that is not valid JSON: {oops}"),
            // Markup that is not an HTML page (an XML error) is text.
            (
                403,
                "<Error><Code>AccessDenied</Code></Error>",
                "EVS answered HTTP 403 Forbidden with a plain-text body: <Error><Code>AccessDenied</Code></Error>",
            ),
            // Line breaks and runs of blanks fold into one space: one line.
            (
                503,
                "upstream\r\n  connect error\n\treset",
                "EVS answered HTTP 503 Service Unavailable with a plain-text body: upstream connect error reset",
            ),
            // A byte-order mark is not part of the text.
            (400, "\u{FEFF}[1]", "EVS answered HTTP 400 Bad Request with a JSON body in no known error shape: [1]"),
        ] {
            let e = http_error(status, None, body.as_bytes());
            assert_eq!((e.kind, e.status, e.message.as_str()), (ErrorKind::Http, Some(status), want), "{body:?}");
            assert_eq!((e.code, e.error_type, e.request_id), (None, None, None), "{body:?}");
        }
        // Whole text is never called truncated.
        assert!(!http_error(400, None, b"invalid json data").message.contains("truncated"));
    }

    /// Characters that act on a terminal or a page are the service's data:
    /// kept here, escaped where they are shown (the CLI, the dashboard).
    #[test]
    fn quoted_text_keeps_other_characters() {
        let e = http_error(400, None, "bad \u{1b}]0;t\u{7} \u{9b}2J \u{202e}x <b>".as_bytes());
        assert_eq!(e.message, "EVS answered HTTP 400 Bad Request with a plain-text body: bad \u{1b}]0;t\u{7} \u{9b}2J \u{202e}x <b>");
    }

    /// A long body that echoes a credential: redacted, then cut, the
    /// sentence before the quote kept whole.
    #[test]
    fn quoted_text_is_redacted_then_cut() {
        let token = "TOKEN-0123456789abcdefghijklmnopqrstuvwxyz";
        let body = format!("the token {token} is not valid; {}", "blah ".repeat(20_000));
        let mut e = http_error(401, None, body.as_bytes());
        e.redact(&[token]);
        assert!(
            e.message.starts_with("EVS answered HTTP 401 Unauthorized with a plain-text body: the token [redacted] is not valid; blah"),
            "{}",
            e.message
        );
        assert!(e.message.len() <= MAX_MESSAGE + '…'.len_utf8() && e.message.ends_with('…'), "{}", e.message.len());
        for w in token.as_bytes().windows(SECRET_RUN) {
            assert!(!e.message.as_bytes().windows(SECRET_RUN).any(|v| v == w));
        }
        // A quote far longer than any message costs no more than its first part.
        assert!(quoted(&"x".repeat(1 << 20)).len() <= MAX_SCANNED);
        assert_eq!(quoted("中".repeat(5000).as_str()).len(), MAX_SCANNED / 3 * 3);
    }

    /// `request_id` in the body: used when no header gave one, in any
    /// object body (docs/contract.md "Errors", `requestId`).
    #[test]
    fn request_id_from_the_body() {
        for body in [
            r#"{"itemNotFound": {"message": "gone", "code": "EVS.0004"}, "request_id": "r-9"}"#,
            r#"{"error_code": "APIGW.0301", "error_msg": "no", "request_id": "r-9"}"#,
            r#"{"message": "no", "request_id": "r-9"}"#,
            r#"{"invalid_key": "invalid_value", "request_id": "r-9"}"#,
        ] {
            assert_eq!(http_error(400, None, body.as_bytes()).request_id.as_deref(), Some("r-9"), "{body}");
            assert_eq!(http_error(400, Some("hdr"), body.as_bytes()).request_id.as_deref(), Some("hdr"), "{body}");
        }
        // Not an object, or not text: none.
        assert_eq!(http_error(400, None, br#"["request_id"]"#).request_id, None);
        assert_eq!(http_error(400, None, br#"{"request_id": {"x": 1}}"#).request_id, None);
    }
}
