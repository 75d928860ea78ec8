//! Which screen shows: the one the path names, behind the session gate. Without a session a screen
//! asks to sign in first (and comes back after); without the admin role it says so instead of showing a
//! broken screen.

use leptos::prelude::*;

use super::{attempts, endpoints, events, not_found, sign_in, signature_tool};
use crate::{
    router::use_location,
    routes::{self, Route},
    session::use_session,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    SignIn,
    Forbidden,
    Open,
}

#[component]
pub fn Screens() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    // One memo for both, so the screen's effect has a single source: with the gate as a memo of the
    // route read next to the route, a change of route alone was missed. A memo also means a refreshed
    // token (a new session value) does not rebuild the screen.
    let shown = Memo::new(move |_| {
        let route = Route::parse(&location.path());
        let gate = if !route.needs_session() {
            Gate::Open
        } else if !session.is_signed_in() {
            Gate::SignIn
        } else if session.is_forbidden() {
            Gate::Forbidden
        } else {
            Gate::Open
        };
        (gate, route)
    });
    Effect::new(move |_| match shown.get() {
        (Gate::SignIn, _) => location.navigate(&routes::sign_in(Some(&location.here())), true),
        (Gate::Open, Route::Home) => location.navigate(&routes::endpoints(), true),
        _ => {}
    });
    move || match shown.get() {
        (Gate::SignIn, _) => ().into_any(),
        (Gate::Forbidden, _) => view! { <AdminRoleRequired /> }.into_any(),
        (Gate::Open, route) => screen(route),
    }
}

fn screen(route: Route) -> AnyView {
    match route {
        Route::Home => ().into_any(),
        Route::SignIn => view! { <sign_in::SignIn /> }.into_any(),
        Route::Endpoints => view! { <endpoints::EndpointList /> }.into_any(),
        Route::EndpointNew => view! { <endpoints::EndpointNew /> }.into_any(),
        Route::Endpoint(id) => view! { <endpoints::EndpointDetail id /> }.into_any(),
        Route::EndpointEdit(id) => view! { <endpoints::EndpointEdit id /> }.into_any(),
        Route::Attempts(id) => view! { <attempts::AttemptsPage id /> }.into_any(),
        Route::Events => view! { <events::EventCatalog /> }.into_any(),
        Route::SignatureTool => view! { <signature_tool::SignatureTool /> }.into_any(),
        Route::NotFound => view! { <not_found::NotFound /> }.into_any(),
    }
}

/// Shown to a signed-in user who lacks the admin role.
#[component]
pub fn AdminRoleRequired() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let switch_user = move |_| {
        location.navigate(&routes::sign_in(None), false);
        session.sign_out();
    };
    view! {
        <section class="page narrow forbidden" aria-labelledby="forbidden-title">
            <h1 id="forbidden-title">"Admin role required"</h1>
            <p>
                {move || match session.username() {
                    Some(username) => format!("You are signed in as {username}, who is not an admin of this community."),
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
