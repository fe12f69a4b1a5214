//! The wire: a snapshot as EVS sends it (docs/evs-api.md ("Show one snapshot", "List snapshots", "Snapshot fields")), in serde types that
//! tolerate every quirk (docs/contract.md "Other wire data"): only a snapshot
//! without a string `id` or a readable `size` fails; any other field of an
//! unexpected JSON type is coerced (`name: 7` → `"7"`, an object there →
//! `""`, a non-string `description` or timestamp → `null`, metadata values
//! through JavaScript's `String()`), and an unreadable `progress` is left
//! out. Then checked and normalised into the [`Snapshot`] of `model`.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::arg3_input::{Input, ObjectOr, MAX_SAFE_INTEGER};
use super::model::{Metadata, Snapshot};
use super::time::normalize_timestamp;

/// `name`, `status`, `volume_id`: a string as it is; a number or boolean as
/// its JSON text; `null`, absent, an object or an array as `""`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Input::deserialize(d)? {
        Input::Str(s) => s,
        Input::Num(n) => js_number(n),
        Input::Bool(b) => b.to_string(),
        Input::Absent | Input::Other(_) => String::new(),
    })
}

/// `description`, `created_at`, `updated_at`: a string, else `None`.
fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Input::deserialize(d)? {
        Input::Str(s) => Some(s),
        _ => None,
    })
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Metadata;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a metadata object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Metadata, A::Error> {
                let mut out = Metadata::default();
                let mut index = std::collections::BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.set(k, js_string(&v), &mut index);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// `metadata`: an object's values through `String()`; anything else `{}`.
fn metadata<'de, D: Deserializer<'de>>(d: D) -> Result<Metadata, D::Error> {
    Ok(match ObjectOr::<Metadata>::deserialize(d)? {
        ObjectOr::Object(m) => m,
        ObjectOr::Absent | ObjectOr::Not(_) => Metadata::default(),
    })
}

/// A snapshot as the wire carries it (docs/evs-api.md ("Show one snapshot", "List snapshots", "Snapshot fields")). A field named twice
/// counts once, with its last value, as `JSON.parse` reads it (serde's
/// derived reader would refuse the object), so it is read by hand below.
#[derive(Default)]
pub(crate) struct WireSnapshot {
    id: Input,
    name: String,
    description: Option<String>,
    status: String,
    size: Input,
    volume_id: String,
    created_at: Option<String>,
    /// As the list page and the samples spell it.
    updated_at: Option<String>,
    /// As the show page's field table spells it.
    update_at: Option<String>,
    metadata: Metadata,
    project_id: Option<String>,
    progress: Input,
}

/// The members of a snapshot object this reader knows.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum SnapshotField {
    Id,
    Name,
    Description,
    Status,
    Size,
    VolumeId,
    CreatedAt,
    UpdatedAt,
    UpdateAt,
    Metadata,
    #[serde(rename = "os-extended-snapshot-attributes:project_id")]
    ProjectId,
    #[serde(rename = "os-extended-snapshot-attributes:progress")]
    Progress,
    #[serde(other)]
    Other,
}

/// [`text`] as a type, for a value read by hand.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text(d).map(Text)
    }
}

/// [`opt_text`] as a type.
struct OptText(Option<String>);

impl<'de> Deserialize<'de> for OptText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_text(d).map(OptText)
    }
}

/// [`metadata`] as a type.
struct AnyMetadata(Metadata);

impl<'de> Deserialize<'de> for AnyMetadata {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        metadata(d).map(AnyMetadata)
    }
}

