//! The built app at `/`: files from `--static-dir`, and `index.html` for any other path, so that the
//! app's own routes (`/endpoints/7`) load on reload. API paths never fall back to the app: an unknown one
//! is the contract's 404.

use std::path::Path;

use axum::{
    extract::Request,
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;

/// Path prefixes that belong to the API, not the app.
const API_PREFIXES: &[&str] = &["/api/", "/oauth/", "/__mock/", "/openapi.json", "/health"];

pub fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// Serves `request` from `dir`, or answers 404 for an unknown API path.
pub async fn serve(dir: &Path, request: Request) -> Response {
    if is_api_path(request.uri().path()) {
        return ApiError::NotFound.into_response();
    }
    let service = ServeDir::new(dir).not_found_service(ServeFile::new(dir.join("index.html")));
    match service.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}
