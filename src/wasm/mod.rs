//! The async shell: the wasm module's exports. The only code that touches
//! JavaScript values; everything it decides, it asks the core.
//!
//! Two rules hold everywhere here, because a wasm instance cannot recover
//! from their breach:
//!
//! - **no JavaScript exception ever unwinds through a wasm frame**: every
//!   import that can run the caller's code is a `catch` import, or the value
//!   is first copied into plain data in one place (`args`: arguments, read
//!   then with serde-wasm-bindgen; `response`: a response that is not a
//!   genuine `Response`, read structurally);
//! - **every await on a JavaScript promise is raced against the attempt's
//!   timer and the caller's signal** (`stop::Stop`), so that a `fetch` that
//!   ignores `Request.signal` still times out.
//!
//! Files: `args` (arguments in, results out), `attempt` (one attempt's
//! I/O, through `src/wasm/fetch.js`), `response` (reading what is not a
//! genuine `Response`), `stop` (the timer and the caller's signals: what
//! ends an await early), `proxy` (the signing proxy).
//!
//! Data crosses into wasm once per call (the arguments) and out once (a
//! plain object, or an error object that the JS entry turns into an
//! `EvsError`).

mod args;
mod attempt;
#[cfg(feature = "proxy")]
mod proxy;
mod response;
mod stop;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::core::arg1_shape::{LIST_OPTIONS, WAIT_OPTIONS};
use crate::core::arg2_raw::{RawListOptions, RawWaitOptions};
use crate::core::call::{aborted, AttemptReport, Attempts, Call, Reply, Step, Target};
use crate::core::ended::Ended;
use crate::core::error::ErrorKind;
use crate::core::error::EvsError;
use crate::core::paginate::Paginator;
use crate::core::request::{check_and_sign, SignedRequest};
use crate::core::wait::{check_wait_options, Deadline, Pause, WaitStep, Waiter};
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
    stop::now() + CLOCK_OFFSET_MS.with(std::cell::Cell::get)
}

/// How a call ended without its reply.
enum Halt {
    /// The call's own error.
    Failed(EvsError),
    /// A wait's deadline came first (docs/contract.md "waitForSnapshot"):
    /// the wait rejects with its own `timeout`, naming the last status.
    TimeUp,
}

impl From<Halt> for EvsError {
    fn from(h: Halt) -> EvsError {
        match h {
            Halt::Failed(e) => e,
            // Only a call with a deadline (a wait's) ends so.
            Halt::TimeUp => EvsError::new(ErrorKind::Timeout, "the wait's time is up"),
        }
    }
}

/// The call's attempts, as the core's [`Attempts`] says (docs/contract.md
/// "Retries, timeouts and cancellation"): the shell sends, sleeps, keeps
/// the clock offset and tells `onAttempt`; every decision is the core's.
/// `operation` names the call in `onAttempt`'s `info`.
async fn run(ctx: &Context, call: &Call, operation: &str) -> Result<Reply, EvsError> {
    run_until(ctx, call, operation, None).await.map_err(EvsError::from)
}

