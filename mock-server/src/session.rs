//! Signing in: `POST /oauth/token/` (OAuth2 password and refresh grants, answered in OAuth2's own error
//! shape) and `GET /api/v2/user/me/` (contract section 2).

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{ErrorBody, OAuthError, TokenResponse, User};

use crate::{
    AppState,
    auth::{CurrentUser, accounts::SignIn, hashing},
    extract::MAX_BODY_BYTES,
};

/// Routes anyone may call.
pub fn public_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(issue_token))
}

/// Routes any signed-in user may call.
pub fn user_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_current_user))
}

/// The form fields of a token request.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct TokenRequest {
    /// `password` or `refresh_token`.
    grant_type: String,
    username: Option<String>,
    password: Option<String>,
    refresh_token: Option<String>,
    /// Accepted and ignored.
    client_id: Option<String>,
}

/// Issues a token pair (password or refresh grant), form-encoded or JSON.
#[utoipa::path(post, path = "/oauth/token/", tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = TokenResponse), (status = 400, body = OAuthError),
        (status = 429, body = OAuthError, description = "Too many wrong passwords for this username or from this address (`slow_down`).",
            headers(("Retry-After" = u64, description = "Seconds until a sign-in is taken again."))),
        (status = 503, body = OAuthError, description = "Every password check is busy (`temporarily_unavailable`).",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again.")))))]
async fn issue_token(State(state): State<AppState>, request: Request) -> Response {
    let address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return oauth_error("invalid_request", Some("The request body is too large."));
    };
    let fields = read_fields(&parts.headers, &body);
    let field = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let issued = match field("grant_type") {
        None => return oauth_error("invalid_request", Some("Request is missing grant type.")),
        Some("password") => {
            let (Some(username), Some(password)) = (field("username"), field("password")) else {
                return oauth_error(
                    "invalid_request",
                    Some("Request is missing username or password."),
                );
            };
            state
                .accounts
                .login(&state.store, username, password, address)
                .await
        }
        Some("refresh_token") => {
            let Some(refresh_token) = field("refresh_token") else {
                return oauth_error("invalid_request", Some("Missing refresh token parameter."));
            };
            state
                .accounts
                .refresh(&state.store, refresh_token)
                .await
                .map(|pair| pair.map_or(SignIn::Refused, SignIn::Issued))
        }
        Some(_) => return oauth_error("unsupported_grant_type", None),
    };
    match issued {
        Ok(SignIn::Issued(pair)) => Json(TokenResponse {
            access_token: pair.access_token,
            expires_in: pair.expires_in,
            token_type: "Bearer".to_owned(),
            scope: "read write".to_owned(),
            refresh_token: Some(pair.refresh_token),
        })
        .into_response(),
        Ok(SignIn::Refused) => oauth_error("invalid_grant", Some("Invalid credentials given.")),
        Ok(SignIn::Throttled(seconds)) => wait_and_retry(
            StatusCode::TOO_MANY_REQUESTS,
            "slow_down",
            &format!("Too many wrong passwords. Expected available in {seconds} seconds."),
            seconds,
        ),
        Ok(SignIn::Busy) => wait_and_retry(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "Too many sign-ins at once. Try again shortly.",
            hashing::RETRY_AFTER_SECONDS,
        ),
        Err(error) => crate::error::ApiError::Internal(error).into_response(),
    }
}

/// An OAuth2-shaped refusal that says when to try again.
fn wait_and_retry(status: StatusCode, error: &str, description: &str, seconds: u64) -> Response {
    let mut response = (
        status,
        Json(OAuthError {
            error: error.to_owned(),
            error_description: Some(description.to_owned()),
        }),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The body's fields, JSON (string values) or form-encoded.
fn read_fields(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("json"));
    if is_json {
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(object)) => object
                .into_iter()
                .filter_map(|(key, value)| match value {
                    serde_json::Value::String(text) => Some((key, text)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    } else {
        form_urlencoded::parse(body)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect()
    }
}

fn oauth_error(error: &str, description: Option<&str>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(OAuthError {
            error: error.to_owned(),
            error_description: description.map(str::to_owned),
        }),
    )
        .into_response()
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v2/user/me/", tag = "auth",
    responses((status = 200, body = User), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_current_user(CurrentUser(user): CurrentUser) -> Json<User> {
    Json(user)
}
