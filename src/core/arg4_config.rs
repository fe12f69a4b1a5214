//! Validation: what a caller passed (as loosely typed [`Input`] values) into
//! a checked [`Config`] and [`ListQuery`], or an `invalid_input` error that
//! names the field. docs/contract.md "Invalid input" is the list this follows.
//! Nothing here can send a request: validation happens before any I/O.
//!
//! An argument's stage 4 of 4 (the `core` module's docs); next, the call is built (`call`).

use super::arg2_raw::{RawAuth, RawConfig, RawHeaders, RawListOptions};
use super::arg3_input::{check_id, Input, MAX_SAFE_INTEGER};
use super::endpoint::{check_endpoint, check_region, Endpoint};
use super::error::EvsError;
use super::iam::{iam_endpoint, ProjectLookup};
use super::retry::{DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT_MS};

/// How requests are authenticated: a checked `auth`.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// No auth header (a console's own proxy may add one).
    None,
    /// An IAM token, sent as `X-Auth-Token`.
    Token(String),
    /// An AK/SK pair: every request is signed with SDK-HMAC-SHA256.
    Keys {
        /// The access key ID, sent in the `Authorization` header.
        access_key: String,
        /// The secret key, which signs and is never sent.
        secret_key: String,
        /// Temporary credentials' security token, sent as `X-Security-Token`.
        security_token: Option<String>,
    },
}

/// Debug output never shows a secret: tokens and the secret key print as
/// `<redacted>`.
impl core::fmt::Debug for Auth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Token(_) => f.write_str("Token(<redacted>)"),
            Auth::Keys { access_key, security_token, .. } => f
                .debug_struct("Keys")
                .field("access_key", access_key)
                .field("secret_key", &"<redacted>")
                .field("security_token", &security_token.as_ref().map(|_| "<redacted>"))
                .finish(),
        }
    }
}

/// A checked `ClientConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where requests go.
    pub endpoint: Endpoint,
    /// The project ID, one path segment; `""` until IAM gives it, when
    /// [`Config::lookup`] says where to ask.
    pub project_id: String,
    /// Where to ask IAM for the project ID, when `projectId` was left out
    /// with a key pair and a region (docs/contract.md "Project ID from IAM").
    pub lookup: Option<ProjectLookup>,
    /// How requests are authenticated.
    pub auth: Auth,
    /// The caller's extra headers, checked, in the order given.
    pub headers: Vec<(String, String)>,
    /// The time limit of each attempt, in ms (at most 2^31 − 1).
    pub timeout_ms: u32,
    /// Attempts in all for retryable failures.
    pub max_attempts: u32,
}

impl Config {
    /// The secrets this config carries, for redaction.
    pub fn secrets(&self) -> Vec<&str> {
        match &self.auth {
            Auth::None => vec![],
            Auth::Token(t) => vec![t.as_str()],
            Auth::Keys { secret_key, security_token, .. } => {
                let mut v = vec![secret_key.as_str()];
                if let Some(t) = security_token {
                    v.push(t.as_str());
                }
                v
            }
        }
    }
}

/// A checked `ListOptions`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    /// Start after this snapshot ID.
    pub marker: Option<String>,
    /// Skip this many snapshots (the first request of a walk only).
    pub offset: Option<u64>,
    /// At most this many snapshots, 1 to 1000.
    pub limit: Option<u32>,
    /// Only snapshots of exactly this name (at most 255 UTF-8 bytes).
    pub name: Option<String>,
    /// Only snapshots in this status.
    pub status: Option<String>,
    /// Only snapshots of this volume (`volume_id` on the wire).
    pub volume_id: Option<String>,
}

/// Longest `name` filter the API takes, in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 255;
/// `setTimeout` fires at once for delays above this.
pub const MAX_TIMEOUT_MS: u32 = 2_147_483_647;

fn opt_string(field: &str, v: &Input) -> Result<Option<String>, EvsError> {
    match v {
        Input::Absent => Ok(None),
        Input::Str(s) => Ok(Some(s.clone())),
        other => Err(EvsError::wrong_type(field, "a string", other.type_name())),
    }
}

