//! The sans-IO core: pure functions from inputs to requests and from
//! responses to models or errors. No wasm, no JS types, no I/O, no panics.
//!
//! - `call`: one call step by step: what to send, what an outcome means;
//! - `config`: validation of what the caller passed;
//! - `request`: where the URL and headers are built (and signed);
//! - `sign`: SDK-HMAC-SHA256, as Huawei's official SDK signs (`sha256`:
//!   the hash and the HMAC);
//! - `response`: where a response becomes a snapshot, a page or an error;
//! - `retry`: where retries are decided;
//! - `paginate`: where pages are followed;
//! - `json`, `encode`, `time`, `sort`: the small parts they share.

pub mod call;
pub mod config;
pub mod encode;
pub mod error;
pub mod json;
pub mod paginate;
pub mod request;
pub mod response;
pub mod retry;
pub mod sha256;
pub mod sign;
pub mod sort;
pub mod time;

/// What the standard prelude gives, from `alloc`, so the core builds
/// without std too (the shipped wasm build is no_std).
#[allow(unused_imports)]
pub(crate) mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}
