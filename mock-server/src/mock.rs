//! Mock-only routes for development and tests (contract section 7): trigger an event, reset the store.

use axum::{Json, extract::State, http::StatusCode};
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{
    ErrorBody, ErrorCode, MockEventCreated, MockEventRequest, MockReset, catalog,
    validate::{self, messages},
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

/// The most endpoints `POST /__mock/events/` may name.
pub const EVENT_ENDPOINTS_MAX: usize = 100;

/// Creates an event (with a realistic example `data` unless given) and fans it out to every active
/// endpoint subscribed to its type, or, with `endpoints`, to those alone (a test event: each must
/// exist, be active and be subscribed to the type).
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
    let recipients = match body.get("endpoints") {
        None | Some(Value::Null) => Some(Recipients::Subscribers),
        Some(list) => chosen_endpoints(&state, list, event_type.as_deref(), &mut errors)
            .await?
            .map(Recipients::SubscribersAmong),
    };
    errors.into_result()?;
    let event = state
        .deliveries
        .emit_event(
            event_type.unwrap_or_default(),
            data,
            clock::now(),
            recipients.unwrap_or(Recipients::Subscribers),
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

/// The ids of `endpoints` (duplicates collapsed), each an existing endpoint that is active and
/// subscribed to `event_type` (when that is known); `None` with the errors recorded otherwise.
async fn chosen_endpoints(
    state: &AppState,
    endpoints: &Value,
    event_type: Option<&str>,
    errors: &mut FieldErrors,
) -> anyhow::Result<Option<Vec<i64>>> {
    let Value::Array(items) = endpoints else {
        errors.add(
            "endpoints",
            ErrorCode::Invalid,
            fields::not_a_list(endpoints),
        );
        return Ok(None);
    };
    let mut ids = Vec::new();
    for item in items {
        match fields::id_value(item) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => {
                errors.add("endpoints", ErrorCode::Invalid, messages::INVALID_INTEGER);
                return Ok(None);
            }
        }
    }
    if ids.is_empty() {
        errors.add("endpoints", ErrorCode::Empty, messages::EMPTY_LIST);
        return Ok(None);
    }
    if ids.len() > EVENT_ENDPOINTS_MAX {
        errors.add(
            "endpoints",
            ErrorCode::MaxLength,
            fields::too_many_items(EVENT_ENDPOINTS_MAX),
        );
        return Ok(None);
    }
    let mut valid = true;
    for &id in &ids {
        let problem = match state.store.endpoint(id).await? {
            None => format!("Endpoint {id} does not exist."),
            Some(endpoint) if !endpoint.is_active => format!("Endpoint {id} is inactive."),
            Some(endpoint) => match event_type {
                Some(name) if !endpoint.events.iter().any(|s| s.event_type == name) => {
                    format!("Endpoint {id} is not subscribed to {name}.")
                }
                _ => continue,
            },
        };
        errors.add("endpoints", ErrorCode::Invalid, problem);
        valid = false;
    }
    Ok(valid.then_some(ids))
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