/// [`run`], bounded by a wait's deadline (the core's [`Deadline`]): no
/// attempt starts once it has come, each attempt is cut at it, and a retry
/// whose pause would reach it is not taken: [`Halt::TimeUp`] at once, and the
/// wait's `time_up` waits until the deadline has passed. Nothing is sent,
/// and no timer is left, once this returns.
async fn run_until(ctx: &Context, call: &Call, operation: &str, deadline: Option<Deadline>) -> Result<Reply, Halt> {
    let mut attempts = Attempts::new(call.clone(), CLOCK_OFFSET_MS.with(std::cell::Cell::get));
    let signals = ctx.signals.as_slice();
    loop {
        if stop::is_aborted(signals) {
            return Err(Halt::Failed(aborted()));
        }
        let started = stop::now();
        let (timeout_ms, cut) = match deadline {
            Some(d) => d.attempt_ms(call.config.timeout_ms, started).ok_or(Halt::TimeUp)?,
            None => (call.config.timeout_ms, false),
        };
        let request = attempts.request(started);
        let end = attempt::attempt(&ctx.fetch, signals, &request, timeout_ms).await;
        let step = attempts.ended(&end, stop::now(), stop::random());
        if let (Some(hook), Some(report)) = (&ctx.on_attempt, attempts.report()) {
            tell(hook, operation, report, stop::now() - started);
        }
        // An attempt cut at the deadline that ran out of time: the
        // deadline's timeout, not the attempt's.
        if cut && matches!(end, Ended::Timeout) {
            return Err(Halt::TimeUp);
        }
        match step {
            Step::Done(reply) => return Ok(reply),
            Step::Fail(e) => return Err(Halt::Failed(e)),
            Step::Resend => CLOCK_OFFSET_MS.with(|o| o.set(attempts.clock_offset())),
            // An abort during the wait ends it early; the next round says so.
            Step::Wait(ms) => match deadline.map_or(Pause::Then(ms), |d| d.pause(stop::now(), ms)) {
                Pause::Then(ms) => stop::sleep(ms, signals).await,
                // No attempt could start before the deadline: stop; the
                // wait keeps its deadline (time_up sleeps until it passes).
                Pause::UntilDeadline(_) => return Err(Halt::TimeUp),
            },
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
        stop::ignore_rejection(&returned);
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
enum Project {
    Known(String),
    /// Being asked: concurrent first calls await this one request.
    Asking(Asking),
}

/// A lookup in flight, shared by the calls waiting on it.
struct Asking {
    /// Resolves to the project ID; rejects with an error object.
    promise: Promise,
    /// Tells this lookup from a later one for the same key.
    serial: u32,
    /// The calls waiting on it now.
    waiters: u32,
    /// Aborts the lookup when the last of them gives up (its deadline or
    /// signal): a lookup nobody awaits sends nothing more and keeps no
    /// timer running.
    cancel: Option<web_sys::AbortController>,
}

thread_local! {
    /// Project IDs from IAM (docs/contract.md "Project ID from IAM"), kept in the
    /// module instance per key pair, region and IAM endpoint. A failed
    /// lookup is not kept: the next call asks again.
    static PROJECTS: RefCell<Vec<(String, Project)>> = const { RefCell::new(Vec::new()) };
    static NEXT_LOOKUP: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One call's interest in lookup `serial`: dropped when the call stops
/// waiting on it, however that ends. The last one to leave a lookup still
/// in flight cancels it (it is no longer shared, so nobody else loses it).
struct Interest(u32);

impl Interest {
    fn join(serial: u32) -> Interest {
        PROJECTS.with_borrow_mut(|all| {
            for (_, p) in all.iter_mut() {
                if let Project::Asking(a) = p {
                    if a.serial == serial {
                        a.waiters = a.waiters.saturating_add(1);
                    }
                }
            }
        });
        Interest(serial)
    }
}

impl Drop for Interest {
    fn drop(&mut self) {
        let serial = self.0;
        let cancel = PROJECTS.with_borrow_mut(|all| {
            let at = all.iter().position(|(_, p)| matches!(p, Project::Asking(a) if a.serial == serial))?;
            let Some((_, Project::Asking(a))) = all.get_mut(at) else { return None };
            a.waiters = a.waiters.saturating_sub(1);
            if a.waiters > 0 {
                return None;
            }
            match all.swap_remove(at) {
                (_, Project::Asking(a)) => a.cancel,
                _ => None,
            }
        });
        // With no borrow held: aborting runs the listeners.
        if let Some(c) = cancel {
            c.abort();
        }
    }
}

/// `call`, with its project ID: from IAM when the config left it out. A
/// wait's `deadline` bounds the time spent waiting on the lookup
/// ([`Halt::TimeUp`]); the lookup itself, shared with concurrent calls,
/// goes on for the others.
async fn with_project(ctx: &Context, call: Call, deadline: Option<Deadline>) -> Result<Call, Halt> {
    let Some(lookup) = call.project_lookup() else { return Ok(call) };
    let (Target::Projects(where_), crate::core::arg4_config::Auth::Keys { access_key, .. }) = (&lookup.target, &lookup.config.auth) else {
        return Ok(call);
    };
    let key = format!("{access_key}\n{}\n{}://{}{}", where_.region, where_.iam.scheme, where_.iam.host, where_.iam.path_prefix);
    let known = PROJECTS.with_borrow(|all| {
        all.iter().find(|(k, _)| *k == key).map(|(_, p)| match p {
            Project::Known(id) => Err(id.clone()),
            Project::Asking(a) => Ok((a.promise.clone(), a.serial)),
        })
    });
    let (asking, serial) = match known {
        Some(Err(id)) => return Ok(call.with_project(id)),
        Some(Ok(asking)) => asking,
        None => {
            let serial = NEXT_LOOKUP.with(|n| {
                n.set(n.get().wrapping_add(1));
                n.get()
            });
            // Not the caller's signals: other calls may share this request.
            // Its own, aborted when nobody waits on it any more.
            let cancel = web_sys::AbortController::new().ok();
            let lookup_ctx = Context { signals: cancel.iter().map(|c| c.signal().into()).collect(), ..ctx.clone() };
            let k = key.clone();
            let p = wasm_bindgen_futures::future_to_promise(async move {
                let found = match run(&lookup_ctx, &lookup, "projectId").await {
                    Ok(Reply::ProjectId(id)) => Ok(id),
                    Ok(_) => Err(EvsError::invalid_response("internal: IAM gave no project ID")),
                    Err(e) => Err(e),
                };
                PROJECTS.with_borrow_mut(|all| {
                    // This lookup's entry, if still there (not a later one's).
                    all.retain(|(_, p)| !matches!(p, Project::Asking(a) if a.serial == serial));
                    if let Ok(id) = &found {
                        all.retain(|(key, p)| !(*key == k && matches!(p, Project::Known(_))));
                        all.push((k.clone(), Project::Known(id.clone())));
                    }
                });
                found.map(|id| JsValue::from_str(&id)).map_err(|e| error(&e))
            });
            PROJECTS.with_borrow_mut(|all| all.push((key, Project::Asking(Asking { promise: p.clone(), serial, waiters: 0, cancel }))));
            (p, serial)
        }
    };
    let _interest = Interest::join(serial);
    loop {
        // Raced against the time left (a timer runs at most 2^31 − 1 ms:
        // a longer wait races again).
        let left = deadline.map_or(f64::INFINITY, |d| d.left_ms(stop::now()));
        if left <= 0.0 {
            return Err(Halt::TimeUp);
        }
        match stop::settled_or_stopped(&asking, &ctx.signals, left.min(f64::from(crate::core::arg4_config::MAX_TIMEOUT_MS))).await {
            Ok(Ok(id)) => {
                return id
                    .as_string()
                    .map(|id| call.with_project(id))
                    .ok_or_else(|| Halt::Failed(EvsError::invalid_response("internal: IAM gave no project ID")))
            }
            Ok(Err(e)) => return Err(Halt::Failed(args::error_from(&e))),
            Err(stop::Why::Aborted) => return Err(Halt::Failed(aborted())),
            // The timer: the next round says whether the time is up.
            Err(stop::Why::Timeout) => {}
        }
    }
}

/// `getSnapshot(config, snapshotId)`: `GET {endpoint}/v2/{projectId}/cloudsnapshots/{snapshotId}`
/// (docs/evs-api.md "Show one snapshot"). Resolves to a `Snapshot`; rejects with an error object.
#[wasm_bindgen(js_name = getSnapshot)]
pub async fn get_snapshot(config: JsValue, snapshot_id: JsValue) -> Result<JsValue, JsValue> {
    let ctx = context(&config).map_err(|e| error(&e))?;
    let call = Call::show(&ctx.raw, &input(&snapshot_id)).map_err(|e| error(&e))?;
    let call = with_project(&ctx, call, None).await.map_err(|e| error(&e.into()))?;
    let reply = run(&ctx, &call, "getSnapshot").await.map_err(|e| error(&e))?;
    reply_output(&reply)
}

/// `listSnapshots(config, options)`: `GET {endpoint}/v2/{projectId}/snapshots?...`
/// (docs/evs-api.md "List snapshots"). Resolves to a `SnapshotPage`; rejects with an error object.
#[wasm_bindgen(js_name = listSnapshots)]
pub async fn list_snapshots(config: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let ctx = context(&config).map_err(|e| error(&e))?;
    let (options, _): (RawListOptions, _) = object("options", &options, LIST_OPTIONS).map_err(|e| error(&e))?;
    let call = Call::list(&ctx.raw, &options).map_err(|e| error(&e))?;
    let call = with_project(&ctx, call, None).await.map_err(|e| error(&e.into()))?;
    let reply = run(&ctx, &call, "listSnapshots").await.map_err(|e| error(&e))?;
    reply_output(&reply)
}

/// `waitForSnapshot(config, snapshotId, options)` (docs/contract.md "waitForSnapshot"):
/// polls `getSnapshot` (with the config's retries) until the snapshot's
/// status is `options.status`; the core's [`Waiter`] decides after each
/// poll. Rejects with `failed` (the error's `snapshot` holds it), `timeout`
/// at the deadline `timeoutMs` after the start, not before (the message
/// names the last status and progress), `aborted` (either signal), or the
/// poll's own error. The deadline bounds the IAM lookup, every attempt and
/// every pause; nothing is sent and no timer is left once it settles.
#[wasm_bindgen(js_name = waitForSnapshot)]
pub async fn wait_for_snapshot(config: JsValue, snapshot_id: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    wait(&config, &snapshot_id, &options).await.map_err(|e| error(&e))
}

/// A wait whose time is up: the rejection waits until the clock reads past
/// the deadline (a timer may fire up to 1 ms early, `Deadline::until_past`),
/// then is `timed_out`, or `aborted` when the caller aborted meanwhile.
async fn time_up(deadline: Deadline, signals: &[JsValue], timed_out: EvsError) -> EvsError {
    stop::sleep_past(deadline, signals).await;
    if stop::is_aborted(signals) {
        aborted()
    } else {
        timed_out
    }
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
    let Target::Show(id) = &call.target else { return Err(EvsError::invalid_input("snapshotId is required")) };
    // The deadline bounds everything from here on, IAM's lookup included.
    let mut waiter = Waiter::new(id, wait_options, stop::now());
    let deadline = waiter.deadline();
    let call = match with_project(&ctx, call, Some(deadline)).await {
        Ok(call) => call,
        Err(Halt::TimeUp) => return Err(time_up(deadline, &ctx.signals, waiter.timed_out()).await),
        Err(Halt::Failed(e)) => return Err(e),
    };
    loop {
        if stop::is_aborted(&ctx.signals) {
            return Err(aborted());
        }
        let snapshot = match run_until(&ctx, &call, "waitForSnapshot", Some(deadline)).await {
            Ok(Reply::Snapshot(s)) => s,
            Ok(_) => return Err(EvsError::invalid_response("internal: no snapshot where one was expected")),
            Err(Halt::TimeUp) => return Err(time_up(deadline, &ctx.signals, waiter.timed_out()).await),
            Err(Halt::Failed(e)) => return Err(e),
        };
        let (changed, step) = waiter.polled(&snapshot, stop::now());
        if let (true, Some(hook)) = (changed, &on_progress) {
            if let Ok(plain) = output(&snapshot) {
                if let Ok(returned) = hook.call1(&JsValue::UNDEFINED, &plain) {
                    stop::ignore_rejection(&returned);
                }
            }
        }
        match step {
            WaitStep::Reached => return output(&snapshot).map_err(|_| EvsError::invalid_response("internal: the snapshot could not be converted")),
            WaitStep::Failed(e) => return Err(e),
            WaitStep::PollIn(ms) => stop::sleep(ms, &ctx.signals).await,
            // No poll could start before the deadline: none is sent; the
            // wait ends at the deadline (or at an abort before it).
            WaitStep::TimeOutIn(_) => return Err(time_up(deadline, &ctx.signals, waiter.timed_out()).await),
        }
    }
}

/// A `paginateSnapshots` walk (docs/contract.md "paginateSnapshots"): the JS entry's
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
            let call = with_project(&ctx, call, None).await?;
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
    let Reply::Page(page) = run(&ctx, &call, "listSnapshots").await? else { return Ok(JsValue::NULL) };
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
