//! `/oauth/token/` (password and refresh-token grants) and the signed-in user.

use gloo_net::http::Method;
use webhook_api::{OAuthError, TokenResponse, User};

use super::{ApiError, Client, network_error};
use crate::{url, wire};

/// Trades a username and password for tokens. Form-encoded, as OAuth2 servers expect.
pub async fn password_grant(
    client: &Client,
    username: &str,
    password: &str,
    client_id: Option<&str>,
) -> Result<TokenResponse, ApiError> {
    let mut form = vec![
        ("grant_type", "password"),
        ("username", username),
        ("password", password),
    ];
    if let Some(id) = client_id.filter(|id| !id.is_empty()) {
        form.push(("client_id", id));
    }
    token(client, &form).await
}

/// Trades a refresh token for fresh tokens.
pub async fn refresh_grant(
    client: &Client,
    refresh_token: &str,
    client_id: Option<&str>,
) -> Result<TokenResponse, ApiError> {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    if let Some(id) = client_id.filter(|id| !id.is_empty()) {
        form.push(("client_id", id));
    }
    token(client, &form).await
}

async fn token(client: &Client, form: &[(&str, &str)]) -> Result<TokenResponse, ApiError> {
    let body = url::form_body(form);
    // The token route answers errors in OAuth2's shape, so it does not go through `Client::send`'s
    // error mapping.
    let request = gloo_net::http::RequestBuilder::new(&client.url("/oauth/token/"))
        .method(Method::POST)
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request.send().await.map_err(network_error)?;
    let status = response.status();
    let text = response.text().await.map_err(network_error)?;
    if response.ok() {
        return wire::decode(&text).map_err(ApiError::Decode);
    }
    match wire::decode::<OAuthError>(&text) {
        Ok(error) => Err(ApiError::OAuth { status, error }),
        Err(_) => Err(ApiError::Http {
            status,
            body: wire::decode(&text).ok(),
            retry_after: None,
        }),
    }
}

/// The signed-in user.
pub async fn get_current_user(client: &Client) -> Result<User, ApiError> {
    client.get("/api/v2/user/me/").await
}
