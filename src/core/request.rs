//! Where the URL is built: checked config and options in, method + URL +
//! headers out (signed when the config has an AK/SK pair); and
//! `signRequest`'s checks and signing of any other call ([`check_and_sign`]).

use super::arg2_raw::{RawAuth, RawSignRequest};
use super::arg3_input::Input;
use super::arg4_config::{check_auth, is_sendable, Auth, Config, ListQuery, NOT_SENDABLE};
use super::encode::{decode_lossy, encode_into};
use super::endpoint::{parse_absolute, Endpoint};
use super::error::EvsError;
use super::sign::{canonical_query, sign_sdk_hmac, trim_value, Credentials, SignInput};
use super::time::sdk_date;

/// An HTTP request ready for `fetch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`.
    pub method: &'static str,
    /// The whole URL, query included, encoded.
    pub url: String,
    /// The headers to send, in order.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The value of header `name` (case-insensitive), if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Headers the client sets itself; a caller's header of the same name is
/// dropped so it cannot shadow or duplicate them.
const OWN_HEADERS: [&str; 7] = ["accept", "authorization", "host", "x-auth-token", "x-project-id", "x-sdk-date", "x-security-token"];

/// `/v2/{project_id}` with the ID encoded as one segment.
fn project_path(cfg: &Config, capacity: usize) -> String {
    let mut path = String::with_capacity(cfg.endpoint.path_prefix.len() + capacity);
    path.push_str(&cfg.endpoint.path_prefix);
    path.push_str("/v2/");
    encode_into(&cfg.project_id, &mut path);
    path
}

/// `GET {endpoint}/v2/{project_id}/cloudsnapshots/{snapshot_id}`.
pub fn show_request(cfg: &Config, snapshot_id: &str, now_ms: f64) -> Request {
    let mut path = project_path(cfg, 64 + snapshot_id.len() * 3);
    path.push_str("/cloudsnapshots/");
    encode_into(snapshot_id, &mut path);
    authorized(cfg, path, Vec::new(), now_ms)
}

/// The list filters as (key, raw value) pairs, in canonical order: sorted
/// on the raw key (the keys are distinct, so that is the whole order).
pub fn list_query_pairs(q: &ListQuery) -> Vec<(String, String)> {
    let num = |n: u64| n.to_string();
    let mut pairs = Vec::with_capacity(6);
    if let Some(l) = q.limit {
        pairs.push(("limit".to_string(), num(u64::from(l))));
    }
    if let Some(m) = &q.marker {
        pairs.push(("marker".to_string(), m.clone()));
    }
    if let Some(n) = &q.name {
        pairs.push(("name".to_string(), n.clone()));
    }
    if let Some(o) = q.offset {
        pairs.push(("offset".to_string(), num(o)));
    }
    if let Some(s) = &q.status {
        pairs.push(("status".to_string(), s.clone()));
    }
    if let Some(v) = &q.volume_id {
        pairs.push(("volume_id".to_string(), v.clone()));
    }
    pairs
}

/// `GET {endpoint}/v2/{project_id}/snapshots?...`.
pub fn list_request(cfg: &Config, q: &ListQuery, now_ms: f64) -> Request {
    let path = project_path(cfg, 16);
    let mut path = path;
    path.push_str("/snapshots");
    authorized(cfg, path, list_query_pairs(q), now_ms)
}

/// The request for `path` and `query` on the config's endpoint, authorized:
/// the caller's headers (less those the client sets itself), `Accept`, and
/// the config's auth: the token, or the SDK-HMAC-SHA256 signature at
/// `now_ms` with `X-Project-Id` (and `X-Security-Token`) signed.
fn authorized(cfg: &Config, path: String, query: Vec<(String, String)>, now_ms: f64) -> Request {
    let headers: Vec<(String, String)> =
        cfg.headers.iter().filter(|(k, _)| !OWN_HEADERS.iter().any(|o| k.eq_ignore_ascii_case(o))).cloned().collect();
    authorize(&cfg.endpoint, Some(&cfg.project_id), headers, &cfg.auth, path, query, now_ms)
}

