//! An error answer's body, in every documented shape (docs/evs-api.md "Errors"): the
//! service's message, code and error type, or a sentence that says what
//! came instead (an HTML page, an empty or unreadable body).

use serde_json::Value;

use super::error::{ErrorKind, EvsError};
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
    /// The request ID the body carries (the API gateway's shape).
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
/// a numeric `code`, and a flat `{"message", "code"}`.
pub fn service_error(doc: &Value) -> Option<ServiceError> {
    let Value::Object(members) = doc else { return None };
    let flat = |message: &str, code: &str| ServiceError {
        message: scalar_text(doc.get(message)),
        code: scalar_text(doc.get(code)),
        error_type: None,
        request_id: scalar_text(doc.get("request_id")),
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
                request_id: None,
            });
        }
    }
    if doc.get("message").is_some() || doc.get("code").is_some() {
        return Some(flat("message", "code"));
    }
    // {"badRequest": "message"}.
    if members.len() == 1 {
        if let Some((key, v @ Value::String(_))) = members.iter().next() {
            return Some(ServiceError { message: scalar_text(Some(v)), code: None, error_type: Some(key.clone()), request_id: None });
        }
    }
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

/// The `http` error for a non-2xx answer, with the service's whole text:
/// the call redacts and then cuts it ([`EvsError::redact`]).
pub fn http_error(status: u16, request_id: Option<&str>, body: &[u8]) -> EvsError {
    let (mut e, mut generic) = http_error_head(status, request_id);
    match std::str::from_utf8(body).map(str::trim) {
        Ok("") => generic.push_str(" with an empty body"),
        Ok(t) => match serde_json::from_str::<Value>(t.strip_prefix('\u{FEFF}').unwrap_or(t)) {
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
                Some(title) => generic.push_str(&format!(" with an HTML page: \"{title}\"")),
                None => generic.push_str(" with an HTML page"),
            },
            Err(_) => generic.push_str(" with an unreadable body (truncated or not JSON)"),
        },
        Err(_) => generic.push_str(" with a body that is not UTF-8 text"),
    }
    e.message = generic;
    e
}
