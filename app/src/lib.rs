//! The webhook administration console.
//!
//! [`App`] provides the session, toasts and clock, then the router; the route table is in [`routes`],
//! screens in [`pages`], reusable pieces in [`components`], the API client in [`api`]. Logic that is not
//! rendering lives in plain modules with plain tests: [`query`], [`time`], [`form`], [`event_selection`].

pub mod api;
pub mod clock;
pub mod components;
pub mod event_selection;
pub mod form;
pub mod pages;
pub mod query;
pub mod routes;
pub mod session;
pub mod time;

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::{components::layout::Layout, components::toast::Toasts, session::SessionCtx};

/// The whole console.
#[component]
pub fn App() -> impl IntoView {
    let session = SessionCtx::from_storage();
    provide_context(session);
    session.keep_fresh();
    provide_context(Toasts::new());
    clock::provide_clock();
    view! {
        <Router>
            <Layout>
                <routes::AppRoutes />
            </Layout>
        </Router>
    }
}
