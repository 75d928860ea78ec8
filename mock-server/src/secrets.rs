//! An endpoint's signing secret: reveal and expire, both behind the user's password (contract section 6).

use axum::{Json, extract::State, http::StatusCode};
use rand::RngCore;
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{Endpoint, ErrorBody, PasswordConfirmation, SigningSecret};

use crate::{
    AppState,
    auth::CurrentUser,
    error::{ApiError, ApiResult, FieldErrors},
    extract::{JsonObject, PathId},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(reveal_secret))
        .routes(routes!(expire_secret))
}

/// A new signing secret: 32 bytes from a CSPRNG, as 64 hex digits.
pub fn new_signing_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Shows the endpoint's signing secret.
#[utoipa::path(post, path = "/api/v2/webhook/endpoint/{id}/secret/reveal/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = PasswordConfirmation,
    responses((status = 201, body = SigningSecret), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody, description = "Every password check is busy; Retry-After says when to try again."),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reveal_secret(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    id: PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<SigningSecret>)> {
    let id = id.existing_endpoint(&state.store).await?;
    state
        .accounts
        .confirm_fields_and_password(&user, &body, FieldErrors::default())
        .await?;
    let signing_secret = state
        .store
        .signing_secret(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(SigningSecret { signing_secret })))
}

/// Replaces the signing secret with a new one; the old one signs nothing from then on.
#[utoipa::path(post, path = "/api/v2/webhook/endpoint/{id}/secret/expire/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = PasswordConfirmation,
    responses((status = 200, body = Endpoint), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody, description = "Every password check is busy; Retry-After says when to try again."),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn expire_secret(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    id: PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Endpoint>> {
    let id = id.existing_endpoint(&state.store).await?;
    state
        .accounts
        .confirm_fields_and_password(&user, &body, FieldErrors::default())
        .await?;
    state
        .store
        .set_signing_secret(id, new_signing_secret())
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
