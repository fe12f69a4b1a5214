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
#[cfg(feature = "proxy")]
mod proxy;
mod send;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::core::call::{aborted, check_and_sign, AttemptReport, Attempts, Call, Reply, Step, Target};
use crate::core::error::ErrorKind;
use crate::core::error::EvsError;
use crate::core::paginate::Paginator;
use crate::core::raw::{RawListOptions, RawWaitOptions};
use crate::core::request::SignedRequest;
use crate::core::shape::{LIST_OPTIONS, WAIT_OPTIONS};
use crate::core::wait::{check_wait_options, WaitStep, Waiter};
use args::{context, error, input, member, object, output, sign_arguments, Context};

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

/// The call's attempts, as the core's [`Attempts`] says (docs/contract.md
/// "Retries, timeouts and cancellation"): the shell sends, sleeps, keeps
/// the clock offset and tells `onAttempt`; every decision is the core's.
/// `operation` names the call in `onAttempt`'s `info`.
async fn run(ctx: &Context, call: &Call, operation: &str, deadline: Option<f64>) -> Result<Reply, EvsError> {
    let mut attempts = Attempts::new(call.clone(), CLOCK_OFFSET_MS.with(std::cell::Cell::get));
    let signals = ctx.signals.as_slice();
    loop {
        if send::is_aborted(signals) {
            return Err(aborted());
        }
        let started = send::now();
        // A wait's deadline bounds each attempt too.
        let timeout_ms = match deadline {
            Some(d) => f64::from(call.config.timeout_ms).min((d - started).max(1.0)).ceil() as u32,
            None => call.config.timeout_ms,
        };
        let request = attempts.request(started);
        let end = send::attempt(&ctx.fetch, signals, &request, timeout_ms).await;
        let step = attempts.ended(&end.as_ended(), send::now(), send::random());
        if let (Some(hook), Some(report)) = (&ctx.on_attempt, attempts.report()) {
            tell(hook, operation, report, send::now() - started);
        }
        match step {
            Step::Done(reply) => return Ok(reply),
            Step::Fail(e) => return Err(e),
            Step::Resend => CLOCK_OFFSET_MS.with(|o| o.set(attempts.clock_offset())),
            // No wait that would outlast the deadline: the caller's timeout.
            Step::Wait(ms) if deadline.is_some_and(|d| send::now() + ms as f64 >= d) => {
                return Err(EvsError::new(ErrorKind::Timeout, "the wait's time is up"))
            }
            // An abort during the wait ends it early; the next round says so.
            Step::Wait(ms) => send::sleep(ms, signals).await,
        }
    }
}

/// Calls `onAttempt(info)` (docs/contract.md "Seeing each request"): `info` is
/// the core's report with the operation, the duration and the error as an
/// `EvsError`. A hook that throws, or returns a promise that rejects,
/// changes nothing.
fn tell(hook: &js_sys::Function, operation: &str, report: &AttemptReport, duration_ms: f64) {
    let Ok(info) = output(report) else { return };
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&info, &JsValue::from_str(k), v);
    };
    set("operation", &JsValue::from_str(operation));
    set("durationMs", &JsValue::from_f64(duration_ms.max(0.0).round()));
    if let Some(e) = &report.error {
        set("error", &args::error_object(e));
    }
    if let Ok(returned) = hook.call1(&JsValue::UNDEFINED, &info) {
        send::ignore_rejection(&returned);
    }
}

fn reply_output(reply: &Reply) -> Result<JsValue, JsValue> {
    match reply {
        Reply::Snapshot(s) => output(s),
        Reply::Page(p) => output(p),
        Reply::ProjectId(id) => Ok(JsValue::from_str(id)),
    }
}

/// A project ID from IAM, for one key pair, region and IAM endpoint.
#[derive(Clone)]
enum Project {
    Known(String),
    /// Being asked: concurrent first calls await this one request.
    Asking(Promise),
}

thread_local! {
    /// Project IDs from IAM (docs/contract.md "Project ID from IAM"), kept in the
    /// module instance per key pair, region and IAM endpoint. A failed
    /// lookup is not kept: the next call asks again.
    static PROJECTS: RefCell<Vec<(String, Project)>> = const { RefCell::new(Vec::new()) };
}

