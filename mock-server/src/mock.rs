//! Mock-only routes for development and tests (contract section 7): trigger an event, reset the store.

use axum::{Json, extract::State, http::StatusCode};
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{
    ErrorBody, ErrorCode, MockEventCreated, MockEventRequest, MockReset, catalog, validate,
};

use crate::{
    AppState, clock,
    delivery::Recipients,
    error::{ApiResult, FieldErrors},
    extract::JsonObject,
    fields, seed,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(trigger_event))
        .routes(routes!(reset))
}

/// Creates an event (with a realistic example `data` unless given) and fans it out to every active
/// endpoint subscribed to its type.
#[utoipa::path(post, path = "/__mock/events/", tag = "mock",
    request_body = MockEventRequest,
    responses((status = 201, body = MockEventCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn trigger_event(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<MockEventCreated>)> {
    let mut errors = FieldErrors::default();
    let event_type = fields::string(&body, "type", true, false, &mut errors).filter(|name| {
        let known = catalog::contains(name);
        if !known {
            errors.add(
                "type",
                ErrorCode::InvalidChoice,
                validate::invalid_choice_message(name),
            );
        }
        known
    });
    let data = match body.get("data") {
        None | Some(Value::Null) => None,
        Some(Value::Object(data)) => Some(Value::Object(data.clone())),
        Some(other) => {
            errors.add("data", ErrorCode::Invalid, fields::not_a_dict(other));
            None
        }
    };
    errors.into_result()?;
    let event = state
        .deliveries
        .emit_event(
            event_type.unwrap_or_default(),
            data,
            clock::now(),
            Recipients::Subscribers,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(MockEventCreated {
            event_id: event.id as u64,
            event_type: event.event_type,
            created: clock::unix_seconds(event.created_at),
            endpoints: event.endpoints.into_iter().map(|id| id as u64).collect(),
        }),
    ))
}

/// Empties the store (ids start again; users and issued tokens stay), the sinks and the password
/// throttle, then seeds the demo data if asked (its pending retries go to the delivery worker).
#[utoipa::path(post, path = "/__mock/reset/", tag = "mock",
    request_body = MockReset,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reset(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> ApiResult<StatusCode> {
    let mut errors = FieldErrors::default();
    let seed = fields::boolean(&body, "seed", &mut errors).unwrap_or(false);
    errors.into_result()?;
    state.store.reset().await?;
    state.sinks.clear();
    state.accounts.clear_throttle();
    if seed {
        seed::populate(&state).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
