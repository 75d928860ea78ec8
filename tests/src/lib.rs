//! The end-to-end tests' library: the harness and the page objects the tests drive the console through.
//!
//! [`browser_test`] starts a real mock-server (in this process, on a free port, serving the built app
//! from `dist/`) and headless Chromium, runs a test, saves a screenshot under `target/e2e-artifacts/` if
//! it fails, and stops everything whether it passed or not. The test gets a [`Ctx`] (the browser, and the
//! server's [`Api`]); each screen is a page object in [`pages`] that holds the screen's selectors, so a
//! test reads as what a person does and sees. [`reference_test`] runs a test with the console in front of
//! the platform's reference alone ([`reference::ProxyServer`]: mock-server without the contract's
//! additions, paging by 5).

mod api;
pub mod axe;
mod ctx;
mod harness;
pub mod keyboard;
pub mod layout;
pub mod pages;
pub mod reference;

pub use api::Api;
pub use ctx::{Ctx, WAIT_TIMEOUT};
pub use harness::{
    Chromedriver, TestServer, artifacts_dir, browser_test, browser_test_with, devtools,
    reference_test, workspace_root,
};
