//! The signing proxy's shell (docs/contract.md "Serving browsers: the
//! signing proxy"): `createProxy`'s export, in the Node build only (the
//! `proxy` feature). The JS entry (`pkg-template/src/proxy.js`) maps HTTP to
//! [`ProxyCore::serve`] and its answer back; every decision is the core's
//! (`core::proxy`). Here: reading the options and the request's parts, the
//! project ID (IAM's lookup, shared with the calls), the console's
//! `authorize`, and the one attempt plus at most one clock-corrected resend,
//! sent like every call's (`attempt::attempt`: raced against the attempt's
//! timer and the signals, the browser's `request.signal` among them).

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use super::args::{self, context, error, is_object, member, object, type_name, Context};
use super::attempt::attempt;
use super::stop;
use super::{tell, with_project, CLOCK_OFFSET_MS};
use crate::core::call::{Call, Target};
use crate::core::error::EvsError;
use crate::core::proxy::{Answer, Incoming, Pass, Proxy, RawProxyOptions, Read, Route, PROXY_OPTIONS};

/// One `createProxy`'s state: the checked options, the server's config as
/// the shell reads it (`fetch`, `signal`, `onAttempt`), and `authorize`.
#[wasm_bindgen]
pub struct ProxyCore {
    inner: Rc<Inner>,
}

struct Inner {
    proxy: Proxy,
    ctx: Context,
    authorize: Option<Function>,
}

#[wasm_bindgen]
impl ProxyCore {
    /// `createProxy(options)`'s checks: throws an error object
    /// (`invalid_input`) for the first rule broken.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ProxyCore, JsValue> {
        read(&options).map(|inner| ProxyCore { inner: Rc::new(inner) }).map_err(|e| error(&e))
    }

    /// The project it serves: the config's, or IAM's (asked once per key
    /// pair and region in the module, as the calls ask). Rejects with an
    /// error object.
    #[wasm_bindgen(js_name = projectId)]
    pub fn project_id(&self) -> Promise {
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            project_id(&inner.ctx, &inner.proxy).await.map(|id| JsValue::from_str(&id)).map_err(|e| error(&e))
        })
    }

    /// One browser request: `parts` (`{ method, path, query, ownOrigin,
    /// origin, fetchSite, requestHeaders }`, strings the JS entry read),
    /// the `Request` for `authorize`, and the browser's signal. Resolves to
    /// `{ status, headers: [[name, value]], body: Uint8Array }`; never
    /// rejects.
    pub fn serve(&self, parts: JsValue, request: JsValue, signal: JsValue) -> Promise {
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move { Ok(answer_object(&serve(&inner, &parts, &request, &signal).await)) })
    }
}

fn read(options: &JsValue) -> Result<Inner, EvsError> {
    if !is_object(options) {
        return Err(EvsError::wrong_type("options", "an object ({ config, basePath?, allowOrigins?, authorize? })", type_name(options)));
    }
    let (raw, copy): (RawProxyOptions, _) = object("options", options, PROXY_OPTIONS)?;
    let config = member(&copy, "config");
    if config.is_null() || config.is_undefined() {
        return Err(EvsError::invalid_input("options.config is required: the server's connection (auth, region or endpoint, projectId)"));
    }
    let ctx = context(&config)?;
    let authorize = match member(&copy, "authorize") {
        h if h.is_null() || h.is_undefined() => None,
        h if h.is_function() => Some(Function::from(h)),
        h => return Err(EvsError::wrong_type("options.authorize", "a function", type_name(&h))),
    };
    let proxy = Proxy::new(&ctx.raw, &raw)?;
    Ok(Inner { proxy, ctx, authorize })
}

/// The project ID: the config's, or IAM's.
async fn project_id(ctx: &Context, proxy: &Proxy) -> Result<String, EvsError> {
    let call = Call { config: proxy.config.clone(), target: Target::Show(String::new()) };
    // No wait's deadline here: a proxied request has its own attempt bounds.
    Ok(with_project(ctx, call, None).await.map(|c| c.config.project_id)?)
}

/// The console's `authorize(request)`: only `true` (or a promise of it)
/// lets the request through; `false`, anything else, a throw, a rejection,
/// no answer within `timeoutMs` or the browser going away is a no.
async fn authorized(hook: &Function, request: &JsValue, signals: &[JsValue], timeout_ms: u32) -> bool {
    let Ok(returned) = hook.call1(&JsValue::UNDEFINED, request) else { return false };
    matches!(stop::settled_or_stopped(&returned, signals, f64::from(timeout_ms)).await, Ok(Ok(v)) if v.as_bool() == Some(true))
}

async fn serve(inner: &Inner, parts: &JsValue, request: &JsValue, signal: &JsValue) -> Answer {
    let text = |k: &str| member(parts, k).as_string();
    let (method, path, query) = (text("method").unwrap_or_default(), text("path").unwrap_or_default(), text("query"));
    let (own_origin, origin, fetch_site, request_headers) = (text("ownOrigin"), text("origin"), text("fetchSite"), text("requestHeaders"));
    let incoming = Incoming {
        method: &method,
        path: &path,
        query: query.as_deref(),
        own_origin: own_origin.as_deref(),
        origin: origin.as_deref(),
        fetch_site: fetch_site.as_deref(),
        request_headers: request_headers.as_deref(),
    };
    let routed = match inner.proxy.route(&incoming) {
        Route::Answer(a) => return a,
        Route::Routed(r) => r,
    };
    let mut ctx = inner.ctx.clone();
    ctx.signals.extend(args::signal(signal, "request.signal").ok().flatten());
    let project = match project_id(&ctx, &inner.proxy).await {
        Ok(id) => id,
        Err(e) => return inner.proxy.lookup_failed(&e, &routed),
    };
    let mut forward = match inner.proxy.forward(&routed, &project, CLOCK_OFFSET_MS.with(std::cell::Cell::get)) {
        Ok(f) => f,
        Err(a) => return a,
    };
    let timeout_ms = inner.proxy.config.timeout_ms;
    if let Some(hook) = &inner.authorize {
        if !authorized(hook, request, &ctx.signals, timeout_ms).await {
            return inner.proxy.unauthorized(&routed);
        }
    }
    let operation = match routed.read {
        Read::Show(_) => "getSnapshot",
        Read::List => "listSnapshots",
    };
    loop {
        let started = stop::now();
        let upstream = forward.request(started);
        let end = attempt(&ctx.fetch, &ctx.signals, &upstream, timeout_ms).await;
        let pass = forward.ended(&end, stop::now(), stop::random());
        if let (Some(hook), Some(report)) = (&ctx.on_attempt, forward.report()) {
            tell(hook, operation, report, stop::now() - started);
        }
        match pass {
            Pass::Resend => CLOCK_OFFSET_MS.with(|o| o.set(forward.clock_offset())),
            Pass::Answer(a) => return a,
        }
    }
}

/// An answer as the JS entry reads it.
fn answer_object(a: &Answer) -> JsValue {
    let out = Object::new();
    let headers = Array::new();
    for (k, v) in &a.headers {
        headers.push(&Array::of2(&JsValue::from_str(k), &JsValue::from_str(v)));
    }
    let _ = Reflect::set(&out, &JsValue::from_str("status"), &JsValue::from(a.status));
    let _ = Reflect::set(&out, &JsValue::from_str("headers"), &headers);
    let _ = Reflect::set(&out, &JsValue::from_str("body"), &Uint8Array::from(a.body.as_slice()));
    out.into()
}
