//! Signing in and who may do what (contract section 2, and the throttle of section 6):
//! [`accounts`] holds the users and their tokens and checks passwords, [`throttle`] counts wrong
//! passwords, [`middleware`] guards the routes by role.

pub mod accounts;
pub mod middleware;
mod throttle;

pub use accounts::Accounts;
pub use middleware::{CurrentUser, require_role};