/// `GET {iam}/v3/projects?name={region}`: IAM's project lookup (docs/evs-api.md "IAM: finding a region's project ID"),
/// signed with the config's key pair as the official SDK signs it (no
/// `X-Project-Id`: the project is what is asked for).
pub fn projects_request(iam: &Endpoint, region: &str, auth: &Auth, now_ms: f64) -> Request {
    let path = format!("{}/v3/projects", iam.path_prefix);
    authorize(iam, None, Vec::new(), auth, path, vec![("name".to_string(), region.to_string())], now_ms)
}

/// A `GET` on `endpoint`: `headers`, `Accept`, and `auth`'s header (a key
/// pair's signature covering `X-Project-Id` when a project is given).
fn authorize(
    endpoint: &Endpoint,
    project_id: Option<&str>,
    mut headers: Vec<(String, String)>,
    auth: &Auth,
    path: String,
    query: Vec<(String, String)>,
    now_ms: f64,
) -> Request {
    headers.push(("Accept".into(), "application/json".into()));
    // The canonical form, signed or not: one encoding of a query.
    let mut query_string = canonical_query(&query);
    match auth {
        Auth::None => {}
        Auth::Token(t) => headers.push(("X-Auth-Token".into(), t.clone())),
        Auth::Keys { access_key, secret_key, security_token } => {
            let mut signed_headers: Vec<(String, String)> = project_id.map(|p| ("X-Project-Id".to_string(), p.to_string())).into_iter().collect();
            if let Some(t) = security_token {
                signed_headers.push(("X-Security-Token".to_string(), t.clone()));
            }
            let signed = sign_sdk_hmac(
                &SignInput { method: "GET", host: &endpoint.host, path: &path, query: &query, headers: &signed_headers, body: b"" },
                &Credentials { access_key, secret_key, security_token: security_token.as_deref() },
                &sdk_date(now_ms),
            );
            // The query sent is the one the signature covers.
            query_string = signed.canonical_query;
            headers.extend(signed_headers);
            headers.extend(signed.added_headers);
        }
    }
    let base_len = endpoint.scheme.len() + 3 + endpoint.host.len();
    let mut url = String::with_capacity(base_len + path.len() + 1 + query_string.len());
    url.push_str(endpoint.scheme);
    url.push_str("://");
    url.push_str(&endpoint.host);
    url.push_str(&path);
    if !query_string.is_empty() {
        url.push('?');
        url.push_str(&query_string);
    }
    Request { method: "GET", url, headers }
}

/// What `signRequest` returns: the URL to send (query in canonical form)
/// and every header to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The URL to send: its query in canonical, sorted, encoded form.
    pub url: String,
    /// The headers to send, each value as it was signed.
    pub headers: Vec<(String, String)>,
}

/// A query's text as `signRequest` reads it: split on `&`, each pair at its
/// first `=`, `%XX` decoded as UTF-8 (invalid bytes as U+FFFD) and `+` a
/// plus; empty pairs skipped. The signing proxy reads a browser's query the
/// same way.
#[inline]
pub fn query_pairs(raw_query: &str) -> Vec<(String, String)> {
    raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_lossy(k, false), decode_lossy(v, false))
        })
        .collect()
}

/// Signs any Huawei Cloud API request (docs/contract.md "Signing other calls"):
/// an absolute http(s) `url` whose query is percent-decoded (`+` stays `+`),
/// the caller's headers (an `X-Sdk-Date` among them wins over `now_ms`), and
/// the body.
///
/// # Errors
/// `invalid_input` for a URL that is not absolute `http:`/`https:`.
pub fn sign_url(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    creds: &Credentials<'_>,
    now_ms: f64,
) -> Result<SignedRequest, EvsError> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(EvsError::invalid_input("method must be an HTTP method such as \"GET\""));
    }
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let (base, raw_query) = url.split_once('?').unwrap_or((url, ""));
    if base.chars().any(|c| c.is_control() || c == ' ') {
        return Err(EvsError::invalid_input("url must not contain spaces or control characters"));
    }
    let ep = parse_absolute(base, "url")?;
    let path = if ep.path_prefix.is_empty() { "/".to_string() } else { ep.path_prefix.clone() };
    let query = query_pairs(raw_query);
    let signed = sign_sdk_hmac(&SignInput { method, host: &ep.host, path: &path, query: &query, headers, body }, creds, &sdk_date(now_ms));
    let mut out = String::with_capacity(url.len() + 16);
    out.push_str(ep.scheme);
    out.push_str("://");
    out.push_str(&ep.host);
    out.push_str(&path);
    if !signed.canonical_query.is_empty() {
        out.push('?');
        out.push_str(&signed.canonical_query);
    }
    // Each value as it was signed: trimmed, as the official SDK returns it.
    let mut all: Vec<(String, String)> =
        headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("authorization")).map(|(k, v)| (k.clone(), trim_value(v).to_string())).collect();
    all.extend(signed.added_headers);
    Ok(SignedRequest { url: out, headers: all })
}

