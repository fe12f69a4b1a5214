//! The one error type, as CONTRACT.md "Errors" describes it.

use serde::Serialize;

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
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Aborted => "aborted",
            ErrorKind::InvalidResponse => "invalid_response",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvsError {
    pub kind: ErrorKind,
    pub message: String,
    pub status: Option<u16>,
    pub code: Option<String>,
    pub error_type: Option<String>,
    pub request_id: Option<String>,
}

impl EvsError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        EvsError { kind, message: message.into(), status: None, code: None, error_type: None, request_id: None }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    pub fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidResponse, message)
    }

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

    /// Replaces every occurrence of each secret in the message, code, type
    /// and request ID with `[redacted]`. Secrets shorter than 4 bytes are
    /// skipped (they would redact ordinary words); validation rejects only
    /// empty ones, so this is a last line of defence, not the only one.
    pub fn redact(&mut self, secrets: &[&str]) {
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            for field in [Some(&mut self.message), self.code.as_mut(), self.error_type.as_mut(), self.request_id.as_mut()]
                .into_iter()
                .flatten()
            {
                if field.contains(s) {
                    *field = field.replace(s, "[redacted]");
                }
            }
        }
    }

    /// The error as JavaScript receives it: CONTRACT.md's field names,
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
        }
    }
}

/// [`EvsError::view`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorView<'a> {
    pub kind: &'static str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
    pub retryable: bool,
}

impl core::fmt::Display for EvsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

impl core::error::Error for EvsError {}

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
        for (status, want) in [(429, true), (500, true), (502, true), (503, true), (504, true), (400, false), (401, false), (404, false), (501, false), (505, false)] {
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
}