impl<'de> Deserialize<'de> for WireSnapshot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireSnapshot;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a snapshot object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireSnapshot, A::Error> {
                let mut w = WireSnapshot::default();
                while let Some(field) = map.next_key::<SnapshotField>()? {
                    match field {
                        SnapshotField::Id => w.id = map.next_value()?,
                        SnapshotField::Name => w.name = map.next_value::<Text>()?.0,
                        SnapshotField::Description => w.description = map.next_value::<OptText>()?.0,
                        SnapshotField::Status => w.status = map.next_value::<Text>()?.0,
                        SnapshotField::Size => w.size = map.next_value()?,
                        SnapshotField::VolumeId => w.volume_id = map.next_value::<Text>()?.0,
                        SnapshotField::CreatedAt => w.created_at = map.next_value::<OptText>()?.0,
                        SnapshotField::UpdatedAt => w.updated_at = map.next_value::<OptText>()?.0,
                        SnapshotField::UpdateAt => w.update_at = map.next_value::<OptText>()?.0,
                        SnapshotField::Metadata => w.metadata = map.next_value::<AnyMetadata>()?.0,
                        SnapshotField::ProjectId => w.project_id = map.next_value::<OptText>()?.0,
                        SnapshotField::Progress => w.progress = map.next_value()?,
                        SnapshotField::Other => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(w)
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a JSON object with a \"snapshot\" member")]
pub(crate) struct ShowBody {
    #[serde(default)]
    pub(crate) snapshot: Option<WireSnapshot>,
}

#[derive(Deserialize)]
#[serde(expecting = "a JSON object with a \"snapshots\" member")]
pub(crate) struct ListBody {
    #[serde(default)]
    pub(crate) snapshots: Option<Vec<WireSnapshot>>,
    #[serde(default)]
    pub(crate) snapshots_links: Option<Vec<Link>>,
}

/// One of `snapshots_links`: `{"href": ..., "rel": "next"}`.
#[derive(Deserialize)]
#[serde(expecting = "a link object")]
pub(crate) struct Link {
    #[serde(default)]
    pub(crate) href: Input,
    #[serde(default)]
    pub(crate) rel: Input,
}

/// A numeric string as a number, read by serde_json as a JSON number
/// (leading zeros allowed, as in `"007"`): `None` for anything else.
fn numeric(s: &str) -> Option<f64> {
    let t = s.trim();
    let (sign, digits) = t.strip_prefix('-').map_or(("", t), |d| ("-", d));
    // JSON takes one leading zero only: "007" → "7", "00.5" → "0.5".
    let rest = digits.trim_start_matches('0');
    let digits = if rest.len() < digits.len() && !rest.starts_with(|c: char| c.is_ascii_digit()) {
        digits.get(digits.len() - rest.len() - 1..)?
    } else {
        rest
    };
    serde_json::from_str::<f64>(&format!("{sign}{digits}")).ok()
}

/// `size`: a whole number of GB from 0 to 2^53 − 1, from a JSON number or a
/// numeric string.
fn size(v: &Input) -> Option<u64> {
    let n = match v {
        Input::Num(n) => *n,
        Input::Str(s) => numeric(s)?,
        _ => return None,
    };
    (n.is_finite() && (0.0..=MAX_SAFE_INTEGER).contains(&n) && n.fract() == 0.0).then_some(n as u64)
}

/// `progress`: `"100%"`, `"37%"`, `"12.5%"` or a number, within 0..=100.
fn progress(v: &Input) -> Option<f64> {
    let n = match v {
        Input::Num(n) => *n,
        Input::Str(s) => {
            let t = s.trim();
            numeric(t.strip_suffix('%').unwrap_or(t))?
        }
        _ => return None,
    };
    (n.is_finite() && (0.0..=100.0).contains(&n)).then_some(n)
}

/// A wire snapshot checked and normalised; the error is a message for
/// `invalid_response`.
pub(crate) fn snapshot(w: WireSnapshot) -> Result<Snapshot, String> {
    let id = match w.id {
        Input::Str(s) if !s.is_empty() => s,
        Input::Str(_) => return Err("the snapshot id is empty".into()),
        Input::Absent => return Err("the snapshot has no id".into()),
        other => return Err(format!("the snapshot id is {}, not a string", other.type_name())),
    };
    let Some(size) = size(&w.size) else {
        return Err(format!("snapshot \"{id}\" has no readable size (a whole number of GB was expected)"));
    };
    // A timestamp is normalised when readable, else passed through as it
    // came, never guessed.
    let time = |t: Option<String>| t.map(|s| normalize_timestamp(&s).unwrap_or(s));
    Ok(Snapshot {
        id,
        name: w.name,
        description: w.description,
        status: w.status,
        size,
        volume_id: w.volume_id,
        created_at: time(w.created_at),
        updated_at: time(w.updated_at.or(w.update_at)),
        metadata: w.metadata,
        project_id: w.project_id,
        progress: progress(&w.progress),
    })
}

// --- String() ------------------------------------------------------------------

/// ECMAScript `Number::toString(n)`: the shortest digits that round-trip
/// (the standard library's `{:e}`), laid out as ECMA-262 §6.1.6.1.20 says.
pub fn js_number(n: f64) -> String {
    if n == 0.0 {
        return "0".into();
    }
    if !n.is_finite() {
        return if n.is_nan() {
            "NaN"
        } else if n > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .into();
    }
    let shortest = format!("{:e}", n.abs());
    // "d.ddde±x": take the digits and the position of the decimal point
    // (value = 0.DIGITS × 10^point).
    let (mantissa, exp) = match shortest.split_once('e') {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (shortest.as_str(), 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let lead = all.bytes().take_while(|&b| b == b'0').count();
    let digits = all.get(lead..).unwrap_or("").trim_end_matches('0');
    let k = digits.len() as i64;
    let p = int.len() as i64 + exp - lead as i64;
    let mut s = String::with_capacity(24);
    if n < 0.0 {
        s.push('-');
    }
    if k <= p && p <= 21 {
        s.push_str(digits);
        s.extend(std::iter::repeat('0').take((p - k) as usize));
    } else if 0 < p && p <= 21 {
        let (a, b) = digits.split_at(p as usize);
        s.push_str(a);
        s.push('.');
        s.push_str(b);
    } else if -6 < p && p <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat('0').take((-p) as usize));
        s.push_str(digits);
    } else {
        let (a, b) = digits.split_at(1.min(digits.len()));
        s.push_str(a);
        if !b.is_empty() {
            s.push('.');
            s.push_str(b);
        }
        s.push_str(&format!("e{}{}", if p > 0 { '+' } else { '-' }, (p - 1).unsigned_abs()));
    }
    s
}

/// `String(value)` as JavaScript gives it for a JSON value, for metadata
/// values that are not strings. An integer beyond what a JavaScript number
/// holds exactly keeps its JSON text.
pub(crate) fn js_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (_, Some(i), _) => i.to_string(),
            (_, _, Some(f)) => js_number(f),
            _ => String::new(),
        },
        // Array.prototype.join: null (and undefined) become "".
        Value::Array(items) => items.iter().map(|i| if i.is_null() { String::new() } else { js_string(i) }).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_number_is_ecmascript_number_to_string() {
        // Each expected value is what String(n) gives in Node 20.
        for (n, want) in [
            (1.5, "1.5"),
            (100.0, "100"),
            (-2.0, "-2"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123.456, "123.456"),
            (-1.25e300, "-1.25e+300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.0, "0"),
            (-0.0, "0"),
            (2.5e21, "2.5e+21"),
        ] {
            assert_eq!(js_number(n), want, "{n}");
        }
    }
}