/// A JS number that is an integer in `min..=max`.
fn integer(field: &str, v: &Input, min: f64, max: f64, range: &str) -> Result<Option<u64>, EvsError> {
    match v {
        Input::Absent => Ok(None),
        // In range first (min >= 0, max <= 2^53), so the cast back is exact for integers.
        Input::Num(n) if *n >= min && *n <= max && (*n as u64) as f64 == *n => Ok(Some(*n as u64)),
        Input::Num(_) => Err(EvsError::field(field, range)),
        other => Err(EvsError::field(field, &format!("{range}, not {}", other.type_name()))),
    }
}

/// Checks `ListOptions`.
///
/// # Errors
/// `invalid_input` for the first option out of its range or of the wrong
/// type.
pub fn check_list_options(o: &RawListOptions) -> Result<ListQuery, EvsError> {
    let limit = integer("limit", &o.limit, 1.0, 1000.0, "must be an integer from 1 to 1000")?;
    let offset = integer("offset", &o.offset, 0.0, MAX_SAFE_INTEGER, "must be an integer from 0 to 9007199254740991")?;
    let name = opt_string("name", &o.name)?;
    if let Some(n) = &name {
        if n.len() > MAX_NAME_BYTES {
            return Err(EvsError::field("name", "must be at most 255 UTF-8 bytes"));
        }
    }
    Ok(ListQuery {
        marker: opt_string("marker", &o.marker)?,
        offset,
        limit: limit.map(|l| l as u32),
        name,
        status: opt_string("status", &o.status)?,
        volume_id: opt_string("volumeId", &o.volume_id)?,
    })
}

/// Can `v` be sent as a header value? RFC 9110 §5.5 allows a field value
/// of visible ASCII, space, horizontal tab and obs-text (0x80–0xFF): every
/// other control character (CR, LF, NUL, DEL, …) and anything above U+00FF
/// is refused, by `fetch` (a `TypeError` after validation, which would look
/// like a network failure) or by a server. The same rule serves the calls
/// and `signRequest`, which must not sign what cannot be sent.
pub fn is_sendable(v: &str) -> bool {
    v.chars().all(|c| c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c))
}

/// The end of the message for a header value [`is_sendable`] refuses.
pub const NOT_SENDABLE: &str =
    "has a character that cannot be sent in an HTTP header (a control character such as a line break or NUL, or one above U+00FF)";

/// A credential: a non-empty string; `sent`: it travels in a header, so it
/// must be sendable. Its value is never echoed.
fn required_secret(field: &str, v: &Input, sent: bool) -> Result<String, EvsError> {
    match v {
        Input::Str(s) if s.is_empty() => Err(EvsError::field(field, "must not be empty")),
        Input::Str(s) if sent && !is_sendable(s) => Err(EvsError::field(field, NOT_SENDABLE)),
        Input::Str(s) => Ok(s.clone()),
        Input::Absent => Err(EvsError::field(field, "is required")),
        other => Err(EvsError::wrong_type(field, "a string", other.type_name())),
    }
}

/// Checks `auth` (named `field` in messages): absent, a token, or a key
/// pair with an optional security token.
///
/// # Errors
/// `invalid_input` for anything else: not an object, neither or both of a
/// token and a key pair, half a pair, an empty credential, or one that a
/// header cannot carry. A credential's value is never echoed.
pub fn check_auth(a: &RawAuth, field: &str) -> Result<Auth, EvsError> {
    let sub = |name: &str| format!("{field}.{name}");
    match a {
        RawAuth::Absent => Ok(Auth::None),
        RawAuth::NotObject(t) => Err(EvsError::wrong_type(field, "an object ({ token } or { accessKey, secretKey })", t)),
        RawAuth::Object { token, access_key, secret_key, security_token } => {
            let has_keys = *access_key != Input::Absent || *secret_key != Input::Absent;
            match (token, has_keys) {
                (Input::Absent, false) => Err(EvsError::field(
                    field,
                    "must have either token, or accessKey and secretKey (none is set: an unset environment variable reads as undefined)",
                )),
                (Input::Absent, true) => {
                    let access_key = required_secret(&sub("accessKey"), access_key, true)?;
                    let secret_key = required_secret(&sub("secretKey"), secret_key, false)?;
                    let security_token = match security_token {
                        Input::Absent => None,
                        v => Some(required_secret(&sub("securityToken"), v, true)?),
                    };
                    Ok(Auth::Keys { access_key, secret_key, security_token })
                }
                (t, false) => Ok(Auth::Token(required_secret(&sub("token"), t, true)?)),
                (_, true) => Err(EvsError::field(field, "must have either token, or accessKey and secretKey, not both")),
            }
        }
    }
}

