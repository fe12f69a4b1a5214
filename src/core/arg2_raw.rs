//! The arguments as given: `ClientConfig`, `ListOptions`, `auth` and
//! `signRequest`'s `request`, as serde types of [`Input`] values. The shell
//! reads them from plain copies of the caller's objects (`src/wasm/args.rs`),
//! the fuzz targets and tests from JSON. Nothing is checked here: `arg4_config`
//! does that.
//!
//! An argument's stage 2 of 4 (the `core` module's docs); next, `arg3_input` reads each value.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::arg3_input::{lenient, Input, Lenient, ObjectOr};

/// The members of an `auth` object.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct AuthFields {
    #[serde(deserialize_with = "lenient")]
    token: Input,
    #[serde(deserialize_with = "lenient")]
    access_key: Input,
    #[serde(deserialize_with = "lenient")]
    secret_key: Input,
    #[serde(deserialize_with = "lenient")]
    security_token: Input,
}

impl<'de> Deserialize<'de> for RawAuth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match ObjectOr::<AuthFields>::deserialize(d)? {
            ObjectOr::Absent => RawAuth::Absent,
            ObjectOr::Not(t) => RawAuth::NotObject(t),
            ObjectOr::Object(a) => {
                RawAuth::Object { token: a.token, access_key: a.access_key, secret_key: a.secret_key, security_token: a.security_token }
            }
        })
    }
}

fn lenient_auth<'de, D: Deserializer<'de>>(d: D) -> Result<RawAuth, D::Error> {
    Ok(RawAuth::deserialize(d).unwrap_or(RawAuth::NotObject("a function or symbol")))
}

/// Headers as given: the pairs, in the order given, or the type name of
/// what stood there.
pub type RawHeaders = Result<Vec<(String, Input)>, &'static str>;

/// The members of a `headers` object, in the order given.
struct HeaderPairs(Vec<(String, Input)>);

impl<'de> Deserialize<'de> for HeaderPairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HeaderPairs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of header names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HeaderPairs, A::Error> {
                let mut out = Vec::new();
                while let Some((k, Lenient(v))) = map.next_entry::<String, Lenient>()? {
                    out.push((k, v));
                }
                Ok(HeaderPairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// `headers`: absent is no headers.
pub(crate) fn raw_headers<'de, D: Deserializer<'de>>(d: D) -> Result<RawHeaders, D::Error> {
    Ok(match ObjectOr::<HeaderPairs>::deserialize(d) {
        Ok(ObjectOr::Object(HeaderPairs(pairs))) => Ok(pairs),
        Ok(ObjectOr::Absent) => Ok(Vec::new()),
        Ok(ObjectOr::Not(t)) => Err(t),
        Err(_) => Err("a function or symbol"),
    })
}

/// The `auth` member as given.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RawAuth {
    /// `auth` was not given.
    #[default]
    Absent,
    /// `auth` was present but not an object.
    NotObject(&'static str),
    /// An object: its `token`, `accessKey`, `secretKey`, `securityToken`.
    Object {
        /// `token`.
        token: Input,
        /// `accessKey`.
        access_key: Input,
        /// `secretKey`.
        secret_key: Input,
        /// `securityToken`.
        security_token: Input,
    },
}

/// `ClientConfig` as given (its `fetch` and `signal` are the shell's).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RawConfig {
    /// `projectId`.
    #[serde(deserialize_with = "lenient")]
    pub project_id: Input,
    /// `endpoint`.
    #[serde(deserialize_with = "lenient")]
    pub endpoint: Input,
    /// `iamEndpoint`.
    #[serde(deserialize_with = "lenient")]
    pub iam_endpoint: Input,
    /// `region`.
    #[serde(deserialize_with = "lenient")]
    pub region: Input,
    /// `auth`.
    #[serde(deserialize_with = "lenient_auth")]
    pub auth: RawAuth,
    /// `Err(type)` when `headers` is present but not a plain object.
    #[serde(deserialize_with = "raw_headers")]
    pub headers: RawHeaders,
    /// `timeoutMs`.
    #[serde(deserialize_with = "lenient")]
    pub timeout_ms: Input,
    /// `maxAttempts`.
    #[serde(deserialize_with = "lenient")]
    pub max_attempts: Input,
    /// The page's origin (`location.origin`) when there is one: browsers and
    /// workers. Needed to resolve a path endpoint such as `/evs`. Set by the
    /// shell, never read from the caller's object.
    #[serde(skip)]
    pub page_origin: Option<String>,
}

impl Default for RawConfig {
    fn default() -> Self {
        RawConfig {
            project_id: Input::Absent,
            endpoint: Input::Absent,
            iam_endpoint: Input::Absent,
            region: Input::Absent,
            auth: RawAuth::Absent,
            headers: Ok(Vec::new()),
            timeout_ms: Input::Absent,
            max_attempts: Input::Absent,
            page_origin: None,
        }
    }
}

impl RawConfig {
    /// A config with nothing given.
    pub fn new() -> Self {
        Self::default()
    }
}

/// `ListOptions` as given.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RawListOptions {
    /// `marker`.
    #[serde(deserialize_with = "lenient")]
    pub marker: Input,
    /// `offset`.
    #[serde(deserialize_with = "lenient")]
    pub offset: Input,
    /// `limit`.
    #[serde(deserialize_with = "lenient")]
    pub limit: Input,
    /// `name`.
    #[serde(deserialize_with = "lenient")]
    pub name: Input,
    /// `status`.
    #[serde(deserialize_with = "lenient")]
    pub status: Input,
    /// `volumeId`.
    #[serde(deserialize_with = "lenient")]
    pub volume_id: Input,
}

