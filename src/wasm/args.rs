//! The caller's JavaScript values in, plain objects out: the only place
//! where arguments are read (every export's, `signRequest`'s body, date and
//! credentials included) and results and errors are written.
//!
//! **No JavaScript exception unwinds through a wasm frame** (it would leave
//! the call unsettled and leak wasm-bindgen's shadow stack, until every call
//! fails). So an argument is first copied into plain data, once, by the
//! shapes of `core::arg1_shape`: every read that can run the caller's code (a
//! getter, a Proxy trap: `Object.keys`, `Reflect.get`, `Array.isArray` on a
//! revoked Proxy) goes through a `catch` import here, a read that throws is
//! an `invalid_input` naming the field, and a key the contract does not
//! define is refused. serde-wasm-bindgen then reads the copy (fresh objects
//! with no prototype, no getters and no Proxies) into the core's
//! `#[derive(Deserialize)]` types. Results and errors go out as JSON text
//! that the engine parses (`JSON.parse`): plain objects in one crossing,
//! with a snapshot's metadata keys in the service's order, `"__proto__"`
//! included.

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use serde_wasm_bindgen::Deserializer;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::arg1_shape::{field, unknown_key, Shape, CONFIG, CREDENTIALS, SIGN_REQUEST};
use crate::core::arg2_raw::{RawAuth, RawConfig, RawSignRequest};
use crate::core::arg3_input::Input;
use crate::core::error::{cut, ErrorKind, EvsError, MAX_MESSAGE};

#[wasm_bindgen]
extern "C" {
    /// `Object.keys(v)`: runs a Proxy's `ownKeys` and
    /// `getOwnPropertyDescriptor` traps, so it may throw.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(v: &JsValue) -> Result<Array, JsValue>;
    /// `Array.isArray(v)`: throws for a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn checked_is_array(v: &JsValue) -> Result<bool, JsValue>;
    /// `Object.create(null)`: a fresh object with no prototype, so that a
    /// key such as `"__proto__"` is a key like any other.
    #[wasm_bindgen(js_namespace = Object, js_name = create)]
    fn object_with_prototype(proto: &JsValue) -> Object;

    /// A `Uint8Array` over an `ArrayBuffer` (no copy), or a copy of an
    /// array-like; throws for what is neither, or when a Proxy does.
    #[wasm_bindgen(js_name = Uint8Array)]
    type Bytes;
    #[wasm_bindgen(catch, constructor, js_class = "Uint8Array")]
    fn new(source: &JsValue) -> Result<Bytes, JsValue>;
}

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
    /// `config.signal`, and `waitForSnapshot`'s own: any of them aborts.
    pub signals: Vec<JsValue>,
    /// `config.onAttempt`, called after each attempt.
    pub on_attempt: Option<Function>,
}

/// The bytes of an `ArrayBuffer` or a byte array, through a checked
/// `new Uint8Array(source)` (a view of a buffer; a copy of anything else,
/// whose reading may throw).
pub fn bytes(source: &JsValue) -> Option<Vec<u8>> {
    Bytes::new(source).ok().map(|b| b.unchecked_into::<Uint8Array>().to_vec())
}

/// `Array.isArray`, reading a revoked Proxy as "not an array" (its next
/// read, by [`plain`], says it could not be read).
fn is_array(v: &JsValue) -> bool {
    checked_is_array(v).unwrap_or(false)
}

/// `typeof`-style name of a value, for messages ("a string", "null", ...).
pub fn type_name(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
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
    } else if is_array(v) {
        "an array"
    } else {
        "an object"
    }
}

/// A plain object (not `null`, an array or a function)?
pub fn is_object(v: &JsValue) -> bool {
    v.is_object() && !is_array(v)
}

fn not_object(field: &str, v: &JsValue) -> EvsError {
    EvsError::wrong_type(field, "an object", type_name(v))
}

/// The error for an argument whose reading ran the caller's code, which
/// threw. The thrown value is not shown (it is the caller's, and it could
/// carry anything).
fn unreadable(what: &str) -> EvsError {
    EvsError::invalid_input(format!("{what} could not be read: a getter or Proxy threw while it was read"))
}

