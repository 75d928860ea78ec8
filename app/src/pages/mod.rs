//! The routed screens.

pub mod endpoints;
pub mod not_found;
pub mod sign_in;
pub mod signed_in;
