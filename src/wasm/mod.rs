//! The async shell: the wasm module's exports. The only code that touches
//! JavaScript values; everything it decides, it asks the core.
//!
//! Two rules hold everywhere here, because a wasm instance cannot recover
//! from their breach:
//!
//! - **no JavaScript exception ever unwinds through a wasm frame**: every
//!   import that can run the caller's code is a `catch` import, or the value
//!   is first copied into plain data in one place (`args`: arguments, read
//!   then with serde-wasm-bindgen; `send`: a response, read structurally);
//! - **every await on a JavaScript promise is raced against the attempt's
//!   timer and the caller's signal** (`send::Stop`), so that a `fetch` that
//!   ignores `Request.signal` still times out.
//!
//! Data crosses into wasm once per call (the arguments) and out once (a
//! plain object, or an error object that the JS entry turns into an
//! `EvsError`).

mod args;
mod send;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::call::{aborted, sign_request as sign_core, Attempts, Call, Reply, Step, Target};
use crate::core::raw::{RawAuth, RawListOptions, RawSignRequest};
use crate::core::shape::{CREDENTIALS, LIST_OPTIONS, SIGN_REQUEST};
use crate::core::error::EvsError;
use crate::core::paginate::Paginator;
use crate::core::request::SignedRequest;
use args::{context, error, input, is_object, member, object, output, type_name, Context};

thread_local! {
    /// The offset of the service's clock from this machine's, in
    /// milliseconds, learnt when a signed request was refused for the time
    /// (see `core::call::Attempts`): set, never added to, and kept for
    /// later calls in the same module instance, `signRequest` without a
    /// `date` included.
    static CLOCK_OFFSET_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// The time to sign with: the clock, corrected.
fn signing_time() -> f64 {
    send::now() + CLOCK_OFFSET_MS.with(std::cell::Cell::get)
}

/// The call's attempts, as the core's [`Attempts`] says (CONTRACT.md
/// "Retries, timeouts and cancellation"): the shell sends, sleeps and keeps
/// the clock offset; every decision is the core's.
async fn run(ctx: &Context, call: &Call) -> Result<Reply, EvsError> {
    let mut attempts = Attempts::new(call.clone(), CLOCK_OFFSET_MS.with(std::cell::Cell::get));
    loop {
        if send::is_aborted(ctx.signal.as_ref()) {
            return Err(aborted());
        }
        let request = attempts.request(send::now());
        let end = send::attempt(&ctx.fetch, ctx.signal.as_ref(), &request, call.config.timeout_ms).await;
        match attempts.ended(&end.as_ended(), send::now(), send::random()) {
            Step::Done(reply) => return Ok(reply),
            Step::Fail(e) => return Err(e),
            Step::Resend => CLOCK_OFFSET_MS.with(|o| o.set(attempts.clock_offset())),
            // An abort during the wait ends it early; the next round says so.
            Step::Wait(ms) => send::sleep(ms, ctx.signal.as_ref()).await,
        }
    }
}

fn reply_output(reply: &Reply) -> Result<JsValue, JsValue> {
    match reply {
        Reply::Snapshot(s) => output(s),
        Reply::Page(p) => output(p),
    }
}

/// `getSnapshot(config, snapshotId)`: `GET {endpoint}/v2/{projectId}/cloudsnapshots/{snapshotId}`
/// (API.md §1). Resolves to a `Snapshot`; rejects with an error object.
#[wasm_bindgen(js_name = getSnapshot)]
pub async fn get_snapshot(config: JsValue, snapshot_id: JsValue) -> Result<JsValue, JsValue> {
    let ctx = context(&config).map_err(|e| error(&e))?;
    let call = Call::show(&ctx.raw, &input(&snapshot_id)).map_err(|e| error(&e))?;
    let reply = run(&ctx, &call).await.map_err(|e| error(&e))?;
    reply_output(&reply)
}

/// `listSnapshots(config, options)`: `GET {endpoint}/v2/{projectId}/snapshots?...`
/// (API.md §2). Resolves to a `SnapshotPage`; rejects with an error object.
#[wasm_bindgen(js_name = listSnapshots)]
pub async fn list_snapshots(config: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let ctx = context(&config).map_err(|e| error(&e))?;
    let (options, _): (RawListOptions, _) = object("options", &options, LIST_OPTIONS).map_err(|e| error(&e))?;
    let call = Call::list(&ctx.raw, &options).map_err(|e| error(&e))?;
    let reply = run(&ctx, &call).await.map_err(|e| error(&e))?;
    reply_output(&reply)
}

/// A `paginateSnapshots` walk (CONTRACT.md "Functions"): the JS entry's
/// async iterator calls [`SnapshotWalk::next`] page after page. The paging
/// decisions and the loop guard are the core's `Paginator`.
#[wasm_bindgen]
pub struct SnapshotWalk {
    state: Rc<RefCell<Walk>>,
}

enum Walk {
    /// Not started: the arguments, checked on the first `next()`.
    New { config: JsValue, options: JsValue },
    Walking(Box<(Context, Call, Paginator)>),
    Over,
}

#[wasm_bindgen]
impl SnapshotWalk {
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> SnapshotWalk {
        SnapshotWalk { state: Rc::new(RefCell::new(Walk::New { config, options })) }
    }

    /// The next page's snapshots (an array), or `null` when the walk is
    /// over. Rejects with an error object, and the walk is over.
    pub fn next(&self) -> Promise {
        let state = Rc::clone(&self.state);
        wasm_bindgen_futures::future_to_promise(async move {
            let result = next_page(&state).await;
            if result.is_err() {
                *state.borrow_mut() = Walk::Over;
            }
            result.map_err(|e| error(&e))
        })
    }
}

async fn next_page(state: &RefCell<Walk>) -> Result<JsValue, EvsError> {
    // No borrow of the state is held across an await.
    let started = match std::mem::replace(&mut *state.borrow_mut(), Walk::Over) {
        Walk::New { config, options } => {
            let ctx = context(&config)?;
            let (options, _): (RawListOptions, _) = object("options", &options, LIST_OPTIONS)?;
            let call = Call::list(&ctx.raw, &options)?;
            let Target::List(query) = &call.target else { return Ok(JsValue::NULL) };
            let pages = Paginator::new(query.clone());
            (ctx, call, pages)
        }
        Walk::Walking(walking) => *walking,
        Walk::Over => return Ok(JsValue::NULL),
    };
    let (ctx, mut call, mut pages) = started;
    let Some(query) = pages.next_query() else { return Ok(JsValue::NULL) };
    call.target = Target::List(query.clone());
    let Reply::Page(page) = run(&ctx, &call).await? else { return Ok(JsValue::NULL) };
    pages.advance(page.snapshots.len(), page.next_marker.as_deref())?;
    let out = output(&page.snapshots).map_err(|_| EvsError::invalid_response("internal: the page could not be converted"))?;
    if !pages.is_done() {
        *state.borrow_mut() = Walk::Walking(Box::new((ctx, call, pages)));
    }
    Ok(out)
}

/// What `signRequest` resolves to: `{ url, headers: { name: value } }`.
#[derive(Serialize)]
struct SignedOut<'a> {
    url: &'a str,
    #[serde(serialize_with = "pairs_as_object")]
    headers: &'a [(String, String)],
}

