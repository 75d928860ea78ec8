//! The webhook administration console.
//!
//! [`App`] provides the session, toasts, clock and [`router`], then the screen the path names (route table
//! in [`routes`]); screens are in [`pages`], one folder per feature with the logic only it uses, reusable
//! pieces in [`components`], the API client in [`api`] with its JSON in [`wire`]. Logic that several
//! features share, with plain tests: [`routes`], [`url`], [`query`], [`paging`], [`time`], [`json_tree`], [`set`],
//! and [`deliveries`] (each event's delivery state from its attempts; the bounded scan that loads them).
//! The colour [`theme`] the header's switch sets.

pub mod api;
#[cfg(feature = "bench")]
pub mod bench;
pub mod clock;
pub mod components;
pub mod deliveries;
pub mod focus;
pub mod json_tree;
pub mod pages;
pub mod paging;
pub mod query;
pub mod router;
pub mod routes;
pub mod session;
pub mod set;
pub mod theme;
pub mod time;
pub mod url;
pub mod wire;

use leptos::prelude::*;

use crate::{
    components::{layout::Layout, password_dialog::PasswordLockout, toast::Toasts},
    pages::{signature_tool::SignatureToolInput, signed_in::Screens},
    session::SessionCtx,
};

/// The whole console.
#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx::from_storage();
    provide_context(session);
    session.keep_fresh();
    let location = router::provide_router();
    provide_context(Toasts::new(location));
    PasswordLockout::provide();
    clock::provide_clock();
    SignatureToolInput::provide();
    view! {
        <Layout>
            <Screens />
        </Layout>
    }
}
