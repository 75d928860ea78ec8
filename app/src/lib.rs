//! The webhook administration console.
//!
//! [`App`] provides the session, toasts, clock and [`router`], then the screen the path names (route table
//! in [`routes`]); screens are in [`pages`], reusable pieces in [`components`], the API client in [`api`].
//! Logic that is not
//! rendering lives in plain modules with plain tests: [`routes`], [`query`], [`time`], [`form`],
//! [`event_selection`], [`example_payload`], [`outcome`], [`json_tree`], [`response_body`], [`set`], [`snippets`], [`wire`].

pub mod api;
#[cfg(feature = "bench")]
pub mod bench;
pub mod clock;
pub mod components;
pub mod event_selection;
pub mod example_payload;
pub mod focus;
pub mod form;
pub mod json_tree;
pub mod outcome;
pub mod pages;
pub mod query;
pub mod response_body;
pub mod router;
pub mod routes;
pub mod session;
pub mod set;
pub mod snippets;
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
    provide_context(Toasts::new());
    PasswordLockout::provide();
    clock::provide_clock();
    SignatureToolInput::provide();
    router::provide_router();
    view! {
        <Layout>
            <Screens />
        </Layout>
    }
}