/// An HTTP field name: an RFC 9110 token.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Header names (lower case) that a caller's `headers` may not hold: they
/// govern the connection or the message's framing, which the platform's
/// `fetch` owns. Each is a forbidden request-header name of the Fetch
/// standard (<https://fetch.spec.whatwg.org/#forbidden-request-header>),
/// which a browser drops without a word; Node's `fetch` (undici 6, checked
/// on Node 20) refuses `connection` (other than `close` or `keep-alive`),
/// `content-length` (not a number), `expect`, `keep-alive`,
/// `transfer-encoding` and `upgrade` with a `TypeError`, which would look
/// like a network failure and be retried; `proxy-connection`, `te` and
/// `trailer` are connection-specific too (RFC 9110 §7.6.1; RFC 9113
/// §8.2.2 forbids such fields in HTTP/2), sent by Node and dropped by a
/// browser. Refused in every runtime alike, so that a call does
/// not behave one way in Node and another in a browser.
///
/// `host` is not here: it is one of the client's own headers, which are
/// dropped instead (docs/contract.md "ClientConfig"). Other forbidden names
/// (`cookie`, `origin`, `referer`, `sec-…`, `proxy-…`) are passed on:
/// Node, Deno and Bun send them, a browser drops them.
pub const FETCH_OWNS: [&str; 9] =
    ["connection", "content-length", "expect", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

fn check_headers(h: &RawHeaders) -> Result<Vec<(String, String)>, EvsError> {
    let list = match h {
        Ok(list) => list,
        Err(t) => return Err(EvsError::wrong_type("headers", "an object of header names to string values", t)),
    };
    let mut out = Vec::with_capacity(list.len());
    for (name, value) in list {
        if !is_token(name) {
            return Err(EvsError::invalid_input(format!("headers: \"{name}\" is not a valid header name")));
        }
        if FETCH_OWNS.iter().any(|o| name.eq_ignore_ascii_case(o)) {
            return Err(EvsError::invalid_input(format!(
                "headers: \"{name}\" cannot be set: fetch manages it itself (the Fetch standard forbids it: a browser drops it, Node's fetch may refuse it)"
            )));
        }
        match value {
            // Values are never echoed: they may be secrets.
            Input::Str(v) if is_sendable(v) => out.push((name.clone(), v.clone())),
            Input::Str(_) => return Err(EvsError::invalid_input(format!("headers: the value of \"{name}\" {NOT_SENDABLE}"))),
            other => return Err(EvsError::wrong_type(&format!("headers: the value of \"{name}\""), "a string", other.type_name())),
        }
    }
    Ok(out)
}

fn positive(field: &str, v: &Input, default: u32, max: u32) -> Result<u32, EvsError> {
    match integer(field, v, 1.0, MAX_SAFE_INTEGER, "must be a positive integer")? {
        None => Ok(default),
        Some(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX).min(max)),
    }
}

