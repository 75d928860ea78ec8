//! mock-server's integration tests, one module per feature, in one binary so the suite compiles and
//! links once. Each test starts its own server on port 0 (`common`).

mod common;

mod auth;
mod connections;
mod crash;
mod delivery;
mod endpoints;
mod errors;
mod health;
mod logs;
mod openapi;
mod pagination;
mod persistence;
mod private_targets;
mod resend;
mod route_auth;
mod secrets;
mod seed;
mod sign_in;
mod sink;
mod static_files;
mod test_events;
mod tls;