/// `signRequest(request, credentials, date)` (docs/contract.md "Signing other
/// calls"): checked, then signed at `now_ms`.
///
/// # Errors
/// `invalid_input` when the method, URL, headers or credentials break a
/// rule (a header value that cannot be sent is never signed).
pub fn check_and_sign(request: &RawSignRequest, body: &[u8], credentials: &RawAuth, now_ms: f64) -> Result<SignedRequest, EvsError> {
    let credentials = match credentials {
        RawAuth::Absent => RawAuth::NotObject("undefined"),
        RawAuth::Object { access_key: Input::Absent, secret_key: Input::Absent, .. } => {
            return Err(EvsError::invalid_input("credentials must have accessKey and secretKey (signRequest signs with a key pair)"))
        }
        RawAuth::Object { access_key, secret_key, security_token, .. } => RawAuth::Object {
            token: Input::Absent,
            access_key: access_key.clone(),
            secret_key: secret_key.clone(),
            security_token: security_token.clone(),
        },
        other => other.clone(),
    };
    let Auth::Keys { access_key, secret_key, security_token } = check_auth(&credentials, "credentials")? else {
        return Err(EvsError::invalid_input("credentials must have accessKey and secretKey"));
    };
    let method = match &request.method {
        Input::Str(m) => m,
        Input::Absent => return Err(EvsError::invalid_input("request.method is required")),
        other => return Err(EvsError::wrong_type("request.method", "a string", other.type_name())),
    };
    let url = match &request.url {
        Input::Str(u) => u,
        other => return Err(EvsError::wrong_type("request.url", "a string", other.type_name())),
    };
    let described = request.headers.as_ref().map_err(|t| EvsError::wrong_type("request.headers", "an object", t))?;
    let mut headers = Vec::with_capacity(described.len());
    for (k, v) in described {
        match v {
            // Signed only if it can be sent: the same rule as the calls'.
            Input::Str(s) if is_sendable(s) => headers.push((k.clone(), s.clone())),
            Input::Str(_) => return Err(EvsError::invalid_input(format!("request.headers: the value of \"{k}\" {NOT_SENDABLE}"))),
            other => return Err(EvsError::wrong_type(&format!("request.headers: the value of \"{k}\""), "a string", other.type_name())),
        }
    }
    let creds = Credentials { access_key: &access_key, secret_key: &secret_key, security_token: security_token.as_deref() };
    sign_url(method, url, &headers, body, &creds, now_ms)
}

#[cfg(test)]
mod tests {
    use super::super::arg2_raw::RawConfig;
    use super::super::arg4_config::check_config;
    use super::super::error::ErrorKind;
    use super::*;

    fn invalid<T: core::fmt::Debug>(r: Result<T, EvsError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{}", e.message);
        e.message
    }

    fn config(endpoint: &str) -> Config {
        let mut c = RawConfig::new();
        c.project_id = "c5d4b3a2f1e0d9c8b7a6f5e4d3c2b1a0".into();
        c.endpoint = endpoint.into();
        c.page_origin = Some("http://127.0.0.1:8080".into());
        check_config(&c).unwrap()
    }

    #[test]
    fn show_url() {
        let c = config("https://evs.ap-southeast-1.myhuaweicloud.com/");
        let r = show_request(&c, "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b", 0.0);
        assert_eq!(
            r.url,
            "https://evs.ap-southeast-1.myhuaweicloud.com/v2/c5d4b3a2f1e0d9c8b7a6f5e4d3c2b1a0/cloudsnapshots/f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b"
        );
        assert_eq!(r.method, "GET");
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(r.header("x-auth-token"), None);
        // An ID is encoded once, as one segment.
        let r = show_request(&c, "snap s%2F+中", 0.0);
        assert!(r.url.ends_with("/cloudsnapshots/snap%20s%252F%2B%E4%B8%AD"), "{}", r.url);
    }

