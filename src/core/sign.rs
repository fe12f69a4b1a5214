//! SDK-HMAC-SHA256 request signing, exactly as Huawei's official Python SDK
//! (`huaweicloudsdkcore.signer.Signer`) does it — see `docs/signing.md`.
//!
//! Pure: the caller supplies the time (`sdk_date`) and sends the request.
//!
//! Choices where the SDK is silent or does something a careful client should
//! not copy (each documented at the point where it is made):
//!
//! * Header names are compared case-insensitively everywhere (the SDK looks up
//!   `Content-Type` case-sensitively; every other lookup ignores case).
//! * The same header name given twice in different case: the **later** one
//!   wins, and the name is signed once (the SDK would list it twice).
//! * A caller-given `Authorization` header is not signed: it is replaced by
//!   the one computed here, so it will not be sent.
//! * A caller-given `X-Sdk-Content-Sha256` or `X-Security-Token` is kept and
//!   nothing is added in its place; an empty security token adds nothing.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::encode::{decode, encode_into, hex_lower};

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Lower-case hex SHA-256 of the empty string.
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Value of `X-Sdk-Content-Sha256` added for non-JSON content types.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// AK/SK credentials, optionally temporary (with a security token).
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// The access key ID.
    pub access_key: &'a str,
    /// The secret key.
    pub secret_key: &'a str,
    /// Temporary credentials' security token.
    pub security_token: Option<&'a str>,
}

impl core::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("security_token", &self.security_token.map(|_| "<redacted>"))
            .finish()
    }
}

/// What is signed. See the field comments for the exact forms expected.
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    /// `"GET"`; upper-cased for the canonical request, as the SDK does.
    pub method: &'a str,
    /// `host[:port]` exactly as the `Host` header will carry it.
    pub host: &'a str,
    /// The path as sent on the wire, percent-encoded.
    pub path: &'a str,
    /// Raw (decoded) query pairs in the caller's order; keys may repeat.
    pub query: &'a [(String, String)],
    /// Headers the caller will send and wants signed (any case). An
    /// `X-Sdk-Date` among them (any case) wins over `sdk_date`.
    pub headers: &'a [(String, String)],
    /// The body, hashed into the canonical request.
    pub body: &'a [u8],
}

/// The result of signing: the intermediate strings (for debugging and
/// tests), the query to send and the headers to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The canonical request (docs/signing.md step 8), for tests and vectors.
    pub canonical_request: String,
    /// The string to sign (step 9).
    pub string_to_sign: String,
    /// e.g. `"host;x-project-id;x-sdk-date"`.
    pub signed_headers: String,
    /// Lower-case hex.
    pub signature: String,
    /// `"SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=..."`.
    pub authorization: String,
    /// The sorted, encoded query to send (no leading `?`); `""` when none.
    pub canonical_query: String,
    /// Headers to send in addition to the caller's, in this order:
    /// `X-Sdk-Date` (only if the caller gave none), `X-Security-Token` (a
    /// non-empty token and the caller gave none), `X-Sdk-Content-Sha256`
    /// (docs/signing.md step 3, unless the caller gave one), `Authorization`
    /// last. Never `Host`.
    pub added_headers: Vec<(String, String)>,
}

/// Trims white space as Python's `str.strip()` does: Unicode `White_Space`
/// plus the separators U+001C..U+001F.
pub fn trim_value(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// One header as the signer sees it.
#[derive(Clone, Copy)]
struct HeaderValue<'v> {
    /// As given (the SDK tests `Content-Type` on the untrimmed value).
    raw: &'v str,
    /// Trimmed: what is signed.
    trimmed: &'v str,
}

impl<'v> HeaderValue<'v> {
    fn new(raw: &'v str) -> Self {
        HeaderValue { raw, trimmed: trim_value(raw) }
    }
}

/// Lower-cased header name → value: a few entries, so a vector kept in the
/// order given. `insert` replaces an existing name.
struct HeaderMap<'v>(Vec<(String, HeaderValue<'v>)>);

impl<'v> HeaderMap<'v> {
    fn get(&self, name: &str) -> Option<&HeaderValue<'v>> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn insert(&mut self, name: String, value: HeaderValue<'v>) {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }
}

