//! What ends a wait early: the attempt's timer, the caller's signal, the
//! clock. [`Stop`] is a promise that resolves when its timer fires or one of
//! the caller's signals aborts, and every await on a JavaScript promise in
//! the shell outside `src/wasm/fetch.js` is raced against one
//! ([`Stop::race`]): a body that never ends or a stream that never settles
//! still ends at the deadline (also checked by the clock, which a stream
//! that never yields to the event loop cannot hold back).
//!
//! The caller's signal gets one `abort` listener however many calls share
//! it (one in fetch.js, one here for waits), removed when the last of them
//! ends (no lasting listener, no `MaxListenersExceededWarning`).

use std::cell::{Cell, RefCell};

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, EventTarget};

#[wasm_bindgen]
extern "C" {
    // The global timers, as gloo-timers binds them: in browsers, workers,
    // Node, Deno and Bun alike (`window` is not there in all of them). The
    // third argument is passed to the handler.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64, arg: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// What a [`Stop`] resolves with, made once: the timer's and the signal's
/// values are `Error`s, so that whatever an attempt's `AbortController` is
/// aborted with is an `Error` (as gloo-net and callers expect).
struct Reasons {
    timed_out: JsValue,
    aborted: JsValue,
    /// The attempt ended: the stop is settled so that nothing waits on it.
    ended: JsValue,
    /// `() => {}`, to mark a promise whose rejection nobody wants as handled.
    ignore: Closure<dyn FnMut(JsValue)>,
}

thread_local! {
    static REASONS: Reasons = Reasons {
        timed_out: js_sys::Error::new("timed out").into(),
        aborted: js_sys::Error::new("aborted by the caller's signal").into(),
        ended: js_sys::Object::new().into(),
        ignore: Closure::new(|_| {}),
    };
    /// The caller's signals now watched, each with one `abort` listener.
    static WATCHED: RefCell<Vec<Watched>> = const { RefCell::new(Vec::new()) };
    static NEXT_WAITER: Cell<u32> = const { Cell::new(0) };
}

/// One caller's signal, its single `abort` listener, and the stops waiting
/// on it.
struct Watched {
    signal: JsValue,
    listener: Closure<dyn FnMut()>,
    waiters: Vec<(u32, Function)>,
}

/// Has one of the caller's signals aborted (a call's, and a wait's)? A
/// getter that throws reads as aborted: the call then ends at once rather
/// than running on a signal it cannot read.
pub fn is_aborted(signals: &[JsValue]) -> bool {
    signals.iter().any(|s| Reflect::get(s, &JsValue::from_str("aborted")).map_or(true, |a| a.as_bool() == Some(true)))
}

/// `resolve` is called with the abort reason when `signal` aborts. Returns
/// the waiter's number, for [`unwatch`].
fn watch(signal: &JsValue, resolve: &Function) -> u32 {
    let id = NEXT_WAITER.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    let known = WATCHED.with_borrow_mut(|all| match all.iter_mut().find(|w| w.signal == *signal) {
        Some(w) => {
            w.waiters.push((id, resolve.clone()));
            true
        }
        None => false,
    });
    if !known {
        // The listener is added with no borrow held: a signal's
        // addEventListener is the caller's code and may call back.
        let sig = signal.clone();
        let listener = Closure::<dyn FnMut()>::new(move || wake_waiters(&sig));
        let _ = signal.unchecked_ref::<EventTarget>().add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        WATCHED.with_borrow_mut(|all| all.push(Watched { signal: signal.clone(), listener, waiters: vec![(id, resolve.clone())] }));
    }
    id
}

/// The listener's work: every stop waiting on `signal` resolves as aborted.
fn wake_waiters(signal: &JsValue) {
    let waiters: Vec<Function> = WATCHED
        .with_borrow(|all| all.iter().find(|w| w.signal == *signal).map(|w| w.waiters.iter().map(|(_, f)| f.clone()).collect()).unwrap_or_default());
    REASONS.with(|r| {
        for f in waiters {
            let _ = f.call1(&JsValue::UNDEFINED, &r.aborted);
        }
    });
}

/// Waiter `id` no longer waits; the last one takes the listener away.
fn unwatch(signal: &JsValue, id: u32) {
    let done = WATCHED.with_borrow_mut(|all| {
        let at = all.iter().position(|w| w.signal == *signal)?;
        let w = all.get_mut(at)?;
        w.waiters.retain(|(i, _)| *i != id);
        w.waiters.is_empty().then(|| all.swap_remove(at))
    });
    if let Some(w) = done {
        let _ = w.signal.unchecked_ref::<EventTarget>().remove_event_listener_with_callback("abort", w.listener.as_ref().unchecked_ref());
    }
}

/// Why an attempt (or a wait) was cut short.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Why {
    Timeout,
    Aborted,
}

/// A settled promise raced against a [`Stop`].
pub enum Raced {
    Value(JsValue),
    Rejected(JsValue),
    Stopped(Why),
}

/// What ends an attempt or a wait early: a promise that resolves when its
/// timer fires or the caller's signal aborts, and the deadline by the clock.
/// Dropping it clears the timer, stops watching the signal and settles the
/// promise, so that nothing is left waiting.
pub struct Stop {
    promise: Promise,
    resolve: Function,
    timer: JsValue,
    watched: Vec<(JsValue, u32)>,
    deadline: f64,
}