    #[test]
    fn same_origin_path_endpoint() {
        let c = config("/evs/");
        let r = show_request(&c, "id", 0.0);
        assert_eq!(r.url, "http://127.0.0.1:8080/evs/v2/c5d4b3a2f1e0d9c8b7a6f5e4d3c2b1a0/cloudsnapshots/id");
    }

    #[test]
    fn list_query_encoding() {
        let c = config("http://127.0.0.1:8080");
        let q = ListQuery {
            marker: Some("m 1".into()),
            offset: Some(20),
            limit: Some(50),
            name: Some("a+b/c=d&e %p 快照".into()),
            status: Some("available".into()),
            volume_id: Some("v-1".into()),
        };
        let r = list_request(&c, &q, 0.0);
        assert_eq!(
            r.url,
            "http://127.0.0.1:8080/v2/c5d4b3a2f1e0d9c8b7a6f5e4d3c2b1a0/snapshots?limit=50&marker=m%201&name=a%2Bb%2Fc%3Dd%26e%20%25p%20%E5%BF%AB%E7%85%A7&offset=20&status=available&volume_id=v-1"
        );
        let r = list_request(&c, &ListQuery::default(), 0.0);
        assert!(r.url.ends_with("/snapshots"));
        let q = ListQuery { name: Some(String::new()), ..Default::default() };
        assert!(list_request(&c, &q, 0.0).url.ends_with("/snapshots?name="));
    }

