//! Who is signed in, to which server: kept in memory and in `sessionStorage` (it survives a reload but not
//! a closed tab; never `localStorage`), refreshed before it expires, and ended by any 401.

use std::time::Duration;

use leptos::prelude::*;
use webhook_api::{Role, TokenResponse, User};

use crate::{
    api::{self, ApiError, Client},
    json_tree::Json,
    wire::{self, Fields, FromJson, JsonObject, ToJson, WholePart},
};

/// The `sessionStorage` key.
const STORAGE_KEY: &str = "webhook-console.session";

/// The `sessionStorage` key of the server last signed in to and its OAuth client id, kept after the
/// session ends so that signing in again goes to the same server (neither is a secret).
const SERVER_KEY: &str = "webhook-console.server";

/// Refresh this long before the access token expires (or a tenth of its life, if shorter).
const REFRESH_MARGIN_MS: f64 = 60_000.0;

/// Wait this long before retrying a refresh that failed for want of a network.
const REFRESH_RETRY: Duration = Duration::from_secs(30);

/// A signed-in session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The server's origin; empty for the app's own.
    pub server: String,
    pub access_token: String,
    /// Absent for a pasted token.
    pub refresh_token: Option<String>,
    /// When the access token expires (epoch ms); absent when unknown.
    pub expires_at: Option<f64>,
    /// Life of the access token when it was issued (ms), to pick the refresh margin.
    pub lifetime: Option<f64>,
    /// OAuth2 client id to send with grants, for servers that want one.
    pub client_id: Option<String>,
    /// The signed-in user, once known.
    pub user: Option<User>,
    /// The username typed at sign-in: what the header shows when the server does not say who the user
    /// is (the platform's reference has no `/user/me/`).
    pub username: Option<String>,
}

impl Session {
    /// A session from a password or refresh grant issued at `now`.
    pub fn from_grant(
        server: &str,
        client_id: Option<String>,
        token: TokenResponse,
        now: f64,
    ) -> Self {
        let lifetime = token.expires_in as f64 * 1000.0;
        Self {
            server: server.to_owned(),
            access_token: token.access_token,
            refresh_token: token.refresh_token,
            expires_at: Some(now + lifetime),
            lifetime: Some(lifetime),
            client_id,
            user: None,
            username: None,
        }
    }

    /// A session from a token pasted by hand: no refresh, no known expiry.
    pub fn from_token(server: &str, access_token: &str) -> Self {
        Self {
            server: server.to_owned(),
            access_token: access_token.trim().to_owned(),
            refresh_token: None,
            expires_at: None,
            lifetime: None,
            client_id: None,
            user: None,
            username: None,
        }
    }

    /// A client that calls the session's server as its user.
    pub fn client(&self) -> Client {
        Client::new(&self.server).with_token(&self.access_token)
    }

    /// Milliseconds from `now` until the token should be refreshed; `None` when it cannot be.
    pub fn refresh_delay(&self, now: f64) -> Option<f64> {
        self.refresh_token.as_ref()?;
        let expires_at = self.expires_at?;
        let margin = self.lifetime.map_or(REFRESH_MARGIN_MS, |life| {
            (life / 10.0).min(REFRESH_MARGIN_MS)
        });
        Some((expires_at - margin - now).max(0.0))
    }

    /// The session after a refresh grant at `now`: new tokens, same server and user.
    pub fn refreshed(&self, token: TokenResponse, now: f64) -> Self {
        let refresh_token = token
            .refresh_token
            .clone()
            .or_else(|| self.refresh_token.clone());
        Self {
            refresh_token,
            user: self.user.clone(),
            username: self.username.clone(),
            ..Self::from_grant(&self.server, self.client_id.clone(), token, now)
        }
    }

    pub fn is_admin(&self) -> Option<bool> {
        self.user.as_ref().map(|user| user.role == Role::Admin)
    }
}

/// Which server to sign in to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerChoice {
    /// The server's origin; empty for the app's own.
    pub server: String,
    pub client_id: Option<String>,
}

