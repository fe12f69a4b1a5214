//! The sans-IO core: pure functions from inputs to requests and from
//! responses to models or errors. No wasm, no JS types, no I/O, no panics.
//!
//! An argument passes through four files, numbered in that order:
//!
//! 1. `arg1_shape`: the keys each argument may hold, and the error for any
//!    other; the shell copies the caller's object into plain data by these
//!    shapes (`src/wasm/args.rs`);
//! 2. `arg2_raw`: the copy read into serde types, the arguments as given;
//! 3. `arg3_input`: each of their values, loosely typed ([`arg3_input::Input`];
//!    the wire's values too), and the one-path-segment rule of an ID;
//! 4. `arg4_config`: validation: checked values (a `Config`, a
//!    `ListQuery`), or an `invalid_input` error naming the field.
//!
//! Then the other files, each an idea:
//!
//! - `call`: one call step by step: what to send, what an outcome means
//!   (the state machine);
//! - `ended`: how an attempt ended, as the shell saw it, and the response
//!   headers the rules read;
//! - `endpoint`: where requests go (`endpoint` or `region`);
//! - `iam`: the project ID of a region, from IAM;
//! - `request`: where the URL and headers are built (and signed), and
//!   `signRequest`'s checks;
//! - `sign`: SDK-HMAC-SHA256, as Huawei's official SDK signs (`sha2`, `hmac`);
//! - `response`: where a 2xx body becomes a snapshot or a page;
//! - `wire`, `model`: a snapshot as EVS sends it, and as JavaScript gets it;
//! - `error_body`: an error answer's body, in every documented shape;
//! - `retry`: where retries are decided (a wrong clock's resend too);
//! - `paginate`: where pages are followed;
//! - `proxy`: the signing proxy's decisions (`createProxy`; the `proxy` feature);
//! - `wait`: where a wait for a snapshot's status is decided;
//! - `encode`, `time`: percent-encoding and the service's timestamps.

#![warn(missing_docs)]

pub mod arg1_shape;
pub mod arg2_raw;
pub mod arg3_input;
pub mod arg4_config;
pub mod call;
pub mod encode;
pub mod ended;
pub mod endpoint;
pub mod error;
pub mod error_body;
pub mod iam;
pub mod model;
pub mod paginate;
// Only where it is used (the Node build, and the tests): the browser's
// module stays as it was, byte for byte.
#[cfg(any(test, feature = "proxy"))]
pub mod proxy;
pub mod request;
pub mod response;
pub mod retry;
pub mod sign;
pub mod time;
pub mod wait;
pub mod wire;