/// Canonical URI (docs/signing.md step 5): decode, split on `/`, encode each
/// segment, join, always end with `/`. Invalid UTF-8 after decoding becomes
/// U+FFFD, as Python's `unquote` does.
fn canonical_uri(path: &str) -> String {
    let bytes = decode(path, false);
    let decoded = String::from_utf8_lossy(&bytes);
    let mut out = String::with_capacity(path.len() + 8);
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(segment, &mut out);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Canonical query (docs/signing.md step 6): sort on the raw key, then the raw
/// value (byte order of UTF-8, which is code-point order as in Python), then
/// encode each as `k=v`, joined with `&`. Also the query of every request
/// the client sends unsigned (`request.rs`): one encoding of a query.
pub fn canonical_query(query: &[(String, String)]) -> String {
    // Equal pairs are identical, so an unstable sort gives the same order.
    let mut sorted: Vec<&(String, String)> = query.iter().collect();
    sorted.sort_unstable();
    let mut out = String::new();
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(k, &mut out);
        out.push('=');
        encode_into(v, &mut out);
    }
    out
}

fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

/// HMAC-SHA256 of `message` under `key` (RFC 2104; any key length).
fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            hex_lower(&mac.finalize().into_bytes())
        }
        // HMAC takes keys of every length; this arm is never reached.
        Err(_) => String::new(),
    }
}

