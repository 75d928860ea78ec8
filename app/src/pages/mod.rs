//! The routed screens.

pub mod attempts;
pub mod endpoints;
pub mod events;
pub mod not_found;
pub mod sign_in;
pub mod signature_tool;
pub mod signed_in;
