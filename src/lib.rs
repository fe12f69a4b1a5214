//! evs-snapshots: a client for Huawei Cloud EVS snapshots.
//!
//! - [`core`]: the sans-IO core, pure Rust, tested natively.
//! - `client` (wasm32 only): the call loop — attempts, backoff sleeps,
//!   aborts — over the I/O object the package's JS entry passes in.
//! - this file (wasm32 only): the `#[wasm_bindgen]` surface, and the only
//!   place that converts JS values.
//!
//! The exports here are the package's raw layer; users call the JS entry in
//! `pkg-template/`, which instantiates the module lazily, passes the I/O
//! object and turns results into plain objects and `EvsError`s.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod core;

#[cfg(target_arch = "wasm32")]
mod client;

#[cfg(target_arch = "wasm32")]
pub use wasm::*;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use crate::client;
    use crate::core::config::{check_auth, check_list_options, Input, RawAuth, RawConfig, RawListOptions};
    use crate::core::error::EvsError;
    use crate::core::request::sign_any;
    use crate::core::sign::Credentials;
    use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    #[wasm_bindgen]
    extern "C" {
        /// The I/O object of `pkg-template/src/io.js`: the only code that
        /// touches `fetch`, `AbortController` and timers.
        pub type Io;

        /// Sends one attempt. Never rejects; resolves to an [`Attempt`].
        /// `headers` is `name\nvalue\nname\nvalue...`.
        #[wasm_bindgen(method)]
        pub fn send(
            this: &Io,
            fetch: &JsValue,
            url: &str,
            headers: &str,
            timeout_ms: u32,
            signal: &JsValue,
            max_bytes: u32,
        ) -> Promise;

        /// Waits `ms`; resolves `true` if `signal` aborted the wait.
        #[wasm_bindgen(method)]
        pub fn sleep(this: &Io, ms: f64, signal: &JsValue) -> Promise;

        #[wasm_bindgen(method)]
        pub fn now(this: &Io) -> f64;

        #[wasm_bindgen(method)]
        pub fn random(this: &Io) -> f64;

        /// `location.origin` where there is a page (browsers, workers).
        #[wasm_bindgen(method, getter)]
        pub fn origin(this: &Io) -> Option<String>;

        /// The global `fetch`, if any.
        #[wasm_bindgen(method, getter, js_name = globalFetch)]
        pub fn global_fetch(this: &Io) -> JsValue;

        /// How an attempt ended.
        pub type Attempt;

        /// `"response"`, `"network"`, `"timeout"` or `"aborted"`.
        #[wasm_bindgen(method, getter)]
        pub fn kind(this: &Attempt) -> String;
        #[wasm_bindgen(method, getter)]
        pub fn status(this: &Attempt) -> u16;
        #[wasm_bindgen(method, getter, js_name = requestId)]
        pub fn request_id(this: &Attempt) -> Option<String>;
        #[wasm_bindgen(method, getter, js_name = retryAfter)]
        pub fn retry_after(this: &Attempt) -> Option<String>;
        #[wasm_bindgen(method, getter)]
        pub fn body(this: &Attempt) -> Option<Uint8Array>;
        /// The body was cut at `max_bytes`.
        #[wasm_bindgen(method, getter)]
        pub fn truncated(this: &Attempt) -> bool;
        #[wasm_bindgen(method, getter)]
        pub fn message(this: &Attempt) -> Option<String>;
    }

    /// A JS value as a loosely typed [`Input`]; `undefined` and `null` are
    /// both absent.
    fn input(v: &JsValue) -> Input {
        if v.is_undefined() || v.is_null() {
            Input::Absent
        } else if let Some(s) = v.as_string() {
            Input::Str(s)
        } else if let Some(n) = v.as_f64() {
            Input::Num(n)
        } else if let Some(b) = v.as_bool() {
            Input::Bool(b)
        } else {
            Input::Other(type_name(v))
        }
    }

    fn type_name(v: &JsValue) -> &'static str {
        if Array::is_array(v) {
            return "an array";
        }
        match v.js_typeof().as_string().as_deref() {
            Some("function") => "a function",
            Some("bigint") => "a bigint",
            Some("symbol") => "a symbol",
            Some("string") => "a string",
            Some("number") => "a number",
            Some("boolean") => "a boolean",
            _ => "an object",
        }
    }

    fn is_object(v: &JsValue) -> bool {
        v.is_object() && !v.is_function() && !Array::is_array(v)
    }

    /// `obj[name]`; a throwing getter reads as absent.
    fn get(obj: &JsValue, name: &str) -> JsValue {
        Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }

    fn bad(field: &str, what: &str, v: &JsValue) -> EvsError {
        EvsError::invalid_input([field, " must be ", what, ", not ", type_name(v)].concat())
    }

    fn read_auth(v: &JsValue) -> RawAuth {
        if v.is_undefined() || v.is_null() {
            RawAuth::Absent
        } else if !is_object(v) {
            RawAuth::NotObject(type_name(v))
        } else {
            RawAuth::Object {
                token: input(&get(v, "token")),
                access_key: input(&get(v, "accessKey")),
                secret_key: input(&get(v, "secretKey")),
                security_token: input(&get(v, "securityToken")),
            }
        }
    }

    /// Own enumerable string-keyed entries of a plain object.
    fn read_record(v: &JsValue) -> Result<Vec<(String, Input)>, &'static str> {
        if v.is_undefined() || v.is_null() {
            return Ok(Vec::new());
        }
        if !is_object(v) {
            return Err(type_name(v));
        }
        let entries = Object::entries(v.unchecked_ref());
        Ok(entries
            .iter()
            .map(|pair| {
                let pair: Array = pair.unchecked_into();
                (pair.get(0).as_string().unwrap_or_default(), input(&pair.get(1)))
            })
            .collect())
    }

    /// Reads and checks a `ClientConfig`, the custom `fetch` and the signal.
    fn read_config(io: &Io, config: &JsValue) -> Result<client::Call, EvsError> {
        if !is_object(config) {
            return Err(bad("config", "an object", config));
        }
        let raw = RawConfig {
            project_id: input(&get(config, "projectId")),
            endpoint: input(&get(config, "endpoint")),
            region: input(&get(config, "region")),
            auth: read_auth(&get(config, "auth")),
            headers: read_record(&get(config, "headers")),
            timeout_ms: input(&get(config, "timeoutMs")),
            max_attempts: input(&get(config, "maxAttempts")),
            page_origin: io.origin(),
        };
        let cfg = crate::core::config::check_config(&raw)?;
        let fetch = match get(config, "fetch") {
            f if f.is_undefined() || f.is_null() => {
                let g = io.global_fetch();
                if !g.is_function() {
                    return Err(EvsError::invalid_input(
                        "there is no global fetch here: pass one as config.fetch (Node 18 or later has one)",
                    ));
                }
                g
            }
            f if f.is_function() => f,
            f => return Err(bad("fetch", "a function", &f)),
        };
        let signal = match get(config, "signal") {
            s if s.is_undefined() || s.is_null() => JsValue::UNDEFINED,
            s if s.is_object() && get(&s, "aborted").as_bool().is_some() && get(&s, "addEventListener").is_function() => s,
            s => return Err(bad("signal", "an AbortSignal", &s)),
        };
        Ok(client::Call { cfg, fetch, signal })
    }

    fn read_options(options: &JsValue) -> Result<RawListOptions, EvsError> {
        if options.is_undefined() || options.is_null() {
            return Ok(RawListOptions::default());
        }
        if !is_object(options) {
            return Err(bad("options", "an object", options));
        }
        Ok(RawListOptions {
            marker: input(&get(options, "marker")),
            offset: input(&get(options, "offset")),
            limit: input(&get(options, "limit")),
            name: input(&get(options, "name")),
            status: input(&get(options, "status")),
            volume_id: input(&get(options, "volumeId")),
        })
    }

    fn reject(e: EvsError) -> JsValue {
        JsValue::from_str(&e.to_json())
    }

    /// `getSnapshot`: resolves to the snapshot as JSON text; rejects with
    /// the error as JSON text.
    #[wasm_bindgen]
    pub async fn get_snapshot(io: Io, config: JsValue, snapshot_id: JsValue) -> Result<JsValue, JsValue> {
        let call = read_config(&io, &config).map_err(reject)?;
        let id = crate::core::config::check_id("snapshotId", &input(&snapshot_id)).map_err(reject)?;
        client::get_snapshot(&io, &call, &id).await.map(|s| JsValue::from_str(&s)).map_err(reject)
    }

    /// `listSnapshots`: resolves to the page as JSON text.
    #[wasm_bindgen]
    pub async fn list_snapshots(io: Io, config: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let call = read_config(&io, &config).map_err(reject)?;
        let query = read_options(&options).and_then(|o| check_list_options(&o)).map_err(reject)?;
        client::list_snapshots(&io, &call, &query).await.map(|p| JsValue::from_str(&p.json)).map_err(reject)
    }

    /// The state of one `paginateSnapshots` walk. Input errors are kept and
    /// reported by the first `next()`.
    #[wasm_bindgen]
    pub struct Pager {
        inner: std::rc::Rc<client::PagerState>,
    }

    #[wasm_bindgen]
    impl Pager {
        /// Resolves to the next page as JSON text, or `null` when the walk
        /// is over; rejects with the error as JSON text.
        pub fn next(&self, io: Io) -> Promise {
            let state = self.inner.clone();
            wasm_bindgen_futures::future_to_promise(async move {
                match client::next_page(&io, &state).await {
                    Ok(Some(json)) => Ok(JsValue::from_str(&json)),
                    Ok(None) => Ok(JsValue::NULL),
                    Err(e) => Err(reject(e)),
                }
            })
        }
    }

    /// Starts a `paginateSnapshots` walk (sends nothing yet).
    #[wasm_bindgen]
    pub fn new_pager(io: &Io, config: JsValue, options: JsValue) -> Pager {
        let prepared = read_config(io, &config)
            .and_then(|call| Ok((call, check_list_options(&read_options(&options)?)?)));
        Pager { inner: std::rc::Rc::new(client::PagerState::new(prepared)) }
    }

    /// Bytes of linear memory now: for the memory tests and benchmarks (not
    /// part of the public API).
    #[wasm_bindgen]
    pub fn memory_bytes() -> f64 {
        ::core::arch::wasm32::memory_size(0) as f64 * 65536.0
    }

    /// `signRequest`: resolves to `{url, headers}` as JSON text.
    #[wasm_bindgen]
    pub fn sign_request(io: &Io, request: JsValue, credentials: JsValue, date: JsValue) -> Result<JsValue, JsValue> {
        sign_request_inner(io, &request, &credentials, &date).map(|s| JsValue::from_str(&s)).map_err(reject)
    }

    fn sign_request_inner(io: &Io, request: &JsValue, credentials: &JsValue, date: &JsValue) -> Result<String, EvsError> {
        use crate::core::config::Auth;
        use crate::core::json::{write_key, write_str};
        if !is_object(request) {
            return Err(bad("request", "an object", request));
        }
        let auth = if is_object(credentials) {
            RawAuth::Object {
                token: Input::Absent,
                access_key: input(&get(credentials, "accessKey")),
                secret_key: input(&get(credentials, "secretKey")),
                security_token: input(&get(credentials, "securityToken")),
            }
        } else {
            RawAuth::NotObject(type_name(credentials))
        };
        let Auth::Keys { access_key, secret_key, security_token } = check_auth(&auth, "credentials")? else {
            return Err(EvsError::invalid_input("credentials must have accessKey and secretKey"));
        };
        let method = match input(&get(request, "method")) {
            Input::Str(m) => m,
            Input::Absent => return Err(EvsError::invalid_input("request.method is required")),
            _ => return Err(bad("request.method", "a string", &get(request, "method"))),
        };
        let url = match get(request, "url").as_string() {
            Some(u) => u,
            None => return Err(bad("request.url", "a string", &get(request, "url"))),
        };
        let mut headers = Vec::new();
        for (k, v) in read_record(&get(request, "headers")).map_err(|t| {
            EvsError::invalid_input(["request.headers must be an object, not ", t].concat())
        })? {
            match v {
                Input::Str(s) if !s.contains(['\r', '\n', '\0']) => headers.push((k, s)),
                _ => {
                    return Err(EvsError::invalid_input(
                        ["request.headers: the value of \"", &k, "\" must be a string without line breaks"].concat(),
                    ))
                }
            }
        }
        let body_value = get(request, "body");
        let body: Vec<u8> = if body_value.is_undefined() || body_value.is_null() {
            Vec::new()
        } else if let Some(s) = body_value.as_string() {
            s.into_bytes()
        } else if let Some(bytes) = body_value.dyn_ref::<Uint8Array>() {
            bytes.to_vec()
        } else {
            return Err(bad("request.body", "a string or a Uint8Array", &body_value));
        };
        let now_ms = if date.is_undefined() || date.is_null() {
            io.now()
        } else if let Some(d) = date.dyn_ref::<js_sys::Date>() {
            let t = d.get_time();
            if !t.is_finite() {
                return Err(EvsError::invalid_input("date is an invalid Date"));
            }
            t
        } else {
            return Err(bad("date", "a Date", date));
        };
        let creds = Credentials {
            access_key: &access_key,
            secret_key: &secret_key,
            security_token: security_token.as_deref(),
        };
        let signed = sign_any(&method, &url, &headers, &body, &creds, now_ms)?;
        let mut out = String::with_capacity(256 + signed.url.len());
        out.push('{');
        write_key(&mut out, "url");
        write_str(&mut out, &signed.url);
        out.push_str(",\"headers\":{");
        for (i, (k, v)) in signed.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_key(&mut out, k);
            write_str(&mut out, v);
        }
        out.push_str("}}");
        Ok(out)
    }
}
