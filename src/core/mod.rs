//! The sans-IO core: pure functions from inputs to requests and from
//! responses to models or errors. No wasm, no JS types, no I/O, no panics.
//!
//! - `call`: one call step by step: what to send, what an outcome means;
//! - `input`: loosely typed values, as a caller or the wire gives them;
//! - `raw`: the arguments as given (serde types of `input` values);
//! - `shape`: the keys each argument may hold, and the error for any other;
//! - `config`: validation of what the caller passed;
//! - `endpoint`: where requests go (`endpoint` or `region`);
//! - `iam`: the project ID of a region, from IAM;
//! - `request`: where the URL and headers are built (and signed);
//! - `sign`: SDK-HMAC-SHA256, as Huawei's official SDK signs (`sha2`, `hmac`);
//! - `response`: where a 2xx body becomes a snapshot or a page;
//! - `wire`, `model`: a snapshot as EVS sends it, and as JavaScript gets it;
//! - `error_body`: an error answer's body, in every documented shape;
//! - `retry`: where retries are decided;
//! - `paginate`: where pages are followed;
//! - `proxy`: the signing proxy's decisions (`createProxy`; the `proxy` feature);
//! - `wait`: where a wait for a snapshot's status is decided;
//! - `encode`, `time`: percent-encoding and the service's timestamps.

#![warn(missing_docs)]

pub mod call;
pub mod config;
pub mod encode;
pub mod ended;
pub mod endpoint;
pub mod error;
pub mod error_body;
pub mod iam;
pub mod input;
pub mod model;
pub mod paginate;
// Only where it is used (the Node build, and the tests): the browser's
// module stays as it was, byte for byte.
#[cfg(any(test, feature = "proxy"))]
pub mod proxy;
pub mod raw;
pub mod request;
pub mod response;
pub mod retry;
pub mod shape;
pub mod sign;
pub mod time;
pub mod wait;
pub mod wire;
