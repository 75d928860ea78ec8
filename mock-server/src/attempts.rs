//! An endpoint's attempts, and resending events to it (contract section 6).

use std::collections::{BTreeSet, HashSet};

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
};
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{
    Attempt, AttemptSortField, BulkResendRequest, ErrorBody, ErrorCode, Page, ResendRequest,
    validate::{BULK_RESEND_MAX, BULK_RESEND_MAX_BODY_BYTES, messages},
};

use crate::{
    AppState,
    auth::CurrentUser,
    error::{ApiError, ApiResult, FieldErrors},
    extract::{JsonObject, PathId, QueryParams},
    fields,
    pagination::{self, ListRequest},
    store::AttemptOrderingSql,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_attempts))
        .routes(routes!(resend_event))
        .routes(routes!(resend_events))
}

/// The endpoint's attempts, newest first unless `ordering` says otherwise.
#[utoipa::path(get, path = "/api/v2/webhook/endpoint/{id}/attempt/", tag = "webhook",
    params(
        ("id" = u64, Path, description = "A unique integer value identifying this endpoint."),
        ("limit" = Option<u64>, Query, description = "Number of results to return per page (default 20, at most 100)."),
        ("offset" = Option<u64>, Query, description = "The initial index from which to return the results."),
        ("ordering" = Option<String>, Query, description = "created_at, sent_at, next_retry; `-` for descending. Default -created_at."),
    ),
    responses((status = 200, body = Page<Attempt>), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_attempts(
    State(state): State<AppState>,
    id: PathId,
    uri: Uri,
    headers: HeaderMap,
    query: QueryParams,
) -> ApiResult<Json<Page<Attempt>>> {
    let id = id.parse()?;
    let request = ListRequest::new(&uri, &headers, &state.host, &query);
    let ordering = pagination::ordering(&query, AttemptSortField::CreatedAt);
    let (count, attempts) = state
        .store
        .list_attempts(id, AttemptOrderingSql::new(&ordering), request.window)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(request.page(count, attempts)))
}

/// One immediate attempt of an event to the endpoint, without retries, active or not.
#[utoipa::path(post, path = "/api/v2/webhook/endpoint/{id}/event/resend/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = ResendRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Every password check is busy; Retry-After says when to try again."),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn resend_event(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    id: PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<StatusCode> {
    let id = id.existing_endpoint(&state.store).await?;
    let mut errors = FieldErrors::default();
    let event = fields::required(&body, "event", &mut errors).and_then(|value| {
        let event = fields::id_value(value);
        if event.is_none() {
            errors.add("event", ErrorCode::Invalid, messages::INVALID_INTEGER);
        }
        event
    });
    if let Some(event) = event
        && state
            .store
            .fanned_out_events(id, vec![event])
            .await?
            .is_empty()
    {
        errors.add("event", ErrorCode::Invalid, not_sent_message(event));
    }
    state
        .accounts
        .confirm_fields_and_password(&user, &body, errors)
        .await?;
    state
        .deliveries
        .resend(id, vec![event.unwrap_or_default()])
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One immediate attempt of each event (1 to 100 distinct ids); if any id is invalid, nothing is sent.
/// The body may hold 64 KiB at most (413 beyond, before it is read whole).
#[utoipa::path(post, path = "/api/v2/webhook/endpoint/{id}/event/resend/bulk/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = BulkResendRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Every password check is busy; Retry-After says when to try again."),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn resend_events(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    id: PathId,
    JsonObject(body): JsonObject<BULK_RESEND_MAX_BODY_BYTES>,
) -> ApiResult<StatusCode> {
    let id = id.existing_endpoint(&state.store).await?;
    let mut errors = FieldErrors::default();
    let events = match fields::required(&body, "event", &mut errors) {
        None => None,
        Some(Value::Array(items)) => {
            let mut ids = Vec::new();
            let mut seen = HashSet::new();
            let mut valid = true;
            for item in items {
                match fields::id_value(item) {
                    Some(event) if seen.insert(event) => ids.push(event),
                    Some(_) => {}
                    // Once, however many items are not ids: the answer stays small.
                    None if valid => {
                        valid = false;
                        errors.add("event", ErrorCode::Invalid, messages::INVALID_INTEGER);
                    }
                    None => {}
                }
            }
            if !valid {
                None
            } else if ids.is_empty() {
                errors.add("event", ErrorCode::Empty, messages::EMPTY_LIST);
                None
            } else if ids.len() > BULK_RESEND_MAX {
                errors.add(
                    "event",
                    ErrorCode::MaxLength,
                    fields::too_many_items(BULK_RESEND_MAX),
                );
                None
            } else {
                Some(ids)
            }
        }
        Some(other) => {
            errors.add("event", ErrorCode::Invalid, fields::not_a_list(other));
            None
        }
    };
    if let Some(events) = &events {
        let known: BTreeSet<i64> = state.store.fanned_out_events(id, events.clone()).await?;
        for event in events.iter().filter(|event| !known.contains(event)) {
            errors.add("event", ErrorCode::Invalid, not_sent_message(*event));
        }
    }
    state
        .accounts
        .confirm_fields_and_password(&user, &body, errors)
        .await?;
    state
        .deliveries
        .resend(id, events.unwrap_or_default())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn not_sent_message(event: i64) -> String {
    format!("Event {event} was never sent to this endpoint.")
}
