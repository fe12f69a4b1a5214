//! Where requests go: the `endpoint` (an `http:`/`https:` URL, or in a
//! browser a path on the page's origin) or the `region`, checked into an
//! [`Endpoint`] (docs/contract.md "Invalid input").

use percent_encoding::utf8_percent_encode;

use super::arg3_input::Input;
use super::encode::PATH;
use super::error::EvsError;

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// `host[:port]` as the `Host` header carries it: lower case, default
    /// port left out.
    pub host: String,
    /// Path prefix without a trailing `/` (`""` or `/evs`), percent-encoded.
    pub path_prefix: String,
}

fn is_region(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Percent-encodes what may not stand in a path, keeping existing `%XX`.
fn clean_path(p: &str) -> String {
    utf8_percent_encode(p, PATH).to_string()
}

/// Parses `scheme://authority/path` for an endpoint.
///
/// # Errors
/// `invalid_input` naming `field` for anything but an `http:`/`https:` URL
/// with a host, no user info, no query or fragment, and a valid port.
pub fn parse_absolute(url: &str, field: &str) -> Result<Endpoint, EvsError> {
    let bad = |why: &str| EvsError::field(field, why);
    let split = url.split_once("://");
    let (scheme, rest) = match split {
        Some((s, r)) if s.eq_ignore_ascii_case("https") => ("https", r),
        Some((s, r)) if s.eq_ignore_ascii_case("http") => ("http", r),
        // An endpoint may also be a path in a page; signRequest's url may not.
        _ if field == "url" => return Err(bad("must be an absolute http: or https: URL")),
        _ => return Err(bad("must be an http: or https: URL, or a path beginning with '/'")),
    };
    let (authority, path) = match rest.bytes().position(|b| b == b'/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    if authority.bytes().any(|b| b == b'@') {
        return Err(bad("must not carry user information (put credentials in auth)"));
    }
    if authority.is_empty() {
        return Err(bad("has no host"));
    }
    if !authority.is_ascii() {
        return Err(bad("host must be ASCII (use its punycode form)"));
    }
    let authority = authority.to_ascii_lowercase();
    // Split host and port; an IPv6 literal keeps its brackets.
    let (host, port) = if authority.starts_with('[') {
        match authority.bytes().position(|b| b == b']') {
            Some(i) => {
                let host = authority.get(..i + 1).unwrap_or("");
                match authority.get(i + 1..).unwrap_or("") {
                    "" => (host, None),
                    p if p.starts_with(':') => (host, Some(p.get(1..).unwrap_or(""))),
                    _ => return Err(bad("has an invalid host")),
                }
            }
            None => return Err(bad("has an invalid host")),
        }
    } else {
        match authority.bytes().rposition(|b| b == b':') {
            Some(i) => (authority.get(..i).unwrap_or(""), authority.get(i + 1..)),
            None => (authority.as_str(), None),
        }
    };
    let host_ok =
        !host.is_empty() && (host.starts_with('[') || host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'));
    if !host_ok {
        return Err(bad("has an invalid host"));
    }
    let port = match port {
        None | Some("") => None,
        Some(p) if p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => match p.parse::<u32>() {
            Ok(n) if n <= 65_535 => Some(n),
            _ => return Err(bad("has an invalid port")),
        },
        Some(_) => return Err(bad("has an invalid port")),
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    let host_header = match port.filter(|&p| p != default_port) {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    Ok(Endpoint { scheme, host: host_header, path_prefix: clean_path(path.trim_end_matches('/')) })
}

/// An `http:`/`https:` URL, or in a browser a path on the page's origin
/// (a same-origin proxy such as `/evs`), as an [`Endpoint`]; `field` names
/// it in messages (`endpoint`, `iamEndpoint`).
///
/// # Errors
/// `invalid_input` naming `field` for anything else, or for a path where
/// there is no page to resolve it against.
pub fn url_or_path(field: &str, e: &str, page_origin: Option<&str>) -> Result<Endpoint, EvsError> {
    if e.contains(['?', '#']) {
        return Err(EvsError::field(field, "must not have a query or fragment"));
    }
    if e.chars().any(|c| c.is_control() || c == ' ') {
        return Err(EvsError::field(field, "must not contain spaces or control characters"));
    }
    if e.starts_with("//") {
        return Err(EvsError::field(field, "must be an http: or https: URL, or a path beginning with a single '/'"));
    }
    if e.starts_with('/') {
        let Some(origin) = page_origin else {
            return Err(EvsError::field(
                field,
                "is a path, but there is no page to resolve it against (outside a browser use an http: or https: URL)",
            ));
        };
        let mut ep = parse_absolute(origin, field).map_err(|_| EvsError::field(field, "is a path, but the page's origin is not http: or https:"))?;
        ep.path_prefix = clean_path(e.trim_end_matches('/'));
        return Ok(ep);
    }
    parse_absolute(e, field)
}

/// A checked `region`, when given.
///
/// # Errors
/// `invalid_input` for a region that is not lower-case letters, digits and
/// `-`, or not a string.
pub fn check_region(region: &Input) -> Result<Option<&str>, EvsError> {
    match region {
        Input::Absent => Ok(None),
        Input::Str(r) if is_region(r) => Ok(Some(r)),
        Input::Str(_) => Err(EvsError::field("region", "must be lower-case letters, digits and '-' (e.g. \"ap-southeast-1\")")),
        other => Err(EvsError::wrong_type("region", "a string", other.type_name())),
    }
}

/// Resolves `endpoint` / `region` to where requests go.
///
/// # Errors
/// `invalid_input` when neither is given, or the one given is not valid
/// (a path endpoint with no page to resolve it against included).
pub fn check_endpoint(endpoint: &Input, region: &Input, page_origin: Option<&str>) -> Result<Endpoint, EvsError> {
    match endpoint {
        Input::Str(e) => url_or_path("endpoint", e, page_origin),
        Input::Absent => match check_region(region)? {
            Some(r) => Ok(Endpoint { scheme: "https", host: format!("evs.{r}.myhuaweicloud.com"), path_prefix: String::new() }),
            // The variables configFromEnv reads them from (issue 27 §4).
            None => Err(EvsError::invalid_input(
                "either endpoint or region is required (from the environment: EVS_SNAPSHOTS_ENDPOINT or HUAWEICLOUD_SDK_REGION)",
            )),
        },
        other => Err(EvsError::wrong_type("endpoint", "a string", other.type_name())),
    }
}