fn pairs_as_object<S: serde::Serializer>(pairs: &&[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// `signRequest(request, credentials, date?)` (CONTRACT.md "Signing other
/// calls"): `{ url, headers }` signed with SDK-HMAC-SHA256 at `date`
/// (default: now). Throws an error object on invalid input.
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(request: JsValue, credentials: JsValue, date: JsValue) -> Result<JsValue, JsValue> {
    sign(&request, &credentials, &date).map_err(|e| error(&e)).and_then(|s| output(&SignedOut { url: &s.url, headers: &s.headers }))
}

fn sign(request: &JsValue, credentials: &JsValue, date: &JsValue) -> Result<SignedRequest, EvsError> {
    if !is_object(request) {
        return Err(EvsError::wrong_type("request", "an object", type_name(request)));
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
        send::bytes(&body).ok_or_else(|| EvsError::invalid_input("request.body could not be read: a getter or Proxy threw while it was read"))?
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
    let now = if date.is_null() || date.is_undefined() {
        signing_time()
    } else if date.is_instance_of::<js_sys::Date>() {
        let t = date_time(date).ok_or_else(|| EvsError::invalid_input("date could not be read: a getter or Proxy threw while it was read"))?;
        if !t.is_finite() {
            return Err(EvsError::invalid_input("date is an invalid Date"));
        }
        t
    } else {
        return Err(EvsError::wrong_type("date", "a Date", type_name(date)));
    };
    sign_core(&raw, &body, &credentials, now)
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

fn date_time(date: &JsValue) -> Option<f64> {
    date.unchecked_ref::<CheckedDate>().get_time().ok()
}

/// Bytes of linear memory now: for the memory tests and benchmarks (not
/// part of the public API).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    core::arch::wasm32::memory_size(0) as f64 * 65536.0
}
