//! The one error type, as docs/contract.md "Errors" describes it.

use serde::Serialize;

use super::model::Snapshot;

/// What failed (docs/contract.md "Errors", `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Rejected before any request was sent.
    InvalidInput,
    /// The service answered with a non-2xx status.
    Http,
    /// `fetch` itself failed: refused, DNS, CORS.
    Network,
    /// The last attempt ran out of time.
    Timeout,
    /// The caller's signal aborted the call.
    Aborted,
    /// 2xx, but the body is not what the API documents.
    InvalidResponse,
    /// `waitForSnapshot`: the snapshot reached a status of `failOn`.
    Failed,
}

impl ErrorKind {
    /// The kind docs/contract.md names `name`, if it is one.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        [
            ErrorKind::InvalidInput,
            ErrorKind::Http,
            ErrorKind::Network,
            ErrorKind::Timeout,
            ErrorKind::Aborted,
            ErrorKind::InvalidResponse,
            ErrorKind::Failed,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }

    /// The kind as docs/contract.md names it (`"invalid_input"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::InvalidResponse => "invalid_response",
            ErrorKind::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
/// Every failure of a call, as docs/contract.md "Errors" describes it.
pub struct EvsError {
    /// What failed.
    pub kind: ErrorKind,
    /// One readable sentence (for `http`, the service's own message when it
    /// sent one), redacted and cut by [`EvsError::redact`] before it leaves
    /// the core.
    pub message: String,
    /// The HTTP status, for `http`.
    pub status: Option<u16>,
    /// The service's error code (`"EVS.0004"`, `"APIGW.0301"`), when sent.
    pub code: Option<String>,
    /// The key of the documented error body (`"itemNotFound"`), when present.
    pub error_type: Option<String>,
    /// The answer's `X-Request-Id`, when present.
    pub request_id: Option<String>,
    /// `failed`: the snapshot as it was when the wait ended.
    pub snapshot: Option<Box<Snapshot>>,
}

impl EvsError {
    /// An error of `kind` with `message` and no other field.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EvsError { kind, message: message.into(), status: None, code: None, error_type: None, request_id: None, snapshot: None }
    }

    /// `invalid_input`: rejected before any request was sent.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// `invalid_response`: a 2xx answer whose body is not what the API
    /// documents.
    pub fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidResponse, message)
    }

    /// `invalid_input`: "`{field} {problem}`", for a rule the field breaks.
    pub fn field(field: &str, problem: &str) -> Self {
        Self::invalid_input(format!("{field} {problem}"))
    }

    /// `invalid_input`: "`{field} must be {expected}, not {found}`", the one
    /// form of every type error (`found` as `Input::type_name` names it:
    /// "a number", "an object", …).
    pub fn wrong_type(field: &str, expected: &str, found: &str) -> Self {
        Self::invalid_input(format!("{field} must be {expected}, not {found}"))
    }

    /// The same error, with the answer's `X-Request-Id`.
    pub fn with_request_id(mut self, request_id: Option<&str>) -> Self {
        self.request_id = request_id.map(String::from);
        self
    }

    /// `true` exactly for what the client retries: 429, 500, 502, 503, 504,
    /// network failures and timeouts.
    pub fn retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Network | ErrorKind::Timeout => true,
            ErrorKind::Http => self.status.is_some_and(super::retry::is_retryable_status),
            _ => false,
        }
    }

    /// Makes the error safe to show: every secret removed from its text
    /// fields ([`redact`]), then each field cut to length (the message to
    /// [`MAX_MESSAGE`] bytes, the code, type and request ID to
    /// [`MAX_FIELD`]). Redaction comes first, on the whole text, so that a
    /// cut never leaves part of a secret behind it (docs/contract.md "Errors").
    pub fn redact(&mut self, secrets: &[&str]) {
        for (field, max) in [
            (Some(&mut self.message), MAX_MESSAGE),
            (self.code.as_mut(), MAX_FIELD),
            (self.error_type.as_mut(), MAX_FIELD),
            (self.request_id.as_mut(), MAX_FIELD),
        ] {
            if let Some(field) = field {
                if let Some(clean) = redact(field, secrets) {
                    *field = clean;
                }
                cut(field, max);
            }
        }
    }

    /// The error as JavaScript receives it: docs/contract.md's field names,
    /// absent fields left out; the JS entry makes an `EvsError` of it.
    pub fn view(&self) -> ErrorView<'_> {
        ErrorView {
            kind: self.kind.as_str(),
            message: &self.message,
            status: self.status,
            code: self.code.as_deref(),
            error_type: self.error_type.as_deref(),
            request_id: self.request_id.as_deref(),
            retryable: self.retryable(),
            snapshot: self.snapshot.as_deref(),
        }
    }
}