/// `obj[key]`; a getter or Proxy that throws reads as absent. Only for
/// values that are plain copies, or where absent is the right reading.
pub fn member(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A scalar's copy: a string, number, boolean, bigint, `null` or
/// `undefined` as it is; a function or symbol as a fresh symbol (which
/// serde reads as "a function or symbol"); an object or array as an empty
/// one, for its type name.
fn scalar(v: &JsValue) -> JsValue {
    if v.is_function() || v.is_symbol() {
        JsValue::symbol(None)
    } else if !v.is_object() {
        v.clone()
    } else if is_array(v) {
        Array::new().into()
    } else {
        Object::new().into()
    }
}

/// `v` copied as plain data by `arg1_shape`; `what` names it in errors
/// (`"config"`, `"config.auth"`).
fn plain(v: &JsValue, shape: Shape, what: &str) -> Result<JsValue, EvsError> {
    let fields = match shape {
        Shape::Kept => return Ok(v.clone()),
        Shape::Value => return Ok(scalar(v)),
        Shape::List => return list(v, what),
        Shape::Record => None,
        Shape::Object(fields) => Some(fields),
    };
    if !v.is_object() {
        return Ok(scalar(v));
    }
    match checked_is_array(v) {
        Ok(true) => return Ok(Array::new().into()),
        Ok(false) => {}
        Err(_) => return Err(unreadable(what)),
    }
    let keys = object_keys(v).map_err(|_| unreadable(what))?;
    let out = object_with_prototype(&JsValue::NULL);
    for key in keys.iter() {
        let Some(name) = key.as_string() else { continue };
        let shape = match fields {
            None => Shape::Value,
            Some(fields) => field(fields, &name).ok_or_else(|| unknown_key(what, &name, fields))?,
        };
        let path = || format!("{what}.{name}");
        let value = Reflect::get(v, &key).map_err(|_| unreadable(&path()))?;
        let copy = match shape {
            Shape::Object(_) | Shape::Record | Shape::List => plain(&value, shape, &path())?,
            _ => plain(&value, shape, what)?,
        };
        Reflect::set(&out, &key, &copy).map_err(|_| unreadable(&path()))?;
    }
    Ok(out.into())
}

/// Longest list an argument may hold (`failOn`): the statuses are seven.
const MAX_LIST: u32 = 64;

/// An array copied item by item as scalars (every read checked); anything
/// else as its scalar copy, for its type name.
fn list(v: &JsValue, what: &str) -> Result<JsValue, EvsError> {
    match checked_is_array(v) {
        Ok(true) => {}
        Ok(false) => return Ok(scalar(v)),
        Err(_) => return Err(unreadable(what)),
    }
    let length = Reflect::get(v, &JsValue::from_str("length")).map_err(|_| unreadable(what))?.as_f64().unwrap_or(0.0);
    if length > f64::from(MAX_LIST) {
        return Err(EvsError::field(what, &format!("must have at most {MAX_LIST} items")));
    }
    let out = Array::new();
    for i in 0..length as u32 {
        let item = Reflect::get_u32(v, i).map_err(|_| unreadable(&format!("{what}[{i}]")))?;
        out.push(&scalar(&item));
    }
    Ok(out.into())
}

/// One scalar argument (`snapshotId`).
pub fn input(v: &JsValue) -> Input {
    Input::deserialize(Deserializer::from(scalar(v))).unwrap_or(Input::Other("a function or symbol"))
}

/// An object argument named `what`, copied by its `fields` and read as
/// `T`; `null` and `undefined` give the type's default. Returns the copy
/// too, for the members the shell reads itself ([`Shape::Kept`]).
pub fn object<T: for<'de> Deserialize<'de> + Default>(
    what: &str,
    v: &JsValue,
    fields: &'static [crate::core::arg1_shape::Field],
) -> Result<(T, JsValue), EvsError> {
    if v.is_null() || v.is_undefined() {
        return Ok((T::default(), JsValue::UNDEFINED));
    }
    if !is_object(v) {
        return Err(if v.is_object() && checked_is_array(v).is_err() { unreadable(what) } else { not_object(what, v) });
    }
    let copy = plain(v, Shape::Object(fields), what)?;
    let read = T::deserialize(Deserializer::from(copy.clone())).map_err(|e| EvsError::invalid_input(format!("{what}: {e}")))?;
    Ok((read, copy))
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

/// A `signal` member (`what` names it): absent, or an object with a boolean
/// `aborted` and an `addEventListener` function. Duck-typed, so that a
/// polyfilled or cross-realm signal works; each read may run a getter, so
/// each is a checked read.
pub fn signal(s: &JsValue, what: &str) -> Result<Option<JsValue>, EvsError> {
    if s.is_null() || s.is_undefined() {
        return Ok(None);
    }
    if !is_object(s) {
        return Err(EvsError::wrong_type("signal", "an AbortSignal", type_name(s)));
    }
    let aborted = Reflect::get(s, &JsValue::from_str("aborted")).map_err(|_| unreadable(what))?;
    let listen = Reflect::get(s, &JsValue::from_str("addEventListener")).map_err(|_| unreadable(what))?;
    if aborted.as_bool().is_none() || !listen.is_function() {
        return Err(EvsError::invalid_input("signal must be an AbortSignal, not an object without aborted and addEventListener"));
    }
    Ok(Some(s.clone()))
}

/// Reads a `ClientConfig`: the core checks its data later; `fetch`,
/// `signal` and `onAttempt` are checked here.
pub fn context(config: &JsValue) -> Result<Context, EvsError> {
    if config.is_null() || config.is_undefined() {
        return Err(not_object("config", config));
    }
    let (mut raw, copy): (RawConfig, JsValue) = object("config", config, CONFIG)?;
    raw.page_origin = page_origin();
    let fetch = match member(&copy, "fetch") {
        f if f.is_null() || f.is_undefined() => match member(&js_sys::global(), "fetch") {
            g if g.is_function() => Fetch::Global(g.unchecked_into()),
            _ => return Err(EvsError::invalid_input("there is no global fetch here: pass one as config.fetch (Node 20 or later has one)")),
        },
        f if f.is_function() => Fetch::Custom(f.unchecked_into()),
        f => return Err(EvsError::wrong_type("fetch", "a function", type_name(&f))),
    };
    let signals = signal(&member(&copy, "signal"), "config.signal")?.into_iter().collect();
    let on_attempt = match member(&copy, "onAttempt") {
        h if h.is_null() || h.is_undefined() => None,
        h if h.is_function() => Some(h.unchecked_into()),
        h => return Err(EvsError::wrong_type("onAttempt", "a function", type_name(&h))),
    };
    Ok(Context { raw, fetch, signals, on_attempt })
}

#[wasm_bindgen]
extern "C" {
    /// `date.getTime()`, checked: a Proxy of a `Date` is one by
    /// `instanceof`, and its `getTime` throws.
    #[wasm_bindgen(js_name = Date)]
    type CheckedDate;
    #[wasm_bindgen(catch, method, js_name = getTime)]
    fn get_time(this: &CheckedDate) -> Result<f64, JsValue>;
}

/// `signRequest`'s arguments as read: the request's data, its body's
/// bytes, the credentials, and the date (epoch ms) when one was given.
pub struct SignArguments {
    pub request: RawSignRequest,
    pub body: Vec<u8>,
    pub credentials: RawAuth,
    pub date_ms: Option<f64>,
}

/// Reads `signRequest(request, credentials, date)`: the request and the
/// credentials copied by their shapes, the body (a string or a
/// `Uint8Array`, copied by a checked `new Uint8Array`) and the date (a
/// `Date`, read by a checked `getTime`).
pub fn sign_arguments(request: &JsValue, credentials: &JsValue, date: &JsValue) -> Result<SignArguments, EvsError> {
    if !is_object(request) {
        return Err(if request.is_object() && checked_is_array(request).is_err() { unreadable("request") } else { not_object("request", request) });
    }
    let (raw, copy): (RawSignRequest, _) = object("request", request, SIGN_REQUEST)?;
    let body = member(&copy, "body");
    let body = if body.is_null() || body.is_undefined() {
        Vec::new()
    } else if let Some(text) = body.as_string() {
        text.into_bytes()
    } else if body.is_instance_of::<Uint8Array>() {
        // Copied first: a Proxy of a Uint8Array is one by `instanceof`, and
        // reading it directly would throw.
        bytes(&body).ok_or_else(|| unreadable("request.body"))?
    } else {
        return Err(EvsError::wrong_type("request.body", "a string or a Uint8Array", type_name(&body)));
    };
    let credentials: RawAuth = if credentials.is_undefined() {
        RawAuth::Absent
    } else if is_object(credentials) {
        object("credentials", credentials, CREDENTIALS)?.0
    } else {
        RawAuth::NotObject(type_name(credentials))
    };
    let date_ms = if date.is_null() || date.is_undefined() {
        None
    } else if date.is_instance_of::<js_sys::Date>() {
        let t = date.unchecked_ref::<CheckedDate>().get_time().map_err(|_| unreadable("date"))?;
        if !t.is_finite() {
            return Err(EvsError::invalid_input("date is an invalid Date"));
        }
        Some(t)
    } else {
        return Err(EvsError::wrong_type("date", "a Date", type_name(date)));
    };
    Ok(SignArguments { request: raw, body, credentials, date_ms })
}

/// JSON text as the engine's plain objects.
fn parsed(json: Result<String, serde_json::Error>) -> Option<JsValue> {
    js_sys::JSON::parse(&json.ok()?).ok()
}

/// A result as a plain object: serialised by serde_json, built by the
/// engine's `JSON.parse` (one crossing).
pub fn output<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    parsed(serde_json::to_string(value)).ok_or_else(|| error(&EvsError::invalid_response("internal: the result could not be converted")))
}

thread_local! {
    /// `(fields) => new EvsError(fields)`, given by the JS entry once the
    /// module is loaded (`setErrorFactory`): errors handed to a callback
    /// (`onAttempt`) are `EvsError`s, like those a call rejects with.
    static ERROR_FACTORY: std::cell::RefCell<Option<Function>> = const { std::cell::RefCell::new(None) };
}

/// Sets the factory [`error_object`] uses.
pub fn set_error_factory(factory: Function) {
    ERROR_FACTORY.with_borrow_mut(|f| *f = Some(factory));
}

/// An error as an `EvsError` made by the JS entry's factory (a checked
/// call), or the plain object when there is none.
pub fn error_object(e: &EvsError) -> JsValue {
    let plain = error(e);
    ERROR_FACTORY.with_borrow(|f| f.as_ref().and_then(|f| f.call1(&JsValue::UNDEFINED, &plain).ok())).unwrap_or(plain)
}

/// An error object this module made (`error`) read back, as when a shared
/// request (IAM's project lookup) failed for several calls.
pub fn error_from(v: &JsValue) -> EvsError {
    let text = |k: &str| member(v, k).as_string();
    let kind = text("kind").and_then(|k| ErrorKind::from_name(&k)).unwrap_or(ErrorKind::InvalidResponse);
    let mut e = EvsError::new(kind, text("message").unwrap_or_else(|| "the project ID could not be found".into()));
    e.status = member(v, "status").as_f64().map(|s| s as u16);
    e.code = text("code");
    e.error_type = text("errorType");
    e.request_id = text("requestId");
    e
}

/// An error as the plain object the JS entry turns into an `EvsError`.
/// Its message is cut once more here, whatever made it.
pub fn error(e: &EvsError) -> JsValue {
    let mut e = e.clone();
    cut(&mut e.message, MAX_MESSAGE);
    parsed(serde_json::to_string(&e.view())).unwrap_or_else(|| JsValue::from_str(&e.message))
}