impl ToJson for ServerChoice {
    fn to_json(&self) -> String {
        JsonObject::default()
            .string("server", &self.server)
            .raw_if(
                "client_id",
                self.client_id.as_deref().map(wire::string).as_deref(),
            )
            .finish()
    }
}

impl FromJson for ServerChoice {
    fn from_json(json: Json) -> Result<Self, String> {
        let mut fields = Fields::of(json)?;
        Ok(Self {
            server: fields.required("server")?,
            client_id: fields.optional("client_id")?,
        })
    }
}

/// The session as the whole app sees it (a context value).
#[derive(Clone, Copy)]
pub struct SessionCtx {
    session: RwSignal<Option<Session>>,
    /// A request was refused for want of the admin role.
    forbidden: RwSignal<bool>,
    /// Why the admin is on the sign-in page, when it was not their choice.
    notice: RwSignal<Option<String>>,
}

impl SessionCtx {
    /// The session stored in this tab, if any.
    pub fn from_storage() -> Self {
        Self::new(load())
    }

    pub fn new(session: Option<Session>) -> Self {
        Self {
            session: RwSignal::new(session),
            forbidden: RwSignal::new(false),
            notice: RwSignal::new(None),
        }
    }

    pub fn is_signed_in(&self) -> bool {
        self.session.with(Option::is_some)
    }

    pub fn is_signed_in_untracked(&self) -> bool {
        self.session.with_untracked(Option::is_some)
    }

    pub fn user(&self) -> Option<User> {
        self.session
            .with(|s| s.as_ref().and_then(|s| s.user.clone()))
    }

    /// Who is signed in, as far as the console knows: the server's user, else the name typed at sign-in.
    pub fn username(&self) -> Option<String> {
        self.session.with(|s| {
            let s = s.as_ref()?;
            s.user
                .as_ref()
                .map(|user| user.username.clone())
                .or_else(|| s.username.clone())
        })
    }

    /// Whether to show "admin role required" instead of the page.
    pub fn is_forbidden(&self) -> bool {
        self.forbidden.get()
            || self
                .session
                .with(|s| s.as_ref().and_then(Session::is_admin) == Some(false))
    }

    pub fn notice(&self) -> Option<String> {
        self.notice.get()
    }

    /// The client for the current session, read without tracking (call it when the request is made).
    /// What every screen handles the same way happens here, once, for every request it makes: a 401 ends
    /// the session, a 403 shows "admin role required".
    pub fn client(&self) -> Client {
        let this = *self;
        self.session
            .with_untracked(|s| s.as_ref().map(Session::client))
            .unwrap_or_default()
            .with_refusal_handler(move |error| this.refused(error))
    }

    /// The server to sign in to: the session's, else the one last signed in to in this tab ("" for this
    /// origin); and the OAuth client id that went with it.
    pub fn server(&self) -> ServerChoice {
        self.session
            .with_untracked(|s| {
                s.as_ref().map(|s| ServerChoice {
                    server: s.server.clone(),
                    client_id: s.client_id.clone(),
                })
            })
            .or_else(load_server)
            .unwrap_or_default()
    }

    pub fn sign_in(&self, session: Session) {
        store(Some(&session));
        store_server(&ServerChoice {
            server: session.server.clone(),
            client_id: session.client_id.clone(),
        });
        self.forbidden.set(false);
        self.notice.set(None);
        self.session.set(Some(session));
    }

    pub fn sign_out(&self) {
        store(None);
        self.forbidden.set(false);
        self.session.set(None);
    }

    /// Ends the session because the server no longer accepts it; the shell then asks to sign in again and
    /// comes back to the current page.
    pub fn expire(&self) {
        self.notice.set(Some(
            "Your session has ended. Sign in again to continue.".into(),
        ));
        self.sign_out();
    }

    /// The server refused a request of this session: a 401 ends it, a 403 shows "admin role required".
    fn refused(&self, error: &ApiError) {
        if error.is_unauthorized() {
            self.expire();
        } else if error.is_forbidden() {
            self.forbidden.set(true);
        }
    }