/// Signs `input` with `creds`. `sdk_date` (`YYYYMMDDTHHMMSSZ`) is used when
/// the headers carry no `X-Sdk-Date`. Never panics, on any input.
#[must_use]
pub fn sign_sdk_hmac(input: &SignInput<'_>, creds: &Credentials<'_>, sdk_date: &str) -> Signed {
    // Lower-cased name -> value, for every header that will be sent and
    // whose name has no '_' (docs/signing.md step 4: neither signed nor listed).
    // A later duplicate (same name in any case) replaces the earlier one.
    let mut headers = HeaderMap(Vec::with_capacity(input.headers.len() + 3));
    for (name, value) in input.headers {
        if name.bytes().any(|b| b == b'_') {
            continue;
        }
        // Header names are ASCII tokens (HTTP); ASCII lower-casing keeps
        // Unicode case tables out of the wasm binary.
        headers.insert(name.to_ascii_lowercase(), HeaderValue::new(value));
    }

    let mut added: Vec<(String, String)> = Vec::with_capacity(4);

    // Step 1: X-Sdk-Date, the caller's if given.
    let date: &str = match headers.get("x-sdk-date") {
        Some(v) => v.trimmed,
        None => {
            let v = HeaderValue::new(sdk_date);
            headers.insert("x-sdk-date".to_owned(), v);
            added.push(("X-Sdk-Date".to_owned(), sdk_date.to_owned()));
            v.trimmed
        }
    };

    // Not a step of its own in docs/signing.md: temporary credentials add
    // X-Security-Token, signed like any given header.
    if let Some(token) = creds.security_token {
        if !token.is_empty() && !headers.contains_key("x-security-token") {
            headers.insert("x-security-token".to_owned(), HeaderValue::new(token));
            added.push(("X-Security-Token".to_owned(), token.to_owned()));
        }
    }

    // Step 3: a non-empty Content-Type that starts with neither
    // application/json nor application/bson adds UNSIGNED-PAYLOAD.
    let unsigned = match headers.get("content-type") {
        Some(ct) => !ct.raw.is_empty() && !ct.raw.starts_with("application/json") && !ct.raw.starts_with("application/bson"),
        None => false,
    };
    if unsigned && !headers.contains_key("x-sdk-content-sha256") {
        headers.insert("x-sdk-content-sha256".to_owned(), HeaderValue::new(UNSIGNED_PAYLOAD));
        added.push(("X-Sdk-Content-Sha256".to_owned(), UNSIGNED_PAYLOAD.to_owned()));
    }

    // Step 2 (after step 3 here, so that the headers returned keep their
    // order): Host, unless given. It is signed but never returned.
    if !headers.contains_key("host") {
        headers.insert("host".to_owned(), HeaderValue::new(input.host));
    }

    // Step 4: signed headers and the canonical header block. A caller's
    // Authorization is replaced by ours, so it is not sent and not signed.
    let mut signed_headers = String::new();
    let mut canonical_headers = String::new();
    // Names are unique (insert replaces), so the order is total.
    headers.0.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in &headers.0 {
        if name == "authorization" {
            continue;
        }
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value.trimmed);
        canonical_headers.push('\n');
    }

    // Steps 5 and 6.
    let uri = canonical_uri(input.path);
    let query = canonical_query(input.query);

    // Step 7: payload hash.
    let payload_hash: String = if input.body.is_empty() {
        EMPTY_BODY_SHA256.to_owned()
    } else {
        match headers.get("x-sdk-content-sha256") {
            Some(v) if !v.trimmed.is_empty() => v.trimmed.to_owned(),
            _ => sha256_hex(input.body),
        }
    };

    // Step 8.
    let method = input.method.to_ascii_uppercase();
    let canonical_request =
        [method.as_str(), uri.as_str(), query.as_str(), canonical_headers.as_str(), signed_headers.as_str(), payload_hash.as_str()].join("\n");

    // Step 9.
    let string_to_sign = [ALGORITHM, date, &sha256_hex(canonical_request.as_bytes())].join("\n");

    // Step 10.
    let signature = hmac_sha256_hex(creds.secret_key.as_bytes(), string_to_sign.as_bytes());

    // Step 11.
    let authorization = format!("{ALGORITHM} Access={}, SignedHeaders={signed_headers}, Signature={signature}", creds.access_key);
    added.push(("Authorization".to_owned(), authorization.clone()));

    Signed { canonical_request, string_to_sign, signed_headers, signature, authorization, canonical_query: query, added_headers: added }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    const CREDS: Credentials<'static> = Credentials { access_key: "AK", secret_key: "SK", security_token: None };
    const DATE: &str = "20261122T101500Z";

    fn sign_with(method: &str, path: &str, query: &[(&str, &str)], headers: &[(&str, &str)], body: &[u8], creds: &Credentials<'_>) -> Signed {
        let q = pairs(query);
        let h = pairs(headers);
        sign_sdk_hmac(&SignInput { method, host: "evs.example.com", path, query: &q, headers: &h, body }, creds, DATE)
    }

    fn get(path: &str, query: &[(&str, &str)], headers: &[(&str, &str)]) -> Signed {
        sign_with("GET", path, query, headers, b"", &CREDS)
    }

    #[test]
    fn canonical_uri_always_ends_with_slash() {
        assert_eq!(canonical_uri("/v2/p/snapshots"), "/v2/p/snapshots/");
        assert_eq!(canonical_uri("/v2/p/snapshots/"), "/v2/p/snapshots/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        // Decoded, then each segment encoded once: %20 stays %20, '~' stays,
        // '*' becomes %2A, and an encoded '/' becomes a segment separator.
        assert_eq!(canonical_uri("/v2/p/cloudsnapshots/snap%20s~*"), "/v2/p/cloudsnapshots/snap%20s~%2A/");
        assert_eq!(canonical_uri("/c/a%2Fb%20c"), "/c/a/b%20c/");
        assert_eq!(canonical_uri("/c/%E4%B8%AD"), "/c/%E4%B8%AD/");
        assert_eq!(canonical_uri("/c/中"), "/c/%E4%B8%AD/");
    }

    #[test]
    fn whole_canonical_request_minimal_get() {
        let s = get("/v2/p/snapshots", &[], &[]);
        assert_eq!(
            s.canonical_request,
            "GET\n/v2/p/snapshots/\n\nhost:evs.example.com\nx-sdk-date:20261122T101500Z\n\n\
             host;x-sdk-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(s.signed_headers, "host;x-sdk-date");
        assert_eq!(s.canonical_query, "");
        // The SHA-256 and the HMAC below were computed independently (Python
        // hashlib/hmac) over the canonical request asserted above, key "SK".
        assert_eq!(
            s.string_to_sign,
            "SDK-HMAC-SHA256\n20261122T101500Z\n\
             9c0c7d52831d64bf8c60247b1a753bc7d19f3f0e11e4ca0e43b359620ff6fc3a"
        );
        assert_eq!(s.signature, "7ecc32633240d386e182ab038f360c3430d481796667fb12ce957b0f608911fd");
        assert_eq!(s.authorization, format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={}", s.signature));
        assert_eq!(s.added_headers, pairs(&[("X-Sdk-Date", DATE), ("Authorization", &s.authorization)]));
    }

    #[test]
    fn query_sorted_on_raw_strings_then_encoded() {
        // Raw order: "a-b" < "a/b" ('-' 0x2D < '/' 0x2F) < "z" < "中";
        // encoded order would put "%E4..." before "a-b" and "a%2Fb" before "a-b".
        let s = get("/v2/p/snapshots", &[("name", "z"), ("name", "a/b"), ("name", "中"), ("name", "a-b")], &[]);
        assert_eq!(s.canonical_query, "name=a-b&name=a%2Fb&name=z&name=%E4%B8%AD");
        assert!(s.canonical_request.starts_with("GET\n/v2/p/snapshots/\nname=a-b&name=a%2Fb&name=z&name=%E4%B8%AD\n"));
        // Key first, then value; empty value gives "k=".
        let s = get("/x", &[("name", ""), ("limit", "10"), ("b key", "1"), ("a:key", "+")], &[]);
        assert_eq!(s.canonical_query, "a%3Akey=%2B&b%20key=1&limit=10&name=");
        // Same key, values compared raw.
        let s = get("/x", &[("k", "b"), ("k", "a"), ("j", "z")], &[]);
        assert_eq!(s.canonical_query, "j=z&k=a&k=b");
    }

    #[test]
    fn underscore_headers_not_signed_values_trimmed() {
        let s = get("/x", &[], &[("X_Custom_Flag", "1"), ("X-Client-Tag", "  tag  value \t"), ("X-Project-Id", "p")]);
        assert_eq!(s.signed_headers, "host;x-client-tag;x-project-id;x-sdk-date");
        assert!(s.canonical_request.contains("\nx-client-tag:tag  value\n"));
        assert!(!s.canonical_request.contains("custom"));
    }

    #[test]
    fn content_sha256_rule() {
        // Non-JSON Content-Type, empty body: header added and signed, payload
        // hash stays the empty-body hash.
        let s = get("/x", &[], &[("Content-Type", "text/plain")]);
        assert_eq!(s.signed_headers, "content-type;host;x-sdk-content-sha256;x-sdk-date");
        assert!(s.canonical_request.contains("\nx-sdk-content-sha256:UNSIGNED-PAYLOAD\n"));
        assert!(s.canonical_request.ends_with(&format!("\n{EMPTY_BODY_SHA256}")));
        assert_eq!(s.added_headers.get(1), Some(&("X-Sdk-Content-Sha256".to_owned(), "UNSIGNED-PAYLOAD".to_owned())));
        // Non-JSON with a body: the payload hash is the header's value.
        let s = sign_with("PUT", "/x", &[], &[("Content-Type", "application/octet-stream")], b"abc", &CREDS);
        assert!(s.canonical_request.starts_with("PUT\n"));
        assert!(s.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        // JSON (with parameters) and BSON: no header, body hashed.
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2 example).
        for ct in ["application/json", "application/json;charset=UTF-8", "application/bson"] {
            let s = sign_with("post", "/x", &[], &[("content-type", ct)], b"abc", &CREDS);
            assert_eq!(s.signed_headers, "content-type;host;x-sdk-date", "{ct}");
            assert!(s.canonical_request.starts_with("POST\n"));
            assert!(s.canonical_request.ends_with("\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
            assert_eq!(s.added_headers.len(), 2);
        }
        // No Content-Type at all: nothing added.
        let s = get("/x", &[], &[]);
        assert!(!s.signed_headers.contains("x-sdk-content-sha256"));
        // A caller-given X-Sdk-Content-Sha256 is kept, not duplicated.
        let s = sign_with("PUT", "/x", &[], &[("Content-Type", "text/plain"), ("x-sdk-content-sha256", "UNSIGNED-PAYLOAD")], b"abc", &CREDS);
        assert_eq!(s.signed_headers, "content-type;host;x-sdk-content-sha256;x-sdk-date");
        assert!(!s.added_headers.iter().any(|(k, _)| k == "X-Sdk-Content-Sha256"));
        assert!(s.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
    }

    #[test]
    fn host_not_duplicated() {
        let s = get("/x", &[], &[("HOST", " other.example.com:8443 ")]);
        assert_eq!(s.signed_headers, "host;x-sdk-date");
        assert!(s.canonical_request.contains("\nhost:other.example.com:8443\n"));
        assert!(!s.canonical_request.contains("evs.example.com"));
        assert!(!s.added_headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")));
        // Added from the input otherwise, port included, never returned.
        let q = Vec::new();
        let h = Vec::new();
        let s = sign_sdk_hmac(&SignInput { method: "GET", host: "127.0.0.1:8080", path: "/x", query: &q, headers: &h, body: b"" }, &CREDS, DATE);
        assert!(s.canonical_request.contains("\nhost:127.0.0.1:8080\n"));
        assert!(!s.added_headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")));
    }

    #[test]
    fn given_sdk_date_wins() {
        let s = get("/x", &[], &[("x-sdk-date", "20200101T000000Z")]);
        assert!(s.canonical_request.contains("\nx-sdk-date:20200101T000000Z\n"));
        assert!(!s.canonical_request.contains(DATE));
        assert!(s.string_to_sign.starts_with("SDK-HMAC-SHA256\n20200101T000000Z\n"));
        assert_eq!(s.added_headers.len(), 1);
        assert_eq!(s.added_headers.first().map(|(k, _)| k.as_str()), Some("Authorization"));
    }

    #[test]
    fn duplicate_header_names_later_wins() {
        let s = get("/x", &[], &[("X-Tag", "first"), ("x-tag", "second")]);
        assert_eq!(s.signed_headers, "host;x-sdk-date;x-tag");
        assert!(s.canonical_request.contains("\nx-tag:second\n"));
        assert!(!s.canonical_request.contains("first"));
    }

    #[test]
    fn callers_authorization_not_signed() {
        let s = get("/x", &[], &[("Authorization", "old")]);
        assert_eq!(s.signed_headers, "host;x-sdk-date");
    }

    #[test]
    fn security_token_header_added() {
        let creds = Credentials { access_key: "AK", secret_key: "SK", security_token: Some("tok+/=") };
        let s = sign_with("GET", "/x", &[], &[("X-Project-Id", "p")], b"", &creds);
        assert_eq!(s.signed_headers, "host;x-project-id;x-sdk-date;x-security-token");
        assert!(s.canonical_request.contains("\nx-security-token:tok+/=\n"));
        let names: Vec<&str> = s.added_headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["X-Sdk-Date", "X-Security-Token", "Authorization"]);
        assert_eq!(s.added_headers.get(1), Some(&("X-Security-Token".to_owned(), "tok+/=".to_owned())));
        // All three additions at once, in the documented order.
        let s = sign_with("GET", "/x", &[], &[("Content-Type", "text/plain")], b"", &creds);
        let names: Vec<&str> = s.added_headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["X-Sdk-Date", "X-Security-Token", "X-Sdk-Content-Sha256", "Authorization"]);
        // The caller's own token header is kept and not added again.
        let s = sign_with("GET", "/x", &[], &[("x-security-token", "mine")], b"", &creds);
        assert!(s.canonical_request.contains("\nx-security-token:mine\n"));
        assert!(!s.added_headers.iter().any(|(k, _)| k == "X-Security-Token"));
        // An empty token adds nothing.
        let empty = Credentials { security_token: Some(""), ..creds };
        let s = sign_with("GET", "/x", &[], &[], b"", &empty);
        assert_eq!(s.signed_headers, "host;x-sdk-date");
    }

    #[test]
    fn signature_is_the_rfc_4231_hmac_of_the_string_to_sign() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // FIPS 180-2 example: SHA-256("abc").
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        // And sign_sdk_hmac() keys the HMAC with the SK bytes over the string to sign.
        let creds = Credentials { access_key: "AK", secret_key: "Jefe", security_token: None };
        let s = sign_with("GET", "/x", &[], &[], b"", &creds);
        assert_eq!(s.signature, hmac_sha256_hex(b"Jefe", s.string_to_sign.as_bytes()));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let odd_paths = ["", "%", "/a/%", "/a/%4", "/%FF%FE/x", "/%C3", "/%E4%B8", "//", "/a//b/", "%zz", "中/%"];
        let odd_headers = [
            ("", ""),
            ("X-Ü", "ünïcödé 中文"),
            ("x-sdk-date", ""),
            ("Content-Type", ""),
            ("Content-Type", "\u{1c} text \u{3000}"),
            ("host", ""),
            ("_", "_"),
            ("X-Tag", "\u{85}\u{a0}"),
        ];
        let odd_query = [("", ""), ("%", "%zz"), ("中", "\u{0}"), ("k", "a b+c")];
        let keys = ["", "k", "中文ü\u{0}"];
        for path in odd_paths {
            for key in keys {
                let creds = Credentials { access_key: key, secret_key: key, security_token: Some(key) };
                for (method, body) in [("", &b""[..]), ("get", &b"\xff\x00"[..])] {
                    let q = pairs(&odd_query);
                    let h = pairs(&odd_headers);
                    let s = sign_sdk_hmac(&SignInput { method, host: "", path, query: &q, headers: &h, body }, &creds, "");
                    assert!(s.authorization.starts_with("SDK-HMAC-SHA256 Access="));
                    assert_eq!(s.signature.len(), 64);
                    assert_eq!(s.added_headers.last().map(|(k, _)| k.as_str()), Some("Authorization"));
                }
            }
        }
        // Invalid UTF-8 after decoding becomes U+FFFD (as Python's unquote).
        assert_eq!(canonical_uri("/%FF"), "/%EF%BF%BD/");
        assert_eq!(canonical_uri("/a/%"), "/a/%25/");
    }
}
