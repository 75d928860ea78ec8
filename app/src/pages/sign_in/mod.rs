//! Sign in: username and password (OAuth2 password grant) or a pasted access token, optionally against
//! another server; then back to the page that asked for it. The form's state is `SignInForm`.

mod state;

use leptos::prelude::*;

use self::state::{Method, SignInForm};
use crate::session::use_session;

#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let form = SignInForm::new();
    let pending = form.pending;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit();
    };
    view! {
        <section class="page narrow sign-in" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            <p class="muted">"Manage the webhooks of your community. You need an admin account."</p>
            {move || session.notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <form class="form card" on:submit=on_submit novalidate>
                <MethodChoice method=form.method />
                <Show
                    when=move || form.method.get() == Method::Password
                    fallback=move || view! { <TokenField token=form.token /> }
                >
                    <PasswordFields username=form.username password=form.password />
                </Show>
                <ServerFields form />
                {move || form.error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="form-actions">
                    // Not `disabled` while signing in: that would drop keyboard focus (a second submit is ignored).
                    <button type="submit" class="button primary" aria-disabled=move || pending.get().to_string()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// Username and password, or an access token.
#[component]
fn MethodChoice(method: RwSignal<Method>) -> impl IntoView {
    let choice = move |value: Method, label: &'static str| {
        view! {
            <label class:selected=move || method.get() == value>
                <input
                    type="radio"
                    name="method"
                    prop:checked=move || method.get() == value
                    on:change=move |_| method.set(value)
                />
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="segmented">
            <legend class="visually-hidden">"Sign in with"</legend>
            {choice(Method::Password, "Username and password")}
            {choice(Method::Token, "Access token")}
        </fieldset>
    }
}

#[component]
fn PasswordFields(username: RwSignal<String>, password: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="sign-in-username">"Username"</label>
            <input
                id="sign-in-username"
                type="text"
                autocomplete="username"
                autocapitalize="none"
                spellcheck="false"
                required
                bind:value=username
            />
        </div>
        <div class="field">
            <label for="sign-in-password">"Password"</label>
            <input
                id="sign-in-password"
                type="password"
                autocomplete="current-password"
                required
                bind:value=password
            />
        </div>
    }
}

#[component]
fn TokenField(token: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="sign-in-token">"Access token"</label>
            <input
                id="sign-in-token"
                type="password"
                autocomplete="off"
                spellcheck="false"
                required
                bind:value=token
            />
            <p class="hint">"A bearer token issued for an admin account."</p>
        </div>
    }
}

/// "Another server": its address and OAuth client id, open when either is set.
#[component]
fn ServerFields(form: SignInForm) -> impl IntoView {
    let (server, client_id, server_error) = (form.server, form.client_id, form.server_error);
    view! {
        <details class="advanced" open=!server.get_untracked().is_empty() || !client_id.get_untracked().is_empty()>
            <summary>"Another server"</summary>
            <div class="field">
                <label for="sign-in-server">"Server URL"</label>
                <input
                    id="sign-in-server"
                    type="url"
                    placeholder="https://community.example.com"
                    autocomplete="url"
                    spellcheck="false"
                    aria-invalid=move || server_error.get().is_some().to_string()
                    aria-describedby="sign-in-server-hint"
                    bind:value=server
                />
                <p id="sign-in-server-hint" class="hint">
                    {move || server_error.get().unwrap_or("Leave empty to use the server this console came from.")}
                </p>
            </div>
            <div class="field">
                <label for="sign-in-client-id">"OAuth client ID (optional)"</label>
                <input id="sign-in-client-id" type="text" spellcheck="false" bind:value=client_id />
            </div>
        </details>
    }
}
