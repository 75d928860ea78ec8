//! `GET /health`: 200 without auth while the server runs.

use axum::{Json, Router, routing::get};
use webhook_api::Health;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
    })
}