    #[test]
    fn token_and_extra_headers() {
        let mut raw = RawConfig::new();
        raw.project_id = "p".into();
        raw.region = "cn-north-4".into();
        raw.auth = RawAuth::Object { token: "TOKEN-1".into(), access_key: Input::Absent, secret_key: Input::Absent, security_token: Input::Absent };
        raw.headers = Ok(vec![("X-Trace".into(), "t".into()), ("x-auth-token".into(), "shadow".into())]);
        let c = check_config(&raw).unwrap();
        let r = show_request(&c, "s", 0.0);
        assert_eq!(r.url, "https://evs.cn-north-4.myhuaweicloud.com/v2/p/cloudsnapshots/s");
        assert_eq!(r.header("X-Auth-Token"), Some("TOKEN-1"));
        assert_eq!(r.header("x-trace"), Some("t"));
        assert_eq!(r.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("x-auth-token")).count(), 1);
    }

    #[test]
    fn sign_any_request() {
        let creds = Credentials { access_key: "AK", secret_key: "SK", security_token: None };
        let r = sign_url(
            "GET",
            "https://EVS.example.com:443/v2/p/snapshots?status=available&name=a+b%20c&limit=10#frag",
            &[("X-Sdk-Date".into(), "20261122T101500Z".into())],
            b"",
            &creds,
            0.0,
        )
        .unwrap();
        // Sorted on the raw strings, encoded; '+' stays a plus (%2B).
        assert_eq!(r.url, "https://evs.example.com/v2/p/snapshots?limit=10&name=a%2Bb%20c&status=available");
        assert_eq!(r.headers.first().map(|(k, _)| k.as_str()), Some("X-Sdk-Date"));
        assert!(r.headers.iter().any(|(k, v)| k == "Authorization" && v.starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, ")));
        let r = sign_url("POST", "http://127.0.0.1:8080", &[], b"{}", &creds, 0.0).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:8080/");
        assert!(r.headers.iter().any(|(k, v)| k == "X-Sdk-Date" && v == "19700101T000000Z"));
        for (m, u) in [("", "https://x/"), ("G T", "https://x/"), ("GET", "/relative"), ("GET", "ftp://x/"), ("GET", "https://x/a b")] {
            assert_eq!(sign_url(m, u, &[], b"", &creds, 0.0).unwrap_err().kind, super::super::error::ErrorKind::InvalidInput);
        }
    }

    #[test]
    fn signed_list_request() {
        // The `list-localhost` vector's inputs; its expected signature is
        // checked against the vector file in tests/vectors.rs. Here: the
        // headers a browser-safe client sends, and the query order.
        let mut raw = RawConfig::new();
        raw.project_id = "c5d4b3a2f1e0d9c8b7a6f5e4d3c2b1a0".into();
        raw.endpoint = "http://127.0.0.1:8080".into();
        raw.auth = RawAuth::Object { token: Input::Absent, access_key: "AK".into(), secret_key: "SK-secret".into(), security_token: "ST".into() };
        let c = check_config(&raw).unwrap();
        let q = ListQuery { status: Some("available".into()), limit: Some(10), ..Default::default() };
        let r = list_request(&c, &q, 1_795_342_500_000.0);
        assert!(r.url.ends_with("/snapshots?limit=10&status=available"), "{}", r.url);
        assert_eq!(r.header("X-Project-Id"), Some("c5d4b3a2f1e0d9c8b7a6f5e4d3c2b1a0"));
        assert_eq!(r.header("X-Security-Token"), Some("ST"));
        assert_eq!(r.header("X-Sdk-Date"), Some("20261122T101500Z"));
        let auth = r.header("Authorization").unwrap();
        assert!(auth.starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature="), "{auth}");
        assert!(!auth.contains("SK-secret"));
        assert_eq!(r.header("Host"), None);
    }

    #[test]
    fn sign_request_checks_and_signs() {
        let req: RawSignRequest = serde_json::from_str(
            r#"{"method":"GET","url":"https://iam.example.com/v3/projects?b=2&a=1","headers":{"Content-Type":"application/json","X-Custom":"  padded  "}}"#,
        )
        .unwrap();
        let creds: RawAuth = serde_json::from_str(r#"{"accessKey":"AK","secretKey":"SK"}"#).unwrap();
        let out = check_and_sign(&req, b"", &creds, 1_795_342_500_000.0).unwrap();
        assert_eq!(out.url, "https://iam.example.com/v3/projects?a=1&b=2");
        let get = |n: &str| out.headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("X-Sdk-Date"), Some("20261122T101500Z"));
        // The value as it was signed: trimmed, as the official SDK returns it.
        assert_eq!(get("X-Custom"), Some("padded"));
        let bad =
            |req: &str, creds: &str| invalid(check_and_sign(&serde_json::from_str(req).unwrap(), b"", &serde_json::from_str(creds).unwrap(), 0.0));
        assert_eq!(bad(r#"{"url":"https://h/"}"#, r#"{"accessKey":"a","secretKey":"b"}"#), "request.method is required");
        assert_eq!(bad(r#"{"method":"GET","url":5}"#, r#"{"accessKey":"a","secretKey":"b"}"#), "request.url must be a string, not a number");
        assert_eq!(bad(r#"{"method":"GET","url":"/v2/x"}"#, r#"{"accessKey":"a","secretKey":"b"}"#), "url must be an absolute http: or https: URL");
        assert_eq!(
            bad(r#"{"method":"GET","url":"https://h/","headers":{"a":"x\ny"}}"#, r#"{"accessKey":"a","secretKey":"b"}"#),
            format!("request.headers: the value of \"a\" {NOT_SENDABLE}")
        );
        for v in [r"\u2603", r"a\u007fb", r"\u0001"] {
            let req = format!(r#"{{"method":"GET","url":"https://h/","headers":{{"x-a":"{v}"}}}}"#);
            assert_eq!(bad(&req, r#"{"accessKey":"a","secretKey":"b"}"#), format!("request.headers: the value of \"x-a\" {NOT_SENDABLE}"), "{v:?}");
        }
        assert!(bad(r#"{"method":"GET","url":"https://h/"}"#, "null").starts_with("credentials must be an object"));
        assert_eq!(
            bad(r#"{"method":"GET","url":"https://h/"}"#, r#"{"token":"t"}"#),
            "credentials must have accessKey and secretKey (signRequest signs with a key pair)"
        );
        // What fetch cannot send is refused before anything is signed or sent.
        assert_eq!(
            bad(r#"{"method":"GET","url":"https://h/"}"#, r#"{"accessKey":"a\nb","secretKey":"s"}"#),
            format!("credentials.accessKey {NOT_SENDABLE}")
        );
    }
}
