//! How an attempt ended, as the shell saw it: [`Ended`], one type that the
//! shell fills and the core reads (the state machine in `call`, the retry
//! rules in `retry`, the signing proxy in `proxy`).
//!
//! An answer carries the headers named by [`read_headers`], and only
//! those: the shell reads a response's headers by that list (passing it to
//! `src/wasm/fetch.js`, or asking a Response-like for each), and a rule
//! reads a header by its name ([`Received::header`]). So a rule that needs
//! another header adds its name to the list and reads it; nothing else
//! changes.

/// The response headers that carry an answer's request ID, in the order
/// they are read: Huawei's gateway sends `X-Request-Id`, Cinder (the
/// OpenStack service EVS is built on) `X-Openstack-Request-Id`
/// (docs/contract.md "Errors", `requestId`).
pub const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-openstack-request-id"];

/// Largest response body read; a larger 2xx body is an `invalid_response`
/// (a page of 1,000 snapshots is about 300 KB).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The response headers the rules read, besides the request ID's
/// ([`REQUEST_ID_HEADERS`]): `Retry-After` (retry.rs, RFC 9110 §10.2.3),
/// `Date` (a wrong clock, retry.rs's `server_time`) and `Location` (a
/// redirect, named in its error). Lower case.
pub const RULE_HEADERS: [&str; 3] = ["retry-after", "date", "location"];

/// Every response header the shell reads for the core: the request ID's,
/// then [`RULE_HEADERS`]. (The signing proxy's build also reads the ones it
/// passes on, `proxy::PASSED_HEADERS`.)
pub fn read_headers() -> impl Iterator<Item = &'static str> {
    REQUEST_ID_HEADERS.iter().chain(RULE_HEADERS.iter()).copied()
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The service answered.
    Response(Received),
    /// `fetch` failed before a response, with this message.
    Network(String),
    /// The platform followed no redirect and hid where it pointed (a
    /// browser's `opaqueredirect` answer to `redirect: "manual"`).
    HiddenRedirect,
    /// The attempt's timeout fired.
    Timeout,
    /// The caller's signal aborted the call (before, during or between
    /// attempts).
    Aborted,
}

/// An answer, as far as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Received {
    /// The HTTP status.
    pub status: u16,
    /// The headers of [`read_headers`] that were present (a cross-origin
    /// response hides `Date` unless the server exposes it), each as
    /// (name, value) in the order read; a name may appear in any case.
    pub headers: Vec<(String, String)>,
    /// The body, at most [`MAX_BODY_BYTES`] of it.
    pub body: Vec<u8>,
    /// Whether the body was cut at [`MAX_BODY_BYTES`] (or not read, its
    /// `Content-Length` being larger).
    pub truncated: bool,
}

impl Received {
    /// An answer with `status` and `body`, no headers, not cut.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Received {
        Received { status, headers: Vec::new(), body: body.into(), truncated: false }
    }

    /// The same answer with header `name: value` added.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Received {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The same answer, its body cut at [`MAX_BODY_BYTES`].
    #[must_use]
    pub fn cut(mut self) -> Received {
        self.truncated = true;
        self
    }

    /// The value of header `name` (any case), when present, even empty.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The value of header `name`, when present and not empty.
    pub fn present(&self, name: &str) -> Option<&str> {
        self.header(name).filter(|v| !v.is_empty())
    }

    /// The request ID: the first of [`REQUEST_ID_HEADERS`] present and not
    /// empty (`X-Request-Id`, else OpenStack's `X-Openstack-Request-Id`).
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS.iter().find_map(|name| self.present(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_by_name_in_any_case() {
        let r =
            Received::new(503, "busy").with_header("Retry-After", "2").with_header("x-request-id", "").with_header("X-Openstack-Request-Id", "os-1");
        assert_eq!((r.header("retry-after"), r.header("RETRY-AFTER")), (Some("2"), Some("2")));
        assert_eq!((r.header("x-request-id"), r.present("x-request-id")), (Some(""), None));
        // An empty X-Request-Id gives way to OpenStack's.
        assert_eq!(r.request_id(), Some("os-1"));
        assert_eq!(Received::new(200, "").with_header("X-Request-Id", "r-1").request_id(), Some("r-1"));
        assert_eq!(r.header("date"), None);
        assert!(!r.truncated && r.clone().cut().truncated);
        let names: Vec<&str> = read_headers().collect();
        assert_eq!(names, ["x-request-id", "x-openstack-request-id", "retry-after", "date", "location"]);
    }

    /// `X-Request-Id`, else Cinder's `X-Openstack-Request-Id`; an empty one
    /// is absent.
    #[test]
    fn request_id_headers() {
        let from = |pairs: &'static [(&'static str, &'static str)]| {
            pairs.iter().fold(Received::new(200, ""), |r, (k, v)| r.with_header(k, v)).request_id().map(String::from)
        };
        assert_eq!(from(&[("x-request-id", "a"), ("x-openstack-request-id", "req-b")]).as_deref(), Some("a"));
        assert_eq!(from(&[("x-openstack-request-id", "req-b")]).as_deref(), Some("req-b"));
        assert_eq!(from(&[("x-request-id", ""), ("x-openstack-request-id", "req-b")]).as_deref(), Some("req-b"));
        assert_eq!(from(&[("x-openstack-request-id", "")]), None);
        assert_eq!(from(&[]), None);
    }
}
