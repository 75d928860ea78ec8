//! The SelfCommunity webhook API as both sides of this workspace see it.
//!
//! - [`types`]: request and response bodies of `../shared/spec/webhook-api.md` and `contract.md`.
//! - [`catalog`]: the 38 event types, their resources, descriptions and example payloads.
//! - [`signature`]: the `SelfCommunity-Signature` header: signing, parsing, verifying.
//! - [`bytes_literal`]: the Python `b'...'` form in which the platform stores response bodies.
//! - [`validate`]: field rules shared by the server's validation and the app's forms.

pub mod bytes_literal;
pub mod catalog;
pub mod signature;
pub mod types;
pub mod validate;

pub use types::*;
