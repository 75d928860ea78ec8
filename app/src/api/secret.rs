//! The signing secret: reveal and expire, both confirmed with the signed-in user's password.

use gloo_net::http::Method;
use webhook_api::{Endpoint, PasswordConfirmation, SigningSecret};

use super::{ApiError, Client, endpoint_path};

pub async fn reveal_secret(
    client: &Client,
    id: u64,
    password: &str,
) -> Result<SigningSecret, ApiError> {
    client
        .send_json(
            Method::POST,
            &format!("{}secret/reveal/", endpoint_path(id)),
            &PasswordConfirmation {
                password: password.to_owned(),
            },
        )
        .await
}

/// Replaces the secret; the old one signs nothing from then on.
pub async fn expire_secret(client: &Client, id: u64, password: &str) -> Result<Endpoint, ApiError> {
    client
        .send_json(
            Method::POST,
            &format!("{}secret/expire/", endpoint_path(id)),
            &PasswordConfirmation {
                password: password.to_owned(),
            },
        )
        .await
}