    fn replace(&self, session: Session) {
        store(Some(&session));
        self.session.set(Some(session));
    }

    /// Keeps the access token fresh: schedules a refresh grant shortly before it expires, and again after
    /// each refresh. Call once, in the app's root.
    pub fn keep_fresh(self) {
        Effect::new(move |_| {
            let delay = self.session.with(|s| {
                s.as_ref()
                    .and_then(|s| s.refresh_delay(js_sys::Date::now()))
            });
            let Some(delay) = delay else {
                return;
            };
            let handle = set_timeout_with_handle(
                move || self.refresh(),
                Duration::from_millis(delay as u64),
            )
            .ok();
            on_cleanup(move || {
                if let Some(handle) = handle {
                    handle.clear();
                }
            });
        });
    }

    fn refresh(self) {
        let Some(session) = self.session.get_untracked() else {
            return;
        };
        let Some(refresh_token) = session.refresh_token.clone() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let client = Client::new(&session.server);
            match api::refresh_grant(&client, &refresh_token, session.client_id.as_deref()).await {
                Ok(token) => {
                    // Only if no one signed out or in meanwhile.
                    if self
                        .session
                        .with_untracked(|s| s.as_ref() == Some(&session))
                    {
                        self.replace(session.refreshed(token, js_sys::Date::now()));
                    }
                }
                Err(ApiError::Network(_)) => {
                    set_timeout(move || self.refresh(), REFRESH_RETRY);
                }
                Err(_) => self.expire(),
            }
        });
    }
}

/// The app's session context.
pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}

/// This tab's `sessionStorage`.
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn load() -> Option<Session> {
    let text = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    wire::decode(&text).ok()
}

fn load_server() -> Option<ServerChoice> {
    let text = storage()?.get_item(SERVER_KEY).ok().flatten()?;
    wire::decode(&text).ok()
}

fn store_server(choice: &ServerChoice) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(SERVER_KEY, &choice.to_json());
    }
}

fn store(session: Option<&Session>) {
    let Some(storage) = storage() else {
        return;
    };
    match session.map(ToJson::to_json) {
        Some(text) => {
            let _ = storage.set_item(STORAGE_KEY, &text);
        }
        None => {
            let _ = storage.remove_item(STORAGE_KEY);
        }
    }
}

/// Times are kept as whole milliseconds: writing and reading them needs no float formatting or parsing.
impl ToJson for Session {
    fn to_json(&self) -> String {
        let millis = |ms: Option<f64>| ms.map(|ms| (ms as i64).to_string());
        JsonObject::default()
            .string("server", &self.server)
            .string("access_token", &self.access_token)
            .raw_if(
                "refresh_token",
                self.refresh_token.as_deref().map(wire::string).as_deref(),
            )
            .raw_if("expires_at", millis(self.expires_at).as_deref())
            .raw_if("lifetime", millis(self.lifetime).as_deref())
            .raw_if(
                "client_id",
                self.client_id.as_deref().map(wire::string).as_deref(),
            )
            .raw_if("user", self.user.as_ref().map(ToJson::to_json).as_deref())
            .raw_if(
                "username",
                self.username.as_deref().map(wire::string).as_deref(),
            )
            .finish()
    }
}

