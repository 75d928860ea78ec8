//! `GET /health`: 200 without auth while the server runs.

use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::Health;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Answers while the server runs; needs no token.
#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
    })
}
