//! Signing in and who may do what (contract section 2, and the throttle of section 6):
//! [`accounts`] holds the users and their tokens and checks passwords, [`hashing`] bounds the
//! password checks (threads of their own, a short queue), [`throttle`] counts wrong passwords,
//! [`middleware`] guards the routes by role.

pub mod accounts;
pub mod hashing;
pub mod middleware;
pub mod throttle;

pub use accounts::Accounts;
pub use middleware::{CurrentUser, require_role};
