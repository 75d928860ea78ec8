//! The shell around every screen: header with navigation and the signed-in user, toasts, then the screen.

use leptos::prelude::*;

use super::toast::ToastRegion;
use crate::{
    router::{NavLink, use_location},
    routes,
    session::use_session,
};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href=routes::endpoints()>
                <span class="brand-mark" aria-hidden="true">"⟲"</span>
                "Webhooks"
            </a>
            <Show when=move || session.is_signed_in()>
                <nav aria-label="Main">
                    <NavLink href=routes::endpoints()>"Endpoints"</NavLink>
                    <NavLink href=routes::events()>"Events"</NavLink>
                    <NavLink href=routes::signature_tool()>"Signature tool"</NavLink>
                </nav>
                <UserMenu />
            </Show>
        </header>
        <main id="main" class="app-main" tabindex="-1">
            {children()}
        </main>
        <ToastRegion />
    }
}

/// Who is signed in, and the way out.
#[component]
fn UserMenu() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let sign_out = move |_| {
        location.navigate(&routes::sign_in(None), false);
        session.sign_out();
    };
    view! {
        <div class="user-menu">
            {move || match session.user() {
                Some(user) => view! {
                    <span class="user-name" title=user.email.clone()>
                        {user.username.clone()}
                        <span class="user-role">{user.role.as_str()}</span>
                    </span>
                }
                .into_any(),
                // The server did not say who this is (no `/user/me/`): the name typed, if any.
                None => view! {
                    <span class="user-name">
                        {session.username().unwrap_or_else(|| "Signed in with a token".to_owned())}
                        <span class="user-role-unknown">"role unknown"</span>
                    </span>
                }
                .into_any(),
            }}
            <button type="button" class="button small" on:click=sign_out>
                "Sign out"
            </button>
        </div>
    }
}
