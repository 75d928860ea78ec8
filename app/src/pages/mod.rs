pub mod endpoints;
pub mod home;
pub mod not_found;