/// `signRequest`'s `request` argument as given (its `body` is the
/// shell's: a string or bytes).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct RawSignRequest {
    /// `method`.
    #[serde(deserialize_with = "lenient")]
    pub method: Input,
    /// `url`.
    #[serde(deserialize_with = "lenient")]
    pub url: Input,
    /// `headers`: the pairs, or the type name of what stood there.
    #[serde(deserialize_with = "raw_headers")]
    pub headers: RawHeaders,
}

impl Default for RawSignRequest {
    fn default() -> Self {
        RawSignRequest { method: Input::Absent, url: Input::Absent, headers: Ok(Vec::new()) }
    }
}

/// A list as given (`failOn`): absent, its items (each read leniently), or
/// the type name of what stood there instead.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RawList {
    /// Not given.
    #[default]
    Absent,
    /// An array's items.
    Items(Vec<Input>),
    /// Something else: its type name.
    Not(&'static str),
}

impl<'de> Deserialize<'de> for RawList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawList, A::Error> {
                let mut out = Vec::new();
                while let Some(Lenient(v)) = seq.next_element::<Lenient>()? {
                    out.push(v);
                }
                Ok(RawList::Items(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawList, A::Error> {
                while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                Ok(RawList::Not("an object"))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<RawList, E> {
                Ok(RawList::Absent)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<RawList, E> {
                Ok(RawList::Absent)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawList, D::Error> {
                RawList::deserialize(d)
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<RawList, E> {
                Ok(RawList::Not("a boolean"))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<RawList, E> {
                Ok(RawList::Not("a number"))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<RawList, E> {
                Ok(RawList::Not("a number"))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<RawList, E> {
                Ok(RawList::Not("a number"))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<RawList, E> {
                Ok(RawList::Not("a string"))
            }
        }
        d.deserialize_any(V)
    }
}

/// [`RawList`], a function or symbol read as its type name.
fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<RawList, D::Error> {
    Ok(RawList::deserialize(d).unwrap_or(RawList::Not("a function or symbol")))
}

/// `waitForSnapshot`'s options as given (its `signal` and `onProgress` are
/// the shell's).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RawWaitOptions {
    /// `status`.
    #[serde(deserialize_with = "lenient")]
    pub status: Input,
    /// `failOn`.
    #[serde(deserialize_with = "lenient_list")]
    pub fail_on: RawList,
    /// `intervalMs`.
    #[serde(deserialize_with = "lenient")]
    pub interval_ms: Input,
    /// `timeoutMs`.
    #[serde(deserialize_with = "lenient")]
    pub timeout_ms: Input,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fmt;

    use serde::de::{Deserializer, Visitor};
    use serde::Deserialize;

    use super::*;
    use crate::core::arg1_shape::{Field, Shape, AUTH, CONFIG, CREDENTIALS, LIST_OPTIONS, SIGN_REQUEST, WAIT_OPTIONS};

    /// What [`Keys`] fails with, once it has the keys.
    #[derive(Debug)]
    struct Seen;

    impl fmt::Display for Seen {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("seen")
        }
    }

    impl std::error::Error for Seen {}

    impl serde::de::Error for Seen {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Seen
        }
    }

    /// A deserializer that only takes note of the keys serde's derive passes
    /// to `deserialize_struct` (its `FIELDS`: the keys the type reads, renames
    /// applied), then stops.
    struct Keys<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Keys<'_> {
        type Error = Seen;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Seen> {
            Err(Seen)
        }
        fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Seen> {
            *self.0 = fields;
            Err(Seen)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    /// The keys the serde type `T` reads.
    fn read_by<'de, T: Deserialize<'de>>() -> BTreeSet<&'static str> {
        let mut fields: &'static [&'static str] = &[];
        let _ = T::deserialize(Keys(&mut fields));
        fields.iter().copied().collect()
    }

    /// The keys of a shape the serde type reads: all but those kept for the
    /// shell ([`Shape::Kept`]: `fetch`, `signal`, a body, a hook).
    fn shape_keys(fields: &[Field]) -> BTreeSet<&'static str> {
        fields.iter().filter(|(_, s)| *s != Shape::Kept).map(|(k, _)| *k).collect()
    }

    /// Issue 29: the keys of each argument are written twice, in `arg1_shape`
    /// (which keys the shell copies; any other is refused) and here (which
    /// the serde types read). A key in `arg1_shape` only would be copied and then
    /// dropped by serde (a filter silently ignored: an unfiltered list); a
    /// key here only would be refused before it is read. They must agree.
    #[test]
    fn each_shape_holds_the_keys_its_serde_type_reads() {
        assert_eq!(read_by::<RawListOptions>(), shape_keys(LIST_OPTIONS), "ListOptions");
        assert_eq!(read_by::<RawConfig>(), shape_keys(CONFIG), "ClientConfig");
        assert_eq!(read_by::<AuthFields>(), shape_keys(AUTH), "auth");
        assert_eq!(read_by::<RawWaitOptions>(), shape_keys(WAIT_OPTIONS), "waitForSnapshot's options");
        assert_eq!(read_by::<RawSignRequest>(), shape_keys(SIGN_REQUEST), "signRequest's request");
        // signRequest's credentials are read as an `auth` (its token refused).
        let mut credentials = shape_keys(CREDENTIALS);
        credentials.insert("token");
        assert_eq!(read_by::<AuthFields>(), credentials, "signRequest's credentials");
        // The check itself sees keys: the list options' six, by their names.
        assert_eq!(read_by::<RawListOptions>().into_iter().collect::<Vec<_>>(), ["limit", "marker", "name", "offset", "status", "volumeId"]);
    }
}
