//! The caller's JavaScript values in, plain objects out: the only place
//! where arguments are read (serde-wasm-bindgen into the core's
//! `#[derive(Deserialize)]` types) and results and errors are written
//! (`Serializer::json_compatible()`: plain objects, `null` for `None`).

use js_sys::{Function, Reflect};
use serde::{Deserialize, Serialize};
use serde_wasm_bindgen::{Deserializer, Serializer};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::core::config::{Input, RawConfig};
use crate::core::error::EvsError;

/// How a call sends: the global `fetch` (called with the global object as
/// `this`, as browsers require and as reqwest's wasm backend binds it), or
/// the caller's.
#[derive(Clone)]
pub enum Fetch {
    Global(Function),
    Custom(Function),
}

/// A `ClientConfig` as read: the core's part, and the shell's (`fetch`,
/// `signal`).
#[derive(Clone)]
pub struct Context {
    pub raw: RawConfig,
    pub fetch: Fetch,
    pub signal: Option<AbortSignal>,
}

/// `typeof`-style name of a value, for messages ("a string", "null", ...).
pub fn type_name(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if js_sys::Array::is_array(v) {
        "an array"
    } else if v.is_string() {
        "a string"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if v.is_function() {
        "a function"
    } else if v.is_symbol() {
        "a symbol"
    } else if v.is_bigint() {
        "a bigint"
    } else {
        "an object"
    }
}

/// A plain object (not `null`, an array or a function)?
pub fn is_object(v: &JsValue) -> bool {
    v.is_object() && !js_sys::Array::is_array(v)
}

fn not_object(field: &str, v: &JsValue) -> EvsError {
    EvsError::invalid_input(format!("{field} must be an object, not {}", type_name(v)))
}

/// `obj[key]`; a getter or proxy that throws reads as absent.
pub fn member(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// One scalar argument (`snapshotId`).
pub fn input(v: &JsValue) -> Input {
    Input::deserialize(Deserializer::from(v.clone())).unwrap_or(Input::Other(type_name(v)))
}

/// A `Deserialize` type from an object argument named `field`; `null` and
/// `undefined` give the type's default.
pub fn object<T: for<'de> Deserialize<'de> + Default>(field: &str, v: &JsValue) -> Result<T, EvsError> {
    if v.is_null() || v.is_undefined() {
        return Ok(T::default());
    }
    if !is_object(v) {
        return Err(not_object(field, v));
    }
    T::deserialize(Deserializer::from(v.clone())).map_err(|e| EvsError::invalid_input(format!("{field}: {e}")))
}

/// The page's origin (`location.origin`) in browsers and workers, for path
/// endpoints such as `/evs`.
fn page_origin() -> Option<String> {
    let location = member(&js_sys::global(), "location");
    if !is_object(&location) {
        return None;
    }
    let protocol = member(&location, "protocol").as_string()?;
    (protocol == "http:" || protocol == "https:").then(|| member(&location, "origin").as_string()).flatten()
}

/// Reads a `ClientConfig`: the core checks its data later; `fetch` and
/// `signal` are checked here.
pub fn context(config: &JsValue) -> Result<Context, EvsError> {
    if !is_object(config) {
        return Err(not_object("config", config));
    }
    let mut raw: RawConfig =
        RawConfig::deserialize(Deserializer::from(config.clone())).map_err(|e| EvsError::invalid_input(format!("config: {e}")))?;
    raw.page_origin = page_origin();
    let fetch = match member(config, "fetch") {
        f if f.is_null() || f.is_undefined() => match member(&js_sys::global(), "fetch") {
            g if g.is_function() => Fetch::Global(g.unchecked_into()),
            _ => {
                return Err(EvsError::invalid_input(
                    "there is no global fetch here: pass one as config.fetch (Node 18 or later has one)",
                ))
            }
        },
        f if f.is_function() => Fetch::Custom(f.unchecked_into()),
        f => return Err(EvsError::invalid_input(format!("fetch must be a function, not {}", type_name(&f)))),
    };
    let signal = match member(config, "signal") {
        s if s.is_null() || s.is_undefined() => None,
        // Duck-typed, so that a polyfilled or cross-realm signal works.
        s if is_object(&s) && member(&s, "aborted").as_bool().is_some() && member(&s, "addEventListener").is_function() => {
            Some(s.unchecked_into())
        }
        s => return Err(EvsError::invalid_input(format!("signal must be an AbortSignal, not {}", type_name(&s)))),
    };
    Ok(Context { raw, fetch, signal })
}

/// A result as a plain object.
pub fn output<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&Serializer::json_compatible())
        .map_err(|e| error(&EvsError::invalid_response(format!("internal: the result could not be converted: {e}"))))
}

/// An error as the plain object the JS entry turns into an `EvsError`.
pub fn error(e: &EvsError) -> JsValue {
    e.view().serialize(&Serializer::json_compatible()).unwrap_or_else(|_| JsValue::from_str(&e.message))
}
