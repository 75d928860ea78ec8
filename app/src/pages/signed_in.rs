//! The shell of every signed-in screen: without a session it asks to sign in (and comes back here after);
//! without the admin role it says so instead of showing a broken screen.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    components::{Outlet, Redirect},
    hooks::{use_location, use_navigate},
};

use crate::{routes, session::use_session};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    SignIn,
    Forbidden,
    Open,
}

#[component]
pub fn SignedIn() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let here = move || {
        let path = location.pathname.get_untracked();
        let search = location.search.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    // A memo, so that a refreshed token (a new session value) does not rebuild the page.
    let gate = Memo::new(move |_| {
        if !session.is_signed_in() {
            Gate::SignIn
        } else if session.is_forbidden() {
            Gate::Forbidden
        } else {
            Gate::Open
        }
    });
    move || match gate.get() {
        Gate::SignIn => {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            view! { <Redirect path=routes::sign_in(Some(&here())) options=replace /> }.into_any()
        }
        Gate::Forbidden => view! { <AdminRoleRequired /> }.into_any(),
        Gate::Open => view! { <Outlet /> }.into_any(),
    }
}

/// Shown to a signed-in user who lacks the admin role.
#[component]
pub fn AdminRoleRequired() -> impl IntoView {
    let session = use_session();
    let navigate = StoredValue::new_local(use_navigate());
    let switch_user = move |_| {
        navigate
            .with_value(|navigate| navigate(&routes::sign_in(None), NavigateOptions::default()));
        session.sign_out();
    };
    view! {
        <section class="page narrow forbidden" aria-labelledby="forbidden-title">
            <h1 id="forbidden-title">"Admin role required"</h1>
            <p>
                {move || match session.user() {
                    Some(user) => format!("You are signed in as {}, who is not an admin of this community.", user.username),
                    None => "The account you are signed in with is not an admin of this community.".to_owned(),
                }}
            </p>
            <p>"Webhooks can only be seen and managed by community admins. Sign in with an admin account, or ask an admin to give you the role."</p>
            <button type="button" class="button primary" on:click=switch_user>
                "Sign in as someone else"
            </button>
        </section>
    }
}
