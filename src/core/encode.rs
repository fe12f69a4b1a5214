//! Percent-encoding as RFC 3986 and Huawei's signer want it.
//!
//! One rule everywhere: UTF-8 bytes, everything but the unreserved set
//! `A-Z a-z 0-9 - _ . ~` becomes `%XX` with upper-case hex. A space is `%20`,
//! never `+`. This is the encoding of path segments, query keys and query
//! values in the URL we send and in the canonical request we sign, so the two
//! can never disagree.

#[allow(unused_imports)]
use super::prelude::*;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[inline]
fn hex_digit(table: &[u8; 16], nibble: u8) -> char {
    char::from(table.get(usize::from(nibble & 0x0f)).copied().unwrap_or(b'0'))
}

/// True for the RFC 3986 unreserved bytes.
#[inline]
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends `s` to `out`, percent-encoding every byte that is not unreserved.
pub fn encode_into(s: &str, out: &mut String) {
    encode_bytes_into(s.as_bytes(), out);
}

/// Appends `bytes` to `out`, percent-encoding every byte that is not
/// unreserved.
pub fn encode_bytes_into(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(hex_digit(HEX, b >> 4));
            out.push(hex_digit(HEX, b & 0x0f));
        }
    }
}

/// `s` percent-encoded as one component.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    encode_into(s, &mut out);
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `s` into bytes. A `%` not followed by two hex digits is
/// kept as it is (as browsers and Python's `unquote` do). With `plus_is_space`
/// a `+` becomes a space (form encoding, as in the `href` of OpenStack's next
/// links); otherwise it stays `+`.
pub fn decode(s: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex_val),
                bytes.get(i + 2).copied().and_then(hex_val),
            ) {
                out.push((h << 4) | l);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    out
}

/// Percent-decodes `s` to a string, replacing invalid UTF-8 with U+FFFD.
pub fn decode_lossy(s: &str, plus_is_space: bool) -> String {
    utf8_lossy(&decode(s, plus_is_space))
}

/// `bytes` as UTF-8 with each invalid sequence replaced by U+FFFD, as
/// `String::from_utf8_lossy` does (and `TextDecoder`): built on
/// `str::from_utf8`, which the core links anyway.
pub fn utf8_lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match core::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let good = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
                out.push_str(core::str::from_utf8(good).unwrap_or(""));
                out.push('\u{FFFD}');
                match e.error_len() {
                    Some(n) => bytes = bytes.get(e.valid_up_to() + n..).unwrap_or(&[]),
                    None => return out,
                }
            }
        }
    }
}

/// Appends the lower-case hex form of `bytes` to `out`.
pub fn hex_lower_into(bytes: &[u8], out: &mut String) {
    const LOWER: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(hex_digit(LOWER, b >> 4));
        out.push(hex_digit(LOWER, b & 0x0f));
    }
}

/// `s.split_once(sep)` for an ASCII separator, by bytes (the standard
/// library's char searcher brings its own slicing panics along).
pub fn split2(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == sep)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `s.split(sep)` for an ASCII separator.
pub fn pieces(s: &str, sep: u8) -> Pieces<'_> {
    Pieces { rest: Some(s), sep }
}

pub struct Pieces<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match split2(rest, self.sep) {
            Some((piece, tail)) => {
                self.rest = Some(tail);
                Some(piece)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// The parts joined, with `sep` between them: one non-generic function for
/// the whole core (the standard library's `concat`/`join` are generic).
pub fn join(parts: &[&str], sep: &str) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + sep.len()).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(p);
    }
    out
}

/// The parts one after another.
pub fn cat(parts: &[&str]) -> String {
    join(parts, "")
}

/// Where `needle` first occurs in `hay` (byte offset). A plain search: the
/// needles are short (a secret, `<title`), and one small function serves
/// every caller instead of the standard library's two-way searcher.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// `s` with every occurrence of `needle` (non-empty) replaced by `with`.
pub fn replace_all(s: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = find(rest, needle).filter(|_| !needle.is_empty()) {
        out.push_str(rest.get(..i).unwrap_or(""));
        out.push_str(with);
        rest = rest.get(i + needle.len()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn lossy_like_the_standard_library() {
        let cases: [&[u8]; 9] =
            [b"", b"abc", b"\xff", b"a\xffb", b"\xe5\xbf", b"\xe5\xbf\xabx", b"\xf0\x90\x80", b"\xed\xa0\x80z", b"\xc0\xaf\xe0\x80\xbf"];
        for c in cases {
            assert_eq!(utf8_lossy(c), String::from_utf8_lossy(c), "{c:?}");
        }
        let mut seed: u32 = 7;
        for len in 0..400 {
            let v: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            assert_eq!(utf8_lossy(&v), String::from_utf8_lossy(&v));
        }
    }

    #[test]
    fn byte_splits_like_the_standard_library() {
        for s in ["", "a", "/", "a/b", "/a//b/", "快/照", "a?b?c"] {
            for sep in [b'/', b'?'] {
                let c = char::from(sep);
                assert_eq!(split2(s, sep), s.split_once(c), "{s} {c}");
                assert_eq!(pieces(s, sep).collect::<Vec<_>>(), s.split(c).collect::<Vec<_>>(), "{s} {c}");
            }
        }
    }

    #[test]
    fn cat_and_join() {
        assert_eq!(cat(&["a", "", "bc"]), "abc");
        assert_eq!(join(&["GET", "/", ""], "\n"), "GET\n/\n");
        assert_eq!(join(&[], "x"), "");
    }

    #[test]
    fn find_and_replace_all() {
        assert_eq!(find("http://h", "://"), Some(4));
        assert_eq!(find("abc", "abcd"), None);
        assert_eq!(find("aab", "ab"), Some(1));
        assert_eq!(find("x", ""), Some(0));
        assert_eq!(find("快照 <title>", "<title"), Some(7));
        assert_eq!(replace_all("tok tok-tok", "tok", "[r]"), "[r] [r]-[r]");
        assert_eq!(replace_all("aaaa", "aa", "a"), "aa");
        assert_eq!(replace_all("none here", "zz", "y"), "none here");
        assert_eq!(replace_all("abc", "", "y"), "abc");
    }

    use super::*;

    #[test]
    fn encodes_rfc3986() {
        // Expected values follow RFC 3986 §2.3 (unreserved) and the SIGNING.md
        // rule: space is %20, '+' is %2B, UTF-8 bytes for Chinese.
        assert_eq!(encode("my snapshot 1"), "my%20snapshot%201");
        assert_eq!(encode("a+b/c=d&e"), "a%2Bb%2Fc%3Dd%26e");
        assert_eq!(encode("~t*s%p"), "~t%2As%25p");
        assert_eq!(encode("快照"), "%E5%BF%AB%E7%85%A7");
        assert_eq!(encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn decodes() {
        assert_eq!(decode("a%20b+c", false), b"a b+c");
        assert_eq!(decode("a%20b+c", true), b"a b c");
        assert_eq!(decode("%zz%4", false), b"%zz%4");
        assert_eq!(decode("%E4%B8%AD", false), "中".as_bytes());
        assert_eq!(decode_lossy("%FF", false), "\u{FFFD}");
    }

    #[test]
    fn hex() {
        let mut s = String::new();
        hex_lower_into(&[0x00, 0xab, 0xff], &mut s);
        assert_eq!(s, "00abff");
    }
}
