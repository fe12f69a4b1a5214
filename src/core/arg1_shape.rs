//! What each argument may hold (docs/contract.md "Keys"): the keys of
//! `ClientConfig`, `ListOptions`, `auth`, `signRequest`'s `request` and
//! `credentials`, and the error for any other key, with the key that was
//! probably meant (`volume_id` → `volumeId`, a top-level `token` → `auth`).
//!
//! The shell copies each argument into plain data by these shapes before
//! anything reads it (`src/wasm/args.rs`), so that a getter or Proxy that
//! throws is met once, in one place, and a misspelt filter never becomes an
//! unfiltered list.
//!
//! Each list here and the serde type that reads the copy (`arg2_raw`) must hold
//! the same keys (less the [`Shape::Kept`] ones, which the shell reads
//! itself): `arg2_raw`'s test `each_shape_holds_the_keys_its_serde_type_reads`
//! fails when they differ.
//!
//! An argument's stage 1 of 4 (the `core` module's docs); next, `arg2_raw` reads the copy.

use super::error::EvsError;

/// The shape of one value of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A string, number, boolean or absent value. Anything else in its
    /// place is copied only as its type (an empty object or array), for the
    /// error that names it.
    Value,
    /// An object of any keys to [`Shape::Value`]s (`headers`).
    Record,
    /// An array of [`Shape::Value`]s (`failOn`).
    List,
    /// An object with at most these keys.
    Object(&'static [Field]),
    /// Kept as the caller gave it, for the shell to read itself (`fetch`,
    /// `signal`, a body, a date).
    Kept,
}