impl Stop {
    pub fn new(signals: &[JsValue], ms: f64) -> Stop {
        let mut resolver: Option<Function> = None;
        let promise = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
        // The executor runs at once; the fallback is never used.
        let resolve = resolver.unwrap_or_else(|| JsValue::UNDEFINED.unchecked_into());
        let timer = REASONS.with(|r| set_timeout(&resolve, ms, &r.timed_out));
        let watched = signals.iter().map(|s| (s.clone(), watch(s, &resolve))).collect();
        Stop { promise, resolve, timer, watched, deadline: now() + ms }
    }

    /// What the stop's promise resolved with, as a reason.
    fn why(v: &JsValue) -> Option<Why> {
        REASONS.with(|r| {
            if *v == r.timed_out {
                Some(Why::Timeout)
            } else if *v == r.aborted {
                Some(Why::Aborted)
            } else {
                None
            }
        })
    }

    /// Whether the call must end now, by the signal or the clock (which a
    /// stream that never yields to the event loop cannot hold back).
    pub fn due(&self) -> Option<Why> {
        if self.watched.iter().any(|(s, _)| is_aborted(std::slice::from_ref(s))) {
            Some(Why::Aborted)
        } else if now() >= self.deadline {
            Some(Why::Timeout)
        } else {
            None
        }
    }

    /// `value` (a promise or not) raced against the stop. `Promise.race`
    /// never throws: a thenable whose `then` throws becomes a rejection.
    pub async fn race(&self, value: &JsValue) -> Raced {
        if let Some(why) = self.due() {
            ignore_rejection(value);
            return Raced::Stopped(why);
        }
        let raced = Promise::race(&Array::of2(value, &self.promise));
        match JsFuture::from(raced).await {
            Ok(v) => match Stop::why(&v) {
                Some(why) => Raced::Stopped(why),
                None => Raced::Value(v),
            },
            Err(e) => Raced::Rejected(e),
        }
    }

    /// Waits for the stop itself: the timer (`None`) or the signal.
    async fn wait(&self) -> Option<Why> {
        match JsFuture::from(self.promise.clone()).await {
            Ok(v) if Stop::why(&v) == Some(Why::Aborted) => Some(Why::Aborted),
            _ => None,
        }
    }
}

impl Drop for Stop {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        for (signal, id) in &self.watched {
            unwatch(signal, *id);
        }
        REASONS.with(|r| {
            let _ = self.resolve.call1(&JsValue::UNDEFINED, &r.ended);
        });
    }
}

/// Marks `value`'s rejection, if it is a promise that rejects, as handled:
/// a promise the shell no longer waits for must not end as an unhandled
/// rejection in the host.
pub fn ignore_rejection(value: &JsValue) {
    REASONS.with(|r| {
        let _ = Promise::race(&Array::of1(value)).catch(&r.ignore);
    });
}

/// Aborts an attempt's `AbortController` with the reason `why` gives (an
/// `Error`), so that a fetch that honours the signal stops sending and
/// reading.
pub fn abort(ctrl: &AbortController, why: Why) {
    REASONS.with(|r| ctrl.abort_with_reason(if why == Why::Aborted { &r.aborted } else { &r.timed_out }));
}

/// A promise that resolves on the event loop's next turn (a zero-delay
/// timer), with a value that is no stop's reason.
pub fn tick() -> Promise {
    Promise::new(&mut |resolve, _reject| {
        REASONS.with(|r| set_timeout(&resolve, 0.0, &r.ended));
    })
}

/// `value` awaited until it settles, one of the caller's signals aborts, or
/// `ms` pass (a promise shared by several calls, IAM's lookup: each races
/// its own signals and time; the console's `authorize` in the signing
/// proxy; at most 2^31 − 1 ms, a timer's limit). The timer is
/// cleared and the signals unwatched however it ends.
pub async fn settled_or_stopped(value: &JsValue, signals: &[JsValue], ms: f64) -> Result<Result<JsValue, JsValue>, Why> {
    let stop = Stop::new(signals, ms);
    match stop.race(value).await {
        Raced::Value(v) => Ok(Ok(v)),
        Raced::Rejected(e) => Ok(Err(e)),
        Raced::Stopped(why) => Err(why),
    }
}

/// Waits `ms` milliseconds; the caller's signals end the wait early.
pub async fn sleep(ms: u64, signals: &[JsValue]) {
    if is_aborted(signals) {
        return;
    }
    let _ = Stop::new(signals, ms as f64).wait().await;
}

/// Waits until the clock reads past `deadline` (the core's
/// [`Deadline::until_past`]), or until the caller's signals end the wait.
/// Each round pauses at least 1 ms, so the loop ends.
pub async fn sleep_past(deadline: crate::core::wait::Deadline, signals: &[JsValue]) {
    while let Some(ms) = deadline.until_past(now()) {
        if is_aborted(signals) {
            return;
        }
        sleep(ms, signals).await;
    }
}

/// Milliseconds since the epoch.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// The jitter of the backoff, in `[0, 1)`.
pub fn random() -> f64 {
    js_sys::Math::random()
}
