//! Percent-encoding as RFC 3986 and Huawei's signer want it, on the
//! `percent-encoding` crate.
//!
//! One rule everywhere: UTF-8 bytes, everything but the unreserved set
//! `A-Z a-z 0-9 - _ . ~` becomes `%XX` with upper-case hex. A space is `%20`,
//! never `+`. This is the encoding of path segments, query keys and query
//! values in the URL we send and in the canonical request we sign, so the two
//! can never disagree.

use percent_encoding::{percent_decode, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte but RFC 3986's unreserved ones is encoded.
pub const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// What may stand unencoded in a path we are given (RFC 3986 `pchar`, `/`,
/// and `%` so that existing escapes are kept).
pub const PATH: &AsciiSet = &COMPONENT
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'%');

/// Appends `s` to `out`, percent-encoding every byte that is not unreserved.
pub fn encode_into(s: &str, out: &mut String) {
    out.extend(utf8_percent_encode(s, COMPONENT));
}

/// `s` percent-encoded as one component.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// Percent-decodes `s` into bytes. A `%` not followed by two hex digits is
/// kept as it is (as browsers and Python's `unquote` do). With `plus_is_space`
/// a `+` becomes a space first (form encoding, as in the `href` of
/// OpenStack's next links); otherwise it stays `+`.
pub fn decode(s: &str, plus_is_space: bool) -> Vec<u8> {
    if plus_is_space && s.contains('+') {
        percent_decode(s.replace('+', " ").as_bytes()).collect()
    } else {
        percent_decode(s.as_bytes()).collect()
    }
}

/// Percent-decodes `s` to a string, replacing invalid UTF-8 with U+FFFD.
pub fn decode_lossy(s: &str, plus_is_space: bool) -> String {
    String::from_utf8_lossy(&decode(s, plus_is_space)).into_owned()
}

/// The lower-case hex form of `bytes`.
pub fn hex_lower(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc3986() {
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode("a b+c&d=e%f/快"), "a%20b%2Bc%26d%3De%25f%2F%E5%BF%AB");
        assert_eq!(encode("*!'()"), "%2A%21%27%28%29");
        assert_eq!(utf8_percent_encode("/a b/%41ü", PATH).to_string(), "/a%20b/%41%C3%BC");
    }

    #[test]
    fn decodes() {
        assert_eq!(decode("a%20b+c", false), b"a b+c");
        assert_eq!(decode("a%20b+c", true), b"a b c");
        assert_eq!(decode("100%", false), b"100%");
        assert_eq!(decode("%zz%4", false), b"%zz%4");
        assert_eq!(decode_lossy("%FF", false), "\u{FFFD}");
    }

    #[test]
    fn hex() {
        assert_eq!(hex_lower(&[0, 0xab, 0x10, 0xff]), "00ab10ff");
    }
}
