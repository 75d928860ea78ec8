//! The shell around every screen: header with navigation and the signed-in user, toasts, then the screen.

use leptos::prelude::*;
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};

use super::toast::ToastRegion;
use crate::{routes, session::use_session};

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
                    <A href=routes::endpoints()>"Endpoints"</A>
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
    let navigate = StoredValue::new_local(use_navigate());
    let sign_out = move |_| {
        navigate
            .with_value(|navigate| navigate(&routes::sign_in(None), NavigateOptions::default()));
        session.sign_out();
    };
    view! {
        <div class="user-menu">
            {move || {
                session
                    .user()
                    .map(|user| {
                        view! {
                            <span class="user-name" title=user.email.clone()>
                                {user.username.clone()}
                                <span class="user-role">{user.role.as_str()}</span>
                            </span>
                        }
                    })
            }}
            <button type="button" class="button small" on:click=sign_out>
                "Sign out"
            </button>
        </div>
    }
}