/// `call`, with its project ID: from IAM when the config left it out.
async fn with_project(ctx: &Context, call: Call) -> Result<Call, EvsError> {
    let Some(lookup) = call.project_lookup() else { return Ok(call) };
    let (Target::Projects(where_), crate::core::config::Auth::Keys { access_key, .. }) = (&lookup.target, &lookup.config.auth) else {
        return Ok(call);
    };
    let key = format!("{access_key}\n{}\n{}://{}{}", where_.region, where_.iam.scheme, where_.iam.host, where_.iam.path_prefix);
    let known = PROJECTS.with_borrow(|all| all.iter().find(|(k, _)| *k == key).map(|(_, p)| p.clone()));
    let asking = match known {
        Some(Project::Known(id)) => return Ok(call.with_project(id)),
        Some(Project::Asking(p)) => p,
        None => {
            // Not the caller's signals: other calls may share this request.
            let lookup_ctx = Context { signals: Vec::new(), ..ctx.clone() };
            let k = key.clone();
            let p = wasm_bindgen_futures::future_to_promise(async move {
                let found = match run(&lookup_ctx, &lookup, "projectId", None).await {
                    Ok(Reply::ProjectId(id)) => Ok(id),
                    Ok(_) => Err(EvsError::invalid_response("internal: IAM gave no project ID")),
                    Err(e) => Err(e),
                };
                PROJECTS.with_borrow_mut(|all| {
                    all.retain(|(key, _)| *key != k);
                    if let Ok(id) = &found {
                        all.push((k.clone(), Project::Known(id.clone())));
                    }
                });
                found.map(|id| JsValue::from_str(&id)).map_err(|e| error(&e))
            });
            PROJECTS.with_borrow_mut(|all| all.push((key, Project::Asking(p.clone()))));
            p
        }
    };
    match send::settled_or_aborted(&asking, &ctx.signals).await {
        Ok(Ok(id)) => id.as_string().map(|id| call.with_project(id)).ok_or_else(|| EvsError::invalid_response("internal: IAM gave no project ID")),
        Ok(Err(e)) => Err(args::error_from(&e)),
        Err(_) => Err(aborted()),
    }
}

/// `getSnapshot(config, snapshotId)`: `GET {endpoint}/v2/{projectId}/cloudsnapshots/{snapshotId}`
/// (docs/evs-api.md "Show one snapshot"). Resolves to a `Snapshot`; rejects with an error object.
#[wasm_bindgen(js_name = getSnapshot)]
pub async fn get_snapshot(config: JsValue, snapshot_id: JsValue) -> Result<JsValue, JsValue> {
    let ctx = context(&config).map_err(|e| error(&e))?;
    let call = Call::show(&ctx.raw, &input(&snapshot_id)).map_err(|e| error(&e))?;
    let call = with_project(&ctx, call).await.map_err(|e| error(&e))?;
    let reply = run(&ctx, &call, "getSnapshot", None).await.map_err(|e| error(&e))?;
    reply_output(&reply)
}

/// `listSnapshots(config, options)`: `GET {endpoint}/v2/{projectId}/snapshots?...`
/// (docs/evs-api.md "List snapshots"). Resolves to a `SnapshotPage`; rejects with an error object.
#[wasm_bindgen(js_name = listSnapshots)]
pub async fn list_snapshots(config: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let ctx = context(&config).map_err(|e| error(&e))?;
    let (options, _): (RawListOptions, _) = object("options", &options, LIST_OPTIONS).map_err(|e| error(&e))?;
    let call = Call::list(&ctx.raw, &options).map_err(|e| error(&e))?;
    let call = with_project(&ctx, call).await.map_err(|e| error(&e))?;
    let reply = run(&ctx, &call, "listSnapshots", None).await.map_err(|e| error(&e))?;
    reply_output(&reply)
}

/// `waitForSnapshot(config, snapshotId, options)` (docs/contract.md "Functions"):
/// polls `getSnapshot` (with the config's retries) until the snapshot's
/// status is `options.status`; the core's [`Waiter`] decides after each
/// poll. Rejects with `failed` (the error's `snapshot` holds it), `timeout`
/// (the message names the last status and progress), `aborted` (either
/// signal), or the poll's own error.
#[wasm_bindgen(js_name = waitForSnapshot)]
pub async fn wait_for_snapshot(config: JsValue, snapshot_id: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    wait(&config, &snapshot_id, &options).await.map_err(|e| error(&e))
}