impl FromJson for Session {
    fn from_json(json: Json) -> Result<Self, String> {
        let mut fields = Fields::of(json)?;
        let millis = |fields: &mut Fields, name| {
            fields
                .optional::<WholePart>(name)
                .map(|ms| ms.map(|ms| ms.0))
        };
        Ok(Self {
            server: fields.required("server")?,
            access_token: fields.required("access_token")?,
            refresh_token: fields.optional("refresh_token")?,
            expires_at: millis(&mut fields, "expires_at")?,
            lifetime: millis(&mut fields, "lifetime")?,
            client_id: fields.optional("client_id")?,
            user: fields.optional("user")?,
            username: fields.optional("username")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(expires_in: u64, refresh: Option<&str>) -> TokenResponse {
        TokenResponse {
            access_token: "access".into(),
            expires_in,
            token_type: "Bearer".into(),
            scope: "read write".into(),
            refresh_token: refresh.map(Into::into),
        }
    }

    #[test]
    fn a_grant_session_refreshes_a_minute_before_expiry() {
        let session = Session::from_grant("", None, grant(36_000, Some("r")), 1_000.0);
        assert_eq!(session.expires_at, Some(1_000.0 + 36_000_000.0));
        assert_eq!(
            session.refresh_delay(1_000.0),
            Some(36_000_000.0 - 60_000.0)
        );
    }

    #[test]
    fn a_short_lived_token_refreshes_at_nine_tenths_of_its_life() {
        let session = Session::from_grant("", None, grant(100, Some("r")), 0.0);
        assert_eq!(session.refresh_delay(0.0), Some(90_000.0));
    }

    #[test]
    fn an_overdue_refresh_is_due_at_once() {
        let session = Session::from_grant("", None, grant(100, Some("r")), 0.0);
        assert_eq!(session.refresh_delay(500_000.0), Some(0.0));
    }

    #[test]
    fn a_pasted_token_is_never_refreshed() {
        let session = Session::from_token("https://community.example", " abc ");
        assert_eq!(session.access_token, "abc");
        assert_eq!(session.refresh_delay(0.0), None);
    }

    #[test]
    fn a_refresh_keeps_server_user_and_old_refresh_token_when_none_is_sent() {
        let mut session =
            Session::from_grant("https://x.example", None, grant(100, Some("r1")), 0.0);
        session.user = Some(User {
            id: 1,
            username: "admin".into(),
            email: String::new(),
            role: Role::Admin,
        });
        let next = session.refreshed(grant(100, None), 50_000.0);
        assert_eq!(next.server, "https://x.example");
        assert_eq!(next.refresh_token.as_deref(), Some("r1"));
        assert_eq!(next.user, session.user);
        assert_eq!(next.expires_at, Some(150_000.0));
        assert_eq!(next.is_admin(), Some(true));
    }

    #[test]
    fn a_session_whose_user_the_server_did_not_say_keeps_the_name_typed_across_a_refresh() {
        let mut session = Session::from_grant("", None, grant(100, Some("r1")), 0.0);
        session.username = Some("admin".into());
        assert_eq!(session.is_admin(), None, "the role is unknown");
        let next = session.refreshed(grant(100, Some("r2")), 50_000.0);
        assert_eq!(next.username.as_deref(), Some("admin"));
        assert_eq!(next.user, None);
    }

    #[test]
    fn a_stored_session_reads_back_whole() {
        let mut session = Session::from_grant(
            "https://x.example",
            Some("console".into()),
            grant(36_000, Some("r\"\n")),
            1_795_766_902_187.0,
        );
        session.user = Some(User {
            id: 3,
            username: "ädmin".into(),
            email: "a@x.example".into(),
            role: Role::Admin,
        });
        assert_eq!(wire::decode::<Session>(&session.to_json()), Ok(session));
        let pasted = Session::from_token("", "abc");
        assert_eq!(wire::decode::<Session>(&pasted.to_json()), Ok(pasted));
        let mut unknown_role = Session::from_grant("", None, grant(100, Some("r")), 0.0);
        unknown_role.username = Some("ädmin \"x\"".into());
        assert_eq!(
            wire::decode::<Session>(&unknown_role.to_json()),
            Ok(unknown_role)
        );
    }

    #[test]
    fn a_session_stored_by_the_serde_version_still_reads() {
        let text = r#"{"server":"","access_token":"a","refresh_token":"r","expires_at":1795766902187.509,"lifetime":36000000.0,"client_id":null,"user":{"id":1,"username":"admin","email":"","role":"admin"}}"#;
        let session: Session = wire::decode(text).unwrap();
        assert_eq!(session.expires_at, Some(1_795_766_902_187.0));
        assert_eq!(session.lifetime, Some(36_000_000.0));
        assert_eq!(session.is_admin(), Some(true));
    }
}