/// Checks a whole `ClientConfig`. Field order of the checks: project ID,
/// endpoint, auth, headers, timeout, attempts.
///
/// # Errors
/// `invalid_input` for the first rule broken, in that order.
pub fn check_config(c: &RawConfig) -> Result<Config, EvsError> {
    // Left out (or empty, as configFromEnv gives an unset variable): IAM is
    // asked, with a key pair and a region.
    let left_out = match &c.project_id {
        Input::Absent => true,
        Input::Str(s) => s.is_empty(),
        _ => false,
    };
    // An empty one is what configFromEnv gives for an unset variable: the
    // message names the variables to set (issue 27 §4).
    let from_env = c.project_id != Input::Absent;
    let (project_id, lookup) = if !left_out {
        (check_id("projectId", &c.project_id)?, None)
    } else if let Ok(Auth::Keys { .. }) = check_auth(&c.auth, "auth") {
        let Some(region) = check_region(&c.region)? else {
            return Err(EvsError::invalid_input(if from_env {
                "projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_REGION to ask IAM for it with the key pair"
            } else {
                "projectId is required (or a region, to ask IAM for it with the key pair)"
            }));
        };
        let iam = iam_endpoint(region, &c.iam_endpoint, c.page_origin.as_deref())?;
        (String::new(), Some(ProjectLookup { iam, region: region.to_string() }))
    } else if from_env {
        return Err(EvsError::invalid_input(
            "projectId is empty: set HUAWEICLOUD_SDK_PROJECT_ID, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK with HUAWEICLOUD_SDK_REGION to ask IAM for it",
        ));
    } else {
        return Err(EvsError::invalid_input("projectId is required"));
    };
    let endpoint = check_endpoint(&c.endpoint, &c.region, c.page_origin.as_deref())?;
    let auth = check_auth(&c.auth, "auth")?;
    let headers = check_headers(&c.headers)?;
    // setTimeout cannot wait longer than 2^31-1 ms; longer is clamped.
    let timeout_ms = positive("timeoutMs", &c.timeout_ms, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS)?;
    let max_attempts = positive("maxAttempts", &c.max_attempts, DEFAULT_MAX_ATTEMPTS, u32::MAX)?;
    Ok(Config { endpoint, project_id, lookup, auth, headers, timeout_ms, max_attempts })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scheme://host` + prefix, as the requests' URLs begin.
    trait Base {
        fn base(&self) -> String;
    }

    impl Base for Endpoint {
        fn base(&self) -> String {
            format!("{}://{}{}", self.scheme, self.host, self.path_prefix)
        }
    }
    use super::super::error::ErrorKind;

    fn cfg() -> RawConfig {
        let mut c = RawConfig::new();
        c.project_id = "p1".into();
        c.region = "ap-southeast-1".into();
        c
    }

    fn invalid(r: Result<impl core::fmt::Debug, EvsError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        e.message
    }

    #[test]
    fn region_and_endpoint() {
        let c = check_config(&cfg()).unwrap();
        assert_eq!(c.endpoint.base(), "https://evs.ap-southeast-1.myhuaweicloud.com");
        for bad in ["AP-1", "ap_1", "ap.1", "", "ap 1"] {
            let mut r = cfg();
            r.region = bad.into();
            invalid(check_config(&r));
        }
        let mut r = cfg();
        r.region = Input::Absent;
        assert_eq!(
            invalid(check_config(&r)),
            "either endpoint or region is required (from the environment: EVS_SNAPSHOTS_ENDPOINT or HUAWEICLOUD_SDK_REGION)"
        );

        let ep = |e: &str, origin: Option<&str>| check_endpoint(&e.into(), &Input::Absent, origin);
        let e = ep("https://EVS.Example.com:443/", None).unwrap();
        assert_eq!((e.scheme, e.host.as_str(), e.path_prefix.as_str()), ("https", "evs.example.com", ""));
        let e = ep("http://127.0.0.1:8080/evs/", None).unwrap();
        assert_eq!(e.base(), "http://127.0.0.1:8080/evs");
        let e = ep("http://[::1]:80/a%20b/ü", None).unwrap();
        assert_eq!(e.base(), "http://[::1]/a%20b/%C3%BC");
        let e = ep("/evs", Some("http://localhost:8080")).unwrap();
        assert_eq!(e.base(), "http://localhost:8080/evs");
        let e = ep("/", Some("https://console.example.com")).unwrap();
        assert_eq!(e.base(), "https://console.example.com");
        // endpoint wins over region
        let mut r = cfg();
        r.endpoint = "http://127.0.0.1:1".into();
        assert_eq!(check_config(&r).unwrap().endpoint.host, "127.0.0.1:1");

        for bad in [
            "ftp://x",
            "evs.example.com",
            "https://",
            "https://x?y=1",
            "https://x/#f",
            "/evs?x",
            "//evil.example",
            "https://user:pw@x",
            "https://x:99999",
            "https://x:12a",
            "https://快照.example",
            "https://a b",
            "https://x\n",
            "https://[::1",
            "",
        ] {
            invalid(ep(bad, Some("http://localhost")));
        }
        assert!(invalid(ep("/evs", None)).contains("no page to resolve it against"));
    }

    #[test]
    fn auth() {
        let with = |a: RawAuth| {
            let mut c = cfg();
            c.auth = a;
            check_config(&c)
        };
        let obj = |t: Input, ak: Input, sk: Input, st: Input| RawAuth::Object { token: t, access_key: ak, secret_key: sk, security_token: st };
        use Input::Absent as A;
        assert_eq!(with(obj("tok".into(), A, A, A)).unwrap().auth, Auth::Token("tok".into()));
        assert_eq!(
            with(obj(A, "ak".into(), "sk".into(), "st".into())).unwrap().auth,
            Auth::Keys { access_key: "ak".into(), secret_key: "sk".into(), security_token: Some("st".into()) }
        );
        for bad in [
            obj("".into(), A, A, A),
            obj(A, "".into(), "sk".into(), A),
            obj(A, "ak".into(), "".into(), A),
            obj(A, "ak".into(), A, A),
            obj(A, "ak".into(), "sk".into(), "".into()),
            obj(A, A, A, A),
            obj("t".into(), "ak".into(), "sk".into(), A),
            obj(Input::Num(1.0), A, A, A),
            RawAuth::NotObject("a string"),
        ] {
            invalid(with(bad));
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mut c = cfg();
        c.auth = RawAuth::Object {
            token: Input::Absent,
            access_key: "AK-visible".into(),
            secret_key: "SK-9f8e7d".into(),
            security_token: "ST-1a2b3c".into(),
        };
        let d = format!("{:?}", check_config(&c).unwrap());
        assert!(d.contains("AK-visible"));
        assert!(!d.contains("SK-9f8e7d") && !d.contains("ST-1a2b3c"), "{d}");
        let mut c = cfg();
        c.auth = RawAuth::Object { token: "TK-55aa".into(), access_key: Input::Absent, secret_key: Input::Absent, security_token: Input::Absent };
        assert!(!format!("{:?}", check_config(&c).unwrap()).contains("TK-55aa"));
    }

    #[test]
    fn secrets_never_in_messages() {
        let mut c = cfg();
        c.headers = Ok(vec![("X-Key".into(), "S3CRET\r\nX: y".into())]);
        let m = invalid(check_config(&c));
        assert!(!m.contains("S3CRET"), "{m}");
    }

    #[test]
    fn headers_timeout_attempts() {
        let mut c = cfg();
        c.headers = Ok(vec![("X-Trace".into(), "1".into())]);
        c.timeout_ms = Input::Num(5000.0);
        c.max_attempts = Input::Num(1.0);
        let k = check_config(&c).unwrap();
        assert_eq!(k.headers, vec![("X-Trace".to_string(), "1".to_string())]);
        assert_eq!((k.timeout_ms, k.max_attempts), (5000, 1));
        let k = check_config(&cfg()).unwrap();
        assert_eq!((k.timeout_ms, k.max_attempts), (30_000, 3));
        c.timeout_ms = Input::Num(1e12);
        assert_eq!(check_config(&c).unwrap().timeout_ms, MAX_TIMEOUT_MS);

        for (field, v) in [
            ("t", Input::Num(0.0)),
            ("t", Input::Num(-1.0)),
            ("t", Input::Num(1.5)),
            ("t", Input::Num(f64::NAN)),
            ("t", Input::Num(f64::INFINITY)),
            ("t", "100".into()),
            ("a", Input::Num(0.0)),
            ("a", Input::Num(2.5)),
            ("a", Input::Bool(true)),
        ] {
            let mut c = cfg();
            if field == "t" {
                c.timeout_ms = v;
            } else {
                c.max_attempts = v;
            }
            invalid(check_config(&c));
        }
        for h in [
            Err("a string"),
            Ok(vec![("Bad Name".to_string(), Input::from("v"))]),
            Ok(vec![("".to_string(), Input::from("v"))]),
            Ok(vec![("X-A".to_string(), Input::Num(1.0))]),
            Ok(vec![("X-A".to_string(), Input::from("a\nb"))]),
        ] {
            let mut c = cfg();
            c.headers = h;
            invalid(check_config(&c));
        }
    }

    /// Issue 25 §5: `Keep-Alive` and the like, which Node's fetch refuses
    /// (retried as a network failure before this check) and a browser
    /// drops, are `invalid_input` naming the header, in any case.
    #[test]
    fn headers_fetch_owns_are_refused_by_name() {
        for name in ["Keep-Alive", "Transfer-Encoding", "Upgrade", "Expect", "Connection", "content-length", "TE", "Trailer", "PROXY-CONNECTION"] {
            let mut c = cfg();
            c.headers = Ok(vec![("X-Trace".to_string(), Input::from("1")), (name.to_string(), Input::from("close"))]);
            let m = invalid(check_config(&c));
            assert!(m.starts_with(&format!("headers: \"{name}\" cannot be set")), "{m}");
            assert!(!m.contains("close"), "the value is not echoed: {m}");
        }
        // Other names, forbidden in a browser or not, are passed on.
        for name in ["Cookie", "Origin", "User-Agent", "X-Connection", "Keep-Alive-Hint", "Sec-Ch-Ua", "Host"] {
            let mut c = cfg();
            c.headers = Ok(vec![(name.to_string(), Input::from("v"))]);
            assert_eq!(check_config(&c).unwrap().headers, vec![(name.to_string(), "v".to_string())]);
        }
    }

    #[test]
    fn list_options() {
        let q = check_list_options(&RawListOptions {
            marker: "m".into(),
            offset: Input::Num(0.0),
            limit: Input::Num(1000.0),
            name: "快照 1".into(),
            status: "available".into(),
            volume_id: "v".into(),
        })
        .unwrap();
        assert_eq!(q.limit, Some(1000));
        assert_eq!(q.offset, Some(0));
        assert_eq!(q.status.as_deref(), Some("available"));
        assert_eq!(check_list_options(&RawListOptions::default()).unwrap(), ListQuery::default());
        // 255 bytes of UTF-8 is the limit: 85 three-byte characters fit, 86 do not.
        let mut o = RawListOptions { name: "中".repeat(85).as_str().into(), ..Default::default() };
        assert!(check_list_options(&o).is_ok());
        o.name = "中".repeat(86).as_str().into();
        invalid(check_list_options(&o));
        // Unknown statuses are passed on: new ones may appear.
        o = RawListOptions { status: "frozen".into(), ..Default::default() };
        assert!(check_list_options(&o).is_ok());

        let bad = [
            RawListOptions { limit: Input::Num(0.0), ..Default::default() },
            RawListOptions { limit: Input::Num(1001.0), ..Default::default() },
            RawListOptions { limit: Input::Num(10.5), ..Default::default() },
            RawListOptions { limit: "10".into(), ..Default::default() },
            RawListOptions { limit: Input::Num(f64::NAN), ..Default::default() },
            RawListOptions { offset: Input::Num(-1.0), ..Default::default() },
            RawListOptions { offset: Input::Num(0.5), ..Default::default() },
            RawListOptions { offset: Input::Num(1e300), ..Default::default() },
            RawListOptions { offset: "1".into(), ..Default::default() },
            RawListOptions { marker: Input::Num(1.0), ..Default::default() },
            RawListOptions { name: Input::Bool(true), ..Default::default() },
            RawListOptions { status: Input::Other("object"), ..Default::default() },
            RawListOptions { volume_id: Input::Num(3.0), ..Default::default() },
        ];
        for o in bad {
            invalid(check_list_options(&o));
        }
    }
}
