//! The sink: a built-in receiver for deliveries (contract section 7). Any method on
//! `/__mock/sink/{name}/` is recorded and answered with that sink's behaviour; what it received, and
//! whether each signature verifies against an endpoint targeting it, can be read back.
//!
//! Sinks live in memory (a restart or a reset empties them), each keeping its newest requests only.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    sync::Mutex,
    time::Duration,
};

use axum::{
    Json,
    extract::{RawPathParams, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{ErrorBody, ErrorCode, SinkBehavior, SinkRequest, signature};

use crate::{
    AppState, clock,
    error::{ApiError, ApiResult, FieldErrors},
    extract::{JsonObject, MAX_BODY_BYTES},
    fields,
};

/// Requests each sink keeps (newest first); older ones are dropped.
pub const SINK_CAPACITY: usize = 1000;
/// The longest delay a behaviour may ask for.
const MAX_DELAY_MS: u64 = 600_000;

#[derive(Default)]
struct SinkState {
    behavior: SinkBehavior,
    failures_left: u32,
    requests: VecDeque<SinkRequest>,
    next_id: u64,
}

/// Every sink, by name.
#[derive(Default)]
pub struct Sinks {
    sinks: Mutex<HashMap<String, SinkState>>,
}

impl Sinks {
    pub fn clear(&self) {
        self.sinks.lock().expect("sinks lock").clear();
    }

    pub fn set_behavior(&self, name: &str, behavior: SinkBehavior) {
        let mut sinks = self.sinks.lock().expect("sinks lock");
        let sink = sinks.entry(name.to_owned()).or_default();
        sink.failures_left = behavior.fail_first;
        sink.behavior = behavior;
    }
}

/// The receiving route, open to anyone (deliveries carry no token).
pub fn receiver_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        receive_get,
        receive_post,
        receive_put,
        receive_patch,
        receive_delete,
        receive_options
    ))
}

/// Reading and configuring sinks (admin).
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, clear_requests))
        .routes(routes!(set_behavior))
}

fn sink_name(params: &RawPathParams) -> String {
    params
        .iter()
        .find(|(key, _)| *key == "name")
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

#[utoipa::path(get, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_get(state: State<AppState>, params: RawPathParams, request: Request) -> Response {
    receive(state, params, request).await
}

/// Records a request and answers with the sink's behaviour.
#[utoipa::path(post, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    request_body(content = String, description = "Anything; deliveries send an event payload."),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_post(state: State<AppState>, params: RawPathParams, request: Request) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(put, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_put(state: State<AppState>, params: RawPathParams, request: Request) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(patch, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_patch(
    state: State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(delete, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_delete(
    state: State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(options, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_options(
    state: State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    receive(state, params, request).await
}

async fn receive(
    State(state): State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::PayloadTooLarge.into_response();
    };
    let name = sink_name(&params);
    let signature_valid = match headers
        .get(signature::HEADER)
        .and_then(|value| value.to_str().ok())
    {
        Some(header_value) => match state
            .store
            .secrets_for_target_path(uri.path().to_owned())
            .await
        {
            Ok(secrets) => secrets
                .iter()
                .any(|secret| signature::verify(secret, header_value, &body)),
            Err(error) => return ApiError::Internal(error).into_response(),
        },
        None => false,
    };
    let mut recorded_headers: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in &headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        recorded_headers
            .entry(key.as_str().to_owned())
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    let (status, answer, delay) = {
        let mut sinks = state.sinks.sinks.lock().expect("sinks lock");
        let sink = sinks.entry(name).or_default();
        sink.next_id += 1;
        let request = SinkRequest {
            id: sink.next_id,
            received_at: clock::iso(clock::now()),
            method: method.to_string(),
            headers: recorded_headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            signature_valid,
        };
        sink.requests.push_front(request);
        sink.requests.truncate(SINK_CAPACITY);
        let status = if sink.failures_left > 0 {
            sink.failures_left -= 1;
            500
        } else {
            sink.behavior.status
        };
        (
            status,
            sink.behavior.body.clone(),
            Duration::from_millis(sink.behavior.delay_ms),
        )
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, [(header::CONTENT_TYPE, "application/json")], answer).into_response()
}

/// What the sink received, newest first.
#[utoipa::path(get, path = "/__mock/sink/{name}/requests/", tag = "mock",
    params(("name" = String, Path, description = "The sink's name.")),
    responses((status = 200, body = Vec<SinkRequest>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_requests(
    State(state): State<AppState>,
    params: RawPathParams,
) -> Json<Vec<SinkRequest>> {
    let sinks = state.sinks.sinks.lock().expect("sinks lock");
    Json(
        sinks
            .get(&sink_name(&params))
            .map(|sink| sink.requests.iter().cloned().collect())
            .unwrap_or_default(),
    )
}

/// Forgets what the sink received.
#[utoipa::path(delete, path = "/__mock/sink/{name}/requests/", tag = "mock",
    params(("name" = String, Path, description = "The sink's name.")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn clear_requests(State(state): State<AppState>, params: RawPathParams) -> StatusCode {
    let mut sinks = state.sinks.sinks.lock().expect("sinks lock");
    if let Some(sink) = sinks.get_mut(&sink_name(&params)) {
        sink.requests.clear();
    }
    StatusCode::NO_CONTENT
}

/// Sets how the sink answers; fields left out take their defaults.
#[utoipa::path(put, path = "/__mock/sink/{name}/behavior/", tag = "mock",
    params(("name" = String, Path, description = "The sink's name.")),
    request_body = SinkBehavior,
    responses((status = 200, body = SinkBehavior), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_behavior(
    State(state): State<AppState>,
    params: RawPathParams,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<SinkBehavior>> {
    let defaults = SinkBehavior::default();
    let mut errors = FieldErrors::default();
    let mut integer = |name: &str, range: std::ops::RangeInclusive<u64>| -> Option<u64> {
        let value = body.get(name)?;
        match value.as_u64().filter(|n| range.contains(n)) {
            Some(n) if !value.is_f64() => Some(n),
            _ => {
                errors.add(
                    name,
                    ErrorCode::Invalid,
                    format!(
                        "A valid integer from {} to {} is required.",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    };
    let status = integer("status", 100..=599).map_or(defaults.status, |n| n as u16);
    let delay_ms = integer("delay_ms", 0..=MAX_DELAY_MS).unwrap_or(defaults.delay_ms);
    let fail_first = integer("fail_first", 0..=1_000_000).map_or(defaults.fail_first, |n| n as u32);
    let answer = if body.contains_key("body") {
        fields::string(&body, "body", false, true, &mut errors)
    } else {
        Some(defaults.body)
    };
    errors.into_result()?;
    let behavior = SinkBehavior {
        status,
        delay_ms,
        body: answer.unwrap_or_default(),
        fail_first,
    };
    state
        .sinks
        .set_behavior(&sink_name(&params), behavior.clone());
    Ok(Json(behavior))
}
