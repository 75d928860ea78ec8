//! The API client: one `async fn` per operation of `../shared/spec/`, each returning
//! `Result<T, ApiError>`, over gloo-net with the shared wire types.
//!
//! A [`Client`] is where the API lives, the bearer token to send, who is told when the server refuses
//! the session (a 401 or 403: [`crate::session::SessionCtx::client`] ends the session or shows "admin role
//! required", so no screen handles those), and, for reads, the signal that aborts them
//! ([`crate::components::remote::Remote`] aborts a load when its screen goes away or a newer load
//! replaces it). Writes are not aborted: the server may have done them already.

mod auth;
mod endpoints;
mod error;
mod mock;
mod secret;

pub use auth::{get_current_user, password_grant, refresh_grant};
pub use endpoints::{
    bulk_resend, create_endpoint, delete_endpoint, get_endpoint, get_event_catalog,
    list_all_endpoints, list_attempts, list_endpoints, patch_endpoint, resend, update_endpoint,
};
pub use error::ApiError;
pub use mock::{get_openapi_document, send_test_event};
pub use secret::{expire_secret, reveal_secret};

use std::{fmt, rc::Rc};

use gloo_net::http::{Method, RequestBuilder, Response};
use webhook_api::ErrorBody;

use crate::wire::{self, FromJson, ToJson};

/// Where the API lives, and who is calling.
#[derive(Clone, Default)]
pub struct Client {
    /// Scheme, host and port without a trailing slash; empty for the app's own origin.
    base: String,
    token: Option<String>,
    abort: Option<web_sys::AbortSignal>,
    /// Told of every 401 and 403.
    on_refusal: Option<RefusalHandler>,
}

/// Hears of the requests the server refuses with 401 or 403.
type RefusalHandler = Rc<dyn Fn(&ApiError)>;

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("base", &self.base).finish()
    }
}

impl Client {
    /// A client for the server at `base` (`""` for the app's own origin).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim().trim_end_matches('/').to_owned(),
            token: None,
            abort: None,
            on_refusal: None,
        }
    }

    pub fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Requests made through this client stop when `signal` aborts.
    pub fn with_abort(mut self, signal: web_sys::AbortSignal) -> Self {
        self.abort = Some(signal);
        self
    }

    /// `on_refusal` hears of every request the server refuses with 401 (the token is no longer valid)
    /// or 403 (not allowed), before the caller gets the error.
    pub fn with_refusal_handler(mut self, on_refusal: impl Fn(&ApiError) + 'static) -> Self {
        self.on_refusal = Some(Rc::new(on_refusal));
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// Sends a request and hands back the response if its status is a success; any other status becomes
    /// [`ApiError::Http`] with the contract's error body when there is one (and a 401 or 403 goes to the
    /// refusal handler first).
    async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<Body>,
    ) -> Result<Response, ApiError> {
        let mut builder = RequestBuilder::new(&self.url(path_and_query))
            .method(method)
            .header("Accept", "application/json")
            .abort_signal(self.abort.as_ref());
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let request = match body {
            Some(Body::Json(json)) => builder
                .header("Content-Type", "application/json")
                .body(json),
            None => builder.build(),
        }
        .map_err(|e| ApiError::Network(e.to_string()))?;
        let response = request.send().await.map_err(network_error)?;
        if response.ok() {
            return Ok(response);
        }
        let error = error_from(response).await;
        if let Some(on_refusal) = &self.on_refusal
            && error.is_refusal()
        {
            on_refusal(&error);
        }
        Err(error)
    }

    async fn get<T: FromJson>(&self, path_and_query: &str) -> Result<T, ApiError> {
        let response = self.send(Method::GET, path_and_query, None).await?;
        decode(response).await
    }

    async fn send_json<T: FromJson>(
        &self,
        method: Method,
        path: &str,
        body: &dyn ToJson,
    ) -> Result<T, ApiError> {
        let response = self
            .send(method, path, Some(Body::Json(body.to_json())))
            .await?;
        decode(response).await
    }

    /// A write whose success has no body (204).
    async fn send_json_no_content(
        &self,
        method: Method,
        path: &str,
        body: Option<&dyn ToJson>,
    ) -> Result<(), ApiError> {
        let body = body.map(|body| Body::Json(body.to_json()));
        self.send(method, path, body).await.map(drop)
    }
}

enum Body {
    Json(String),
}

async fn decode<T: FromJson>(response: Response) -> Result<T, ApiError> {
    let text = response.text().await.map_err(network_error)?;
    wire::decode(&text).map_err(ApiError::Decode)
}

fn network_error(error: gloo_net::Error) -> ApiError {
    match error {
        gloo_net::Error::JsError(js) => ApiError::Network(js.message),
        other => ApiError::Network(other.to_string()),
    }
}

async fn error_from(response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|value| value.trim().parse().ok());
    let text = response.text().await.unwrap_or_default();
    let body = wire::decode::<ErrorBody>(&text)
        .ok()
        .filter(|body| !body.errors.is_empty());
    ApiError::Http {
        status,
        body,
        retry_after,
    }
}

/// The API's path for endpoint `id`.
fn endpoint_path(id: u64) -> String {
    format!("/api/v2/webhook/endpoint/{id}/")
}
