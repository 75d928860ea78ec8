//! The webhook administration console.
//!
//! [`App`] sets up the providers and the router; the route table is in [`routes`], screens in `pages`,
//! reusable pieces in `components`.

pub mod components;
pub mod pages;
pub mod routes;

use leptos::prelude::*;
use leptos_router::components::Router;

use crate::components::layout::Layout;

/// The whole console.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Layout>
                <routes::AppRoutes />
            </Layout>
        </Router>
    }
}