/// One key of an [`Shape::Object`] and the shape of its value.
pub type Field = (&'static str, Shape);

/// `auth`: `{ token }` or `{ accessKey, secretKey, securityToken? }`.
pub const AUTH: &[Field] = &[("token", Shape::Value), ("accessKey", Shape::Value), ("secretKey", Shape::Value), ("securityToken", Shape::Value)];

/// `signRequest`'s `credentials`: a key pair.
pub const CREDENTIALS: &[Field] = &[("accessKey", Shape::Value), ("secretKey", Shape::Value), ("securityToken", Shape::Value)];

/// `ClientConfig`.
pub const CONFIG: &[Field] = &[
    ("projectId", Shape::Value),
    ("iamEndpoint", Shape::Value),
    ("endpoint", Shape::Value),
    ("region", Shape::Value),
    ("auth", Shape::Object(AUTH)),
    ("headers", Shape::Record),
    ("timeoutMs", Shape::Value),
    ("maxAttempts", Shape::Value),
    ("signal", Shape::Kept),
    ("fetch", Shape::Kept),
    ("onAttempt", Shape::Kept),
];

/// `ListOptions`.
pub const LIST_OPTIONS: &[Field] = &[
    ("marker", Shape::Value),
    ("offset", Shape::Value),
    ("limit", Shape::Value),
    ("name", Shape::Value),
    ("status", Shape::Value),
    ("volumeId", Shape::Value),
];

/// `waitForSnapshot`'s options.
pub const WAIT_OPTIONS: &[Field] = &[
    ("status", Shape::Value),
    ("failOn", Shape::List),
    ("intervalMs", Shape::Value),
    ("timeoutMs", Shape::Value),
    ("signal", Shape::Kept),
    ("onProgress", Shape::Kept),
];

/// `signRequest`'s `request`.
pub const SIGN_REQUEST: &[Field] = &[("method", Shape::Value), ("url", Shape::Value), ("headers", Shape::Record), ("body", Shape::Kept)];

/// The shape of `key` in `fields`, if it is one of them.
pub fn field(fields: &[Field], key: &str) -> Option<Shape> {
    fields.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
}

/// A key as compared for a hint: ASCII lower case (no Unicode case
/// tables for this), without `_` and `-`
/// (`volume_id`, `VolumeID` and `volume-id` all read `volumeid`).
fn folded(key: &str) -> String {
    key.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
}

/// Where an unknown key of `what` (`"config"`, `"options"`, `"config.auth"`,
/// …) probably belongs, as a sentence's end.
fn hint(what: &str, key: &str, fields: &[Field]) -> Option<String> {
    let f = folded(key);
    // The same name in another spelling.
    if let Some((k, _)) = fields.iter().find(|(k, _)| folded(k) == f) {
        return Some(format!("did you mean \"{k}\"?"));
    }
    let in_auth = |k: &str| AUTH.iter().any(|(a, _)| folded(a) == k);
    match (what, f.as_str()) {
        (_, "ak") => Some("did you mean \"accessKey\"?".into()),
        (_, "sk") => Some("did you mean \"secretKey\"?".into()),
        ("config", k) if in_auth(k) => Some("credentials go in auth: { token } or { accessKey, secretKey }".into()),
        ("config", k) if LIST_OPTIONS.iter().any(|(o, _)| folded(o) == k) => Some("it is a list option: pass it in listSnapshots's options".into()),
        ("credentials", "token") => Some("signRequest signs with a key pair: accessKey and secretKey".into()),
        ("options", k) if CONFIG.iter().any(|(c, _)| folded(c) == k) => Some("it belongs in the config, not the options".into()),
        _ => None,
    }
}

/// The `invalid_input` error for `key`, which `what` does not define.
/// The key is named (a key is a name, not a value, so it is no secret),
/// with the key that was meant when there is a likely one.
pub fn unknown_key(what: &str, key: &str, fields: &[Field]) -> EvsError {
    let mut shown: String = key.chars().take(64).collect();
    if shown.len() < key.len() {
        shown.push('…');
    }
    let shown: String = shown.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
    let allowed: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    let mut m = format!("{what} has an unknown key \"{shown}\"");
    match hint(what, key, fields) {
        Some(h) => {
            m.push_str(": ");
            m.push_str(&h);
        }
        None => {
            m.push_str(" (it takes ");
            m.push_str(&allowed.join(", "));
            m.push(')');
        }
    }
    EvsError::invalid_input(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorKind;

    fn message(what: &str, key: &str, fields: &[Field]) -> String {
        let e = unknown_key(what, key, fields);
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        e.message
    }

    #[test]
    fn unknown_keys_name_the_key_meant() {
        // The cases docs/contract.md "Keys" names.
        assert_eq!(message("options", "volume_id", LIST_OPTIONS), "options has an unknown key \"volume_id\": did you mean \"volumeId\"?");
        assert_eq!(
            message("config", "token", CONFIG),
            "config has an unknown key \"token\": credentials go in auth: { token } or { accessKey, secretKey }"
        );
        assert_eq!(
            message("config", "accessKey", CONFIG),
            "config has an unknown key \"accessKey\": credentials go in auth: { token } or { accessKey, secretKey }"
        );
        assert_eq!(message("config.auth", "ak", AUTH), "config.auth has an unknown key \"ak\": did you mean \"accessKey\"?");
        assert_eq!(message("config.auth", "sk", AUTH), "config.auth has an unknown key \"sk\": did you mean \"secretKey\"?");
        // Other spellings of a known key.
        assert_eq!(message("config", "project_id", CONFIG), "config has an unknown key \"project_id\": did you mean \"projectId\"?");
        assert_eq!(message("config", "timeout", CONFIG), "config has an unknown key \"timeout\" (it takes projectId, iamEndpoint, endpoint, region, auth, headers, timeoutMs, maxAttempts, signal, fetch, onAttempt)");
        assert_eq!(message("config.auth", "secret_key", AUTH), "config.auth has an unknown key \"secret_key\": did you mean \"secretKey\"?");
        // Arguments swapped between config and options.
        assert_eq!(
            message("config", "limit", CONFIG),
            "config has an unknown key \"limit\": it is a list option: pass it in listSnapshots's options"
        );
        assert_eq!(
            message("options", "projectId", LIST_OPTIONS),
            "options has an unknown key \"projectId\": it belongs in the config, not the options"
        );
        assert_eq!(
            message("credentials", "token", CREDENTIALS),
            "credentials has an unknown key \"token\": signRequest signs with a key pair: accessKey and secretKey"
        );
        // A long or odd key is shown short and on one line.
        let m = message("options", &format!("x\n{}", "y".repeat(100)), LIST_OPTIONS);
        assert!(m.starts_with("options has an unknown key \"x\u{fffd}yyy") && m.contains("y…\""), "{m}");
        assert_eq!(field(CONFIG, "signal"), Some(Shape::Kept));
        assert_eq!(field(CONFIG, "volumeId"), None);
    }
}
