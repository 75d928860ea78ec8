//! The shell around every screen: header with navigation, then the screen.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::routes;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href="/">"Webhooks"</a>
            <nav aria-label="Main">
                <A href=routes::endpoints()>"Endpoints"</A>
            </nav>
        </header>
        <main id="main" class="app-main">{children()}</main>
    }
}
