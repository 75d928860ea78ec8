//! Sign in: username and password (OAuth2 password grant) or a pasted access token, optionally against
//! another server; then back to the page that asked for it.

use leptos::prelude::*;
use webhook_api::validate;

use crate::{
    api::{self, ApiError, Client},
    components::task::Task,
    router::use_location,
    routes,
    session::{Session, use_session},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Password,
    Token,
}

/// What the form sends.
#[derive(Clone)]
struct Credentials {
    method: Method,
    server: String,
    client_id: String,
    username: String,
    password: String,
    token: String,
}

#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let location = use_location();

    let method = RwSignal::new(Method::Password);
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let last = session.server();
    let server = RwSignal::new(last.server);
    let client_id = RwSignal::new(last.client_id.unwrap_or_default());
    let server_error = Memo::new(move |_| {
        let value = server.get();
        let value = value.trim();
        (!value.is_empty() && !validate::is_http_url(value))
            .then_some("Enter the server's address, like https://community.example.com")
    });

    let submit = Task::new(move |credentials: &Credentials| {
        let credentials = credentials.clone();
        async move {
            let signed_in = authenticate(credentials).await?;
            session.sign_in(signed_in);
            let next = untrack(|| location.query("next"));
            location.navigate(&routes::after_sign_in(next.as_deref()), true);
            Ok::<(), ApiError>(())
        }
    });
    let pending = submit.pending();
    let result = submit.value();
    let error = move || match result.get() {
        // Another server is only reachable if this console's Content-Security-Policy lists it.
        Some(Err(error @ ApiError::Network(_)))
            if !server.with_untracked(|s| s.trim().is_empty()) =>
        {
            Some(format!(
                "{} If the address is right, this console may not be allowed to reach that server: its build must list it in CONSOLE_API_ORIGINS.",
                error.message()
            ))
        }
        Some(Err(error)) => Some(error.message()),
        _ => None,
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if server_error.get_untracked().is_some() {
            return;
        }
        submit.dispatch(Credentials {
            method: method.get_untracked(),
            server: server.get_untracked().trim().to_owned(),
            client_id: client_id.get_untracked().trim().to_owned(),
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            token: token.get_untracked().trim().to_owned(),
        });
    };

    view! {
        <section class="page narrow sign-in" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            <p class="muted">"Manage the webhooks of your community. You need an admin account."</p>
            {move || session.notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <form class="form card" on:submit=on_submit novalidate>
                <fieldset class="segmented">
                    <legend class="visually-hidden">"Sign in with"</legend>
                    <label class:selected=move || method.get() == Method::Password>
                        <input
                            type="radio"
                            name="method"
                            prop:checked=move || method.get() == Method::Password
                            on:change=move |_| method.set(Method::Password)
                        />
                        "Username and password"
                    </label>
                    <label class:selected=move || method.get() == Method::Token>
                        <input
                            type="radio"
                            name="method"
                            prop:checked=move || method.get() == Method::Token
                            on:change=move |_| method.set(Method::Token)
                        />
                        "Access token"
                    </label>
                </fieldset>
                <Show
                    when=move || method.get() == Method::Password
                    fallback=move || {
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
                >
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
                </Show>
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
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
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

/// Gets a session for the credentials and finds out who it belongs to.
async fn authenticate(credentials: Credentials) -> Result<Session, ApiError> {
    let client = Client::new(&credentials.server);
    let client_id = Some(credentials.client_id).filter(|id| !id.is_empty());
    let mut session = match credentials.method {
        Method::Password => {
            let token = api::password_grant(
                &client,
                &credentials.username,
                &credentials.password,
                client_id.as_deref(),
            )
            .await?;
            Session::from_grant(&credentials.server, client_id, token, js_sys::Date::now())
        }
        Method::Token => Session::from_token(&credentials.server, &credentials.token),
    };
    match api::me(&session.client()).await {
        Ok(user) => session.user = Some(user),
        // A server whose user resource has another shape: the webhook routes still say 403 if need be.
        Err(ApiError::Decode(_)) => {}
        Err(error) => return Err(error),
    }
    Ok(session)
}