/// [`EvsError::view`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorView<'a> {
    /// `kind`.
    pub kind: &'static str,
    /// `message`.
    pub message: &'a str,
    /// `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    /// `errorType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_type: Option<&'a str>,
    /// `requestId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
    /// `retryable`.
    pub retryable: bool,
    /// `snapshot`, for `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<&'a Snapshot>,
}

impl core::fmt::Display for EvsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

impl core::error::Error for EvsError {}

/// Longest message an error keeps, in bytes (service text is cut to it,
/// after redaction).
pub const MAX_MESSAGE: usize = 512;
/// Longest `code`, `errorType` or `requestId`, in bytes.
pub const MAX_FIELD: usize = 128;
/// A run of this many bytes of a secret is redacted wherever it stands:
/// docs/contract.md promises that no 16 consecutive characters of a token or key
/// appear in any view of an error (16 characters are at least 16 bytes).
pub const SECRET_RUN: usize = 16;
/// Secrets shorter than this are not looked for: they would redact
/// ordinary words (validation refuses only empty ones).
const MIN_SECRET: usize = 4;
/// Text longer than this is cut to it before redaction, which bounds its
/// cost; what is kept is then redacted in full, and cut again to the
/// field's length.
pub const MAX_SCANNED: usize = 8192;

/// `text` with every secret taken out, or `None` when it holds none: each
/// occurrence of a secret, and each run of [`SECRET_RUN`] or more bytes that
/// also stands in a secret (an echo of its first half, a token with one
/// character changed), becomes `[redacted]` (widened to whole characters).
pub fn redact(text: &str, secrets: &[&str]) -> Option<String> {
    let text = text.get(..floor_boundary(text, MAX_SCANNED)).unwrap_or(text);
    let bytes = text.as_bytes();
    let mut hidden = vec![false; bytes.len()];
    let mut any = false;
    for secret in secrets.iter().filter(|s| s.len() >= MIN_SECRET) {
        let mut hide = |at: usize, len: usize| {
            for h in hidden.iter_mut().skip(at).take(len) {
                *h = true;
            }
            any = true;
        };
        // What is looked for: the whole secret, and each run of it from a
        // character boundary to the first boundary at least SECRET_RUN bytes
        // on (any 16 characters of the secret that stand in the text
        // contain one of these runs).
        for (at, _) in text.match_indices(secret) {
            hide(at, secret.len());
        }
        for (from, _) in secret.char_indices() {
            let run = (from + SECRET_RUN..=secret.len()).find(|&to| secret.is_char_boundary(to)).and_then(|to| secret.get(from..to));
            let Some(run) = run.filter(|r| r.len() < secret.len()) else { break };
            for (at, _) in text.match_indices(run) {
                hide(at, run.len());
            }
        }
    }
    if !any {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for (at, c) in text.char_indices() {
        let covered = hidden.get(at..at + c.len_utf8()).is_some_and(|h| h.iter().any(|&x| x));
        match (covered, in_run) {
            (true, false) => out.push_str("[redacted]"),
            (false, _) => out.push(c),
            (true, true) => {}
        }
        in_run = covered;
    }
    Some(out)
}

/// The largest char boundary of `s` at or below `max`.
fn floor_boundary(s: &str, max: usize) -> usize {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Cuts `s` to at most `max` bytes (at a char boundary), marking the cut
/// with "…".
pub fn cut(s: &mut String, max: usize) {
    if s.len() > max {
        s.truncate(floor_boundary(s, max));
        s.push('…');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape() {
        let mut e = EvsError::new(ErrorKind::Http, "Snapshot x could not be found.");
        e.status = Some(404);
        e.code = Some("EVS.0004".into());
        e.error_type = Some("itemNotFound".into());
        e.request_id = Some("abc".into());
        let v = serde_json::to_value(e.view()).unwrap();
        assert_eq!(v["kind"], "http");
        assert_eq!(v["status"], 404);
        assert_eq!(v["code"], "EVS.0004");
        assert_eq!(v["errorType"], "itemNotFound");
        assert_eq!(v["requestId"], "abc");
        assert_eq!(v["retryable"], false);
        let v = serde_json::to_value(EvsError::invalid_input("bad \"x\"").view()).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 3);
        assert_eq!(v["message"], "bad \"x\"");
    }

    #[test]
    fn retryable_set() {
        for (status, want) in
            [(429, true), (500, true), (502, true), (503, true), (504, true), (400, false), (401, false), (404, false), (501, false), (505, false)]
        {
            let mut e = EvsError::new(ErrorKind::Http, "x");
            e.status = Some(status);
            assert_eq!(e.retryable(), want, "{status}");
        }
        assert!(EvsError::new(ErrorKind::Network, "x").retryable());
        assert!(EvsError::new(ErrorKind::Timeout, "x").retryable());
        assert!(!EvsError::new(ErrorKind::Aborted, "x").retryable());
        assert!(!EvsError::invalid_input("x").retryable());
        assert!(!EvsError::invalid_response("x").retryable());
    }

    #[test]
    fn redacts() {
        let mut e = EvsError::new(ErrorKind::Http, "token S3cr3tTok rejected; S3cr3tTok again");
        e.code = Some("S3cr3tTok".into());
        e.redact(&["S3cr3tTok", ""]);
        assert_eq!(e.message, "token [redacted] rejected; [redacted] again");
        assert_eq!(e.code.as_deref(), Some("[redacted]"));
    }

    /// No run of 16 characters of a secret survives, however the service
    /// echoes it, and however long the secret; the cut comes after.
    #[test]
    fn redacts_long_secrets_and_their_parts_before_cutting() {
        let token: String =
            (0..3000).map(|i| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + i / 62) % 62])).collect();
        let half = &token[..1500];
        let mut changed = token.clone();
        changed.replace_range(100..101, "!");
        for echoed in
            [format!("The token {token} is invalid"), format!("bad prefix {half}…"), format!("near {changed} miss"), token[17..40].to_string()]
        {
            let mut e = EvsError::new(ErrorKind::Http, echoed.clone());
            e.code = Some(token[5..30].to_string());
            e.redact(&[&token]);
            for view in [&e.message, e.code.as_ref().unwrap()] {
                assert!(view.len() <= MAX_MESSAGE + '…'.len_utf8(), "{}", view.len());
                for w in token.as_bytes().windows(SECRET_RUN) {
                    assert!(!view.as_bytes().windows(SECRET_RUN).any(|v| v == w), "a run of the token in {view}");
                }
            }
            assert!(e.message.contains("[redacted]"), "{}", e.message);
        }
        let mut e = EvsError::new(ErrorKind::Http, format!("The token {token} is invalid"));
        e.redact(&[&token]);
        assert_eq!(e.message, "The token [redacted] is invalid");
        // Multi-byte text around and inside a secret stays valid UTF-8.
        let secret = "秘密秘密秘密-0123456789";
        assert_eq!(redact(&format!("见 {secret} 了"), &[secret]).as_deref(), Some("见 [redacted] 了"));
        // Short secrets: whole occurrences only; nothing to do is None.
        assert_eq!(redact("a tok1 b", &["tok1"]).as_deref(), Some("a [redacted] b"));
        assert_eq!(redact("nothing here", &["tok1", "x"]), None);
        // Text without secrets is still cut.
        let mut e = EvsError::new(ErrorKind::Http, "x".repeat(10_000));
        e.redact(&[]);
        assert!(e.message.len() <= MAX_MESSAGE + 3 && e.message.ends_with('…'));
    }
}