async fn wait(config: &JsValue, snapshot_id: &JsValue, options: &JsValue) -> Result<JsValue, EvsError> {
    let mut ctx = context(config)?;
    let call = Call::show(&ctx.raw, &input(snapshot_id))?;
    let (raw, copy): (RawWaitOptions, _) = object("options", options, WAIT_OPTIONS)?;
    let wait_options = check_wait_options(&raw)?;
    ctx.signals.extend(args::signal(&member(&copy, "signal"), "options.signal")?);
    let on_progress = match member(&copy, "onProgress") {
        h if h.is_null() || h.is_undefined() => None,
        h if h.is_function() => Some(js_sys::Function::from(h)),
        h => return Err(EvsError::wrong_type("options.onProgress", "a function", args::type_name(&h))),
    };
    let call = with_project(&ctx, call).await?;
    let Target::Show(id) = &call.target else { return Err(EvsError::invalid_input("snapshotId is required")) };
    let mut waiter = Waiter::new(id, wait_options, send::now());
    loop {
        if send::is_aborted(&ctx.signals) {
            return Err(aborted());
        }
        let deadline = send::now() + waiter.remaining_ms(send::now());
        let snapshot = match run(&ctx, &call, "waitForSnapshot", Some(deadline)).await {
            Ok(Reply::Snapshot(s)) => s,
            Ok(_) => return Err(EvsError::invalid_response("internal: no snapshot where one was expected")),
            Err(e) if e.kind == ErrorKind::Timeout && waiter.remaining_ms(send::now()) <= 0.0 => return Err(waiter.timed_out()),
            Err(e) => return Err(e),
        };
        let (changed, step) = waiter.polled(&snapshot, send::now());
        if let (true, Some(hook)) = (changed, &on_progress) {
            if let Ok(plain) = output(&snapshot) {
                if let Ok(returned) = hook.call1(&JsValue::UNDEFINED, &plain) {
                    send::ignore_rejection(&returned);
                }
            }
        }
        match step {
            WaitStep::Reached => return output(&snapshot).map_err(|_| EvsError::invalid_response("internal: the snapshot could not be converted")),
            WaitStep::Failed(e) | WaitStep::TimedOut(e) => return Err(e),
            WaitStep::PollIn(ms) => send::sleep(ms, &ctx.signals).await,
        }
    }
}

/// A `paginateSnapshots` walk (docs/contract.md "Functions"): the JS entry's
/// async iterator calls [`SnapshotWalk::next`] page after page. The paging
/// decisions and the loop guard are the core's `Paginator`.
#[wasm_bindgen]
pub struct SnapshotWalk {
    state: Rc<RefCell<Walk>>,
}

enum Walk {
    /// Not started: the arguments, checked on the first `next()`.
    New {
        config: JsValue,
        options: JsValue,
    },
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
    let taken = std::mem::replace(&mut *state.borrow_mut(), Walk::Over);
    let started = match taken {
        Walk::New { config, options } => {
            let ctx = context(&config)?;
            let (options, _): (RawListOptions, _) = object("options", &options, LIST_OPTIONS)?;
            let call = Call::list(&ctx.raw, &options)?;
            let call = with_project(&ctx, call).await?;
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
    let Reply::Page(page) = run(&ctx, &call, "listSnapshots", None).await? else { return Ok(JsValue::NULL) };
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

/// `signRequest(request, credentials, date?)` (docs/contract.md "Signing other
/// calls"): `{ url, headers }` signed with SDK-HMAC-SHA256 at `date`
/// (default: now). Throws an error object on invalid input.
#[wasm_bindgen(js_name = signRequest)]
pub fn sign_request(request: JsValue, credentials: JsValue, date: JsValue) -> Result<JsValue, JsValue> {
    read_and_sign(&request, &credentials, &date).map_err(|e| error(&e)).and_then(|s| output(&SignedOut { url: &s.url, headers: &s.headers }))
}

fn read_and_sign(request: &JsValue, credentials: &JsValue, date: &JsValue) -> Result<SignedRequest, EvsError> {
    let args = sign_arguments(request, credentials, date)?;
    check_and_sign(&args.request, &args.body, &args.credentials, args.date_ms.unwrap_or_else(signing_time))
}

/// `setErrorFactory(fields => new EvsError(fields))`: called once by the JS
/// entry after loading, so that errors handed to callbacks are `EvsError`s
/// (not part of the public API).
#[wasm_bindgen(js_name = setErrorFactory)]
pub fn set_error_factory(factory: js_sys::Function) {
    args::set_error_factory(factory);
}

/// Bytes of linear memory now: for the memory tests and benchmarks (not
/// part of the public API).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    core::arch::wasm32::memory_size(0) as f64 * 65536.0
}
