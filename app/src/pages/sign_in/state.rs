//! The sign-in form's state, apart from its view: what was typed, whether the server's address reads as
//! one, the sign-in request and what went wrong.

use leptos::prelude::*;
use webhook_api::validate;

use crate::{
    api::{self, ApiError, Client},
    components::task::Task,
    router::use_location,
    routes,
    session::{Session, use_session},
};

/// How the admin proves who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Password,
    /// A pasted access token.
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

#[derive(Clone, Copy)]
pub struct SignInForm {
    pub method: RwSignal<Method>,
    pub username: RwSignal<String>,
    pub password: RwSignal<String>,
    pub token: RwSignal<String>,
    /// The server's origin; empty for the console's own.
    pub server: RwSignal<String>,
    pub client_id: RwSignal<String>,
    /// Why the server's address is not one, if it is not.
    pub server_error: Memo<Option<&'static str>>,
    /// Signing in is under way.
    pub pending: Signal<bool>,
    submit: Task<Credentials, Result<(), ApiError>>,
}

impl SignInForm {
    /// An empty form on the server last signed in to in this tab (the console's own by default). Signing
    /// in goes back to the page in the `next` query parameter.
    pub fn new() -> Self {
        let session = use_session();
        let location = use_location();
        let last = session.server();
        let server = RwSignal::new(last.server);
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
        Self {
            method: RwSignal::new(Method::Password),
            username: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            token: RwSignal::new(String::new()),
            server,
            client_id: RwSignal::new(last.client_id.unwrap_or_default()),
            server_error,
            pending: submit.pending(),
            submit,
        }
    }

    /// Signs in with what was typed, unless the server's address is not one.
    pub fn submit(&self) {
        if self.server_error.get_untracked().is_some() {
            return;
        }
        self.submit.dispatch(Credentials {
            method: self.method.get_untracked(),
            server: self.server.get_untracked().trim().to_owned(),
            client_id: self.client_id.get_untracked().trim().to_owned(),
            username: self.username.get_untracked().trim().to_owned(),
            password: self.password.get_untracked(),
            token: self.token.get_untracked().trim().to_owned(),
        });
    }

    /// Why the last sign-in failed.
    pub fn error(&self) -> Option<String> {
        match self.submit.value().get() {
            // Another server is only reachable if this console's Content-Security-Policy lists it.
            Some(Err(error @ ApiError::Network(_)))
                if !self.server.with_untracked(|s| s.trim().is_empty()) =>
            {
                Some(format!(
                    "{} If the address is right, this console may not be allowed to reach that server: its build must list it in CONSOLE_API_ORIGINS.",
                    error.message()
                ))
            }
            Some(Err(error)) => Some(error.message()),
            _ => None,
        }
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
    if credentials.method == Method::Password {
        session.username = Some(credentials.username);
    }
    match api::get_current_user(&session.client()).await {
        Ok(user) => session.user = Some(user),
        // A refused token, or no server at all: not signed in.
        Err(error @ ApiError::Network(_)) => return Err(error),
        Err(error) if error.is_unauthorized() => return Err(error),
        // No `/user/me/` (the platform's reference does not have it: 404), or a user of another shape:
        // signed in with the role unknown; the webhook routes answer 401 or 403 if need be, and the
        // session's client handles those as it does for every screen.
        Err(_) => {}
    }
    Ok(session)
}
