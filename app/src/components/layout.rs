//! The shell around every screen: header with navigation, the signed-in user and the theme switch,
//! toasts, then the screen.

use leptos::prelude::*;

use super::toast::ToastRegion;
use crate::{
    router::{NavLink, use_location},
    routes,
    session::use_session,
    theme::Theme,
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
            </Show>
            <div class="header-end">
                <Show when=move || session.is_signed_in()>
                    <UserMenu />
                </Show>
                <ThemeSwitch />
            </div>
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

/// Light, dark, or the system's theme; remembered in this browser.
#[component]
fn ThemeSwitch() -> impl IntoView {
    let stored = Theme::stored();
    view! {
        <label class="theme-switch">
            <span class="visually-hidden">"Theme"</span>
            <select on:change=move |ev| Theme::parse(&event_target_value(&ev)).apply()>
                {Theme::ALL.map(|theme| view! {
                    <option value=theme.as_str() selected=theme == stored>{theme.label()}</option>
                })}
            </select>
        </label>
    }
}
