//! Loosely typed values, as a caller or the wire gives them: [`Input`] (a
//! string, number, boolean, absent, or the type name of anything else),
//! `ObjectOr` (an object, absent, or the type name of what stood there)
//! and `lenient` (a caller's function or symbol read as its type name);
//! and [`check_id`], the one-path-segment rule of an ID (a snapshot's, a
//! project's, IAM's), which every stage after this one uses.
//! The arguments (`arg2_raw`) and the wire (`wire`) both read through these.
//!
//! An argument's stage 3 of 4 (the `core` module's docs); next, `arg4_config` checks the values.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, value::MapAccessDeserializer, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::error::EvsError;

/// Largest whole number a JavaScript number holds exactly (2^53 − 1).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A value as the caller gave it, before checking. The wasm layer makes these
/// from JS values; `undefined` and `null` are both `Absent`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Input {
    /// `undefined`, `null`, or not given.
    #[default]
    Absent,
    /// A string.
    Str(String),
    /// A number (a BigInt too, where it fits).
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// Anything else; the JS type name ("object", "function", "bigint", …).
    Other(&'static str),
}

impl Input {
    /// The value's type, as messages name it ("a string", "an object", …).
    pub fn type_name(&self) -> &'static str {
        match self {
            Input::Absent => "undefined",
            Input::Str(_) => "a string",
            Input::Num(_) => "a number",
            Input::Bool(_) => "a boolean",
            Input::Other(t) => t,
        }
    }
}

impl From<&str> for Input {
    fn from(s: &str) -> Self {
        Input::Str(s.to_string())
    }
}

impl From<f64> for Input {
    fn from(n: f64) -> Self {
        Input::Num(n)
    }
}

/// An ID that must be one path segment: a non-empty string without `/`, `?`,
/// `#` or control characters, and not `.` or `..`.
///
/// # Errors
/// `invalid_input` naming `field` otherwise.
pub fn check_id(field: &str, v: &Input) -> Result<String, EvsError> {
    let s = match v {
        Input::Str(s) => s,
        Input::Absent => return Err(EvsError::field(field, "is required")),
        other => return Err(EvsError::wrong_type(field, "a string", other.type_name())),
    };
    if s.is_empty() {
        return Err(EvsError::field(field, "must not be empty"));
    }
    if s == "." || s == ".." {
        return Err(EvsError::field(field, "must not be '.' or '..'"));
    }
    if s.contains(['/', '?', '#']) {
        return Err(EvsError::field(field, "must be a single path segment (no '/', '?' or '#')"));
    }
    if s.chars().any(char::is_control) {
        return Err(EvsError::field(field, "must not contain control characters"));
    }
    Ok(s.clone())
}

/// Reads any self-describing value: a string, number or boolean as itself,
/// `null`/`undefined`/absent as [`Input::Absent`], an object or array as
/// [`Input::Other`] (its content skipped).
struct InputVisitor;

impl<'de> Visitor<'de> for InputVisitor {
    type Value = Input;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Input, E> {
        Ok(Input::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Input, E> {
        Ok(Input::Num(n as f64))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Input, E> {
        Ok(Input::Num(n as f64))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Input, E> {
        Ok(Input::Num(n))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Input, E> {
        Ok(Input::Str(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Input, E> {
        Ok(Input::Str(s))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Input, E> {
        Ok(Input::Other("a byte array"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Input, E> {
        Ok(Input::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Input, E> {
        Ok(Input::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Input, D::Error> {
        Input::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Input, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Input::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Input, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Input::Other("an object"))
    }
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(InputVisitor)
    }
}

/// A value that ought to be an object (`auth`, `headers`, a snapshot's
/// `metadata`): the object read as `T`, absent (`null`, `undefined`), or the
/// type name of what stood there instead, named as [`Input::type_name`]
/// names it.
pub(crate) enum ObjectOr<T> {
    Absent,
    Object(T),
    Not(&'static str),
}

impl<T> From<Input> for ObjectOr<T> {
    fn from(v: Input) -> Self {
        match v {
            Input::Absent => ObjectOr::Absent,
            other => ObjectOr::Not(other.type_name()),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ObjectOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(ObjectOr::Object)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                ObjectOr::deserialize(d)
            }
            // Anything else is read as an Input, for its type name.
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
                InputVisitor.visit_bool(b).map(ObjectOr::from)
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                InputVisitor.visit_i64(n).map(ObjectOr::from)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                InputVisitor.visit_u64(n).map(ObjectOr::from)
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
                InputVisitor.visit_f64(n).map(ObjectOr::from)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                InputVisitor.visit_str(s).map(ObjectOr::from)
            }
            fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<Self::Value, E> {
                InputVisitor.visit_bytes(b).map(ObjectOr::from)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                InputVisitor.visit_unit().map(ObjectOr::from)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                InputVisitor.visit_none().map(ObjectOr::from)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                InputVisitor.visit_seq(seq).map(ObjectOr::from)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A caller's value that no serde format describes as data (a JavaScript
/// function or symbol, through serde-wasm-bindgen) reads as
/// `Other("a function or symbol")`, so that validation names the field
/// instead of failing the whole argument. Only for the caller's arguments,
/// whose fields are read one by one; wire bodies use [`Input`] as it is.
pub(crate) fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Input, D::Error> {
    Ok(Input::deserialize(d).unwrap_or(Input::Other("a function or symbol")))
}

/// [`lenient`] as a type, for map values.
pub(crate) struct Lenient(pub(crate) Input);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient(d).map(Lenient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorKind;

    fn invalid_id(r: Result<String, EvsError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        e.message
    }

    #[test]
    fn ids() {
        assert_eq!(check_id("snapshotId", &"abc-1".into()).unwrap(), "abc-1");
        assert_eq!(check_id("snapshotId", &"snap s%".into()).unwrap(), "snap s%");
        for bad in ["", ".", "..", "a/b", "a?b", "a#b", "a\nb", "a\u{7f}", "\u{0}"] {
            invalid_id(check_id("snapshotId", &bad.into()));
        }
        assert_eq!(invalid_id(check_id("snapshotId", &Input::Absent)), "snapshotId is required");
        assert_eq!(invalid_id(check_id("snapshotId", &Input::Num(5.0))), "snapshotId must be a string, not a number");
        invalid_id(check_id("projectId", &Input::Other("object")));
    }
}
