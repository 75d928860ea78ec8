//! Who may call a route: the route layer that authenticates a request's bearer token and checks the
//! user's role, and the [`CurrentUser`] extractor of the handlers behind it.

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use webhook_api::{Role, User};

use crate::{
    AppState,
    error::{ApiError, ApiResult},
};

/// The user a request authenticated as.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub User);

/// Route layer (`middleware::from_fn_with_state((state, role), require_role)`): 401 without a valid
/// token, 403 when the user lacks `role` (the admin has every role; `Role::Member` admits any user).
pub async fn require_role(
    State((state, role)): State<(AppState, Role)>,
    mut request: Request,
    next: Next,
) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.as_bytes());
    match state.accounts.authenticate(authorization) {
        Ok(user) if user.role == role || user.role == Role::Admin => {
            request.extensions_mut().insert(CurrentUser(user));
            next.run(request).await
        }
        Ok(_) => ApiError::PermissionDenied.into_response(),
        Err(error) => error.into_response(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> ApiResult<Self> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(ApiError::NotAuthenticated)
    }
}
