//! The endpoint routes: list, search, catalog, create, get, update (PUT), patch (PATCH), delete.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, value::RawValue};
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{
    Endpoint, EndpointPatch, EndpointSortField, ErrorBody, ErrorCode, Page, catalog,
};

use super::body::{EndpointInput, WriteKind};
use crate::{
    AppState,
    error::{ApiError, ApiResult},
    extract::{JsonObject, PathId, QueryParams},
    pagination::{self, ListRequest},
    secrets::new_signing_secret,
    store::{EndpointChanges, NewEndpoint},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_endpoints, create_endpoint))
        .routes(routes!(get_event_catalog))
        .routes(routes!(search_endpoints))
        .routes(routes!(
            get_endpoint,
            update_endpoint,
            patch_endpoint,
            delete_endpoint
        ))
}

/// Lists endpoints, newest first unless `ordering` says otherwise.
#[utoipa::path(get, path = "/api/v2/webhook/endpoint/", tag = "webhook",
    params(
        ("limit" = Option<u64>, Query, description = "Number of results to return per page (default 20, at most 100)."),
        ("offset" = Option<u64>, Query, description = "The initial index from which to return the results."),
        ("ordering" = Option<String>, Query, description = "created_at, is_active, updated_at; `-` for descending. Default -created_at."),
    ),
    responses((status = 200, body = Page<Endpoint>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_endpoints(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    query: QueryParams,
) -> ApiResult<Response> {
    list(state, uri, headers, query, None).await
}

/// Endpoints whose target contains `target`, ignoring case; paginated like the list.
#[utoipa::path(get, path = "/api/v2/webhook/endpoint/search/", tag = "webhook",
    params(
        ("target" = Option<String>, Query, description = "Text the target must contain (case-insensitive)."),
        ("limit" = Option<u64>, Query, description = "Number of results to return per page."),
        ("offset" = Option<u64>, Query, description = "The initial index from which to return the results."),
        ("ordering" = Option<String>, Query, description = "created_at, is_active, updated_at; `-` for descending."),
    ),
    responses((status = 200, body = Page<Endpoint>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn search_endpoints(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    query: QueryParams,
) -> ApiResult<Response> {
    let target = query.get("target").unwrap_or_default().to_owned();
    list(state, uri, headers, query, Some(target)).await
}

async fn list(
    state: AppState,
    uri: Uri,
    headers: HeaderMap,
    query: QueryParams,
    search: Option<String>,
) -> ApiResult<Response> {
    let request = ListRequest::new(&uri, &headers, &state.host, &query);
    let ordering = pagination::ordering(&query, EndpointSortField::CreatedAt);
    let (count, endpoints) = state
        .store
        .list_endpoints(search, ordering, request.window)
        .await?;
    let results: Vec<&RawValue> = endpoints.iter().map(|json| &**json).collect();
    Ok(Json(request.page(count, results)).into_response())
}

/// The event types an endpoint can subscribe to, in the reference's order.
#[utoipa::path(get, path = "/api/v2/webhook/endpoint/event/", tag = "webhook",
    responses((status = 200, body = Vec<String>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_event_catalog() -> Json<Vec<&'static str>> {
    Json(catalog::event_types().collect())
}

/// Creates an endpoint subscribed to the given events, with a new signing secret.
#[utoipa::path(post, path = "/api/v2/webhook/endpoint/", tag = "webhook",
    request_body = webhook_api::EndpointWrite,
    responses((status = 201, body = Endpoint), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_endpoint(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<Endpoint>)> {
    let input = EndpointInput::read(&body, WriteKind::Create, state.resolver.blocks_private())?;
    check_resolved_target(&state, &input).await?;
    let endpoint = state
        .store
        .create_endpoint(NewEndpoint {
            target: input.target.unwrap_or_default(),
            description: input.description.unwrap_or_default(),
            is_active: input.is_active.unwrap_or(true),
            ssl_cert_verification: input.ssl_cert_verification.unwrap_or(true),
            event_types: input.event_types.unwrap_or_default(),
            signing_secret: new_signing_secret(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(endpoint)))
}

/// One endpoint.
#[utoipa::path(get, path = "/api/v2/webhook/endpoint/{id}/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    responses((status = 200, body = Endpoint), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_endpoint(State(state): State<AppState>, id: PathId) -> ApiResult<Json<Endpoint>> {
    let id = id.parse()?;
    state
        .store
        .endpoint(id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Update (PUT): `target` and `events` required; optional fields left out keep their values.
#[utoipa::path(put, path = "/api/v2/webhook/endpoint/{id}/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = webhook_api::EndpointWrite,
    responses((status = 200, body = Endpoint), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_endpoint(
    State(state): State<AppState>,
    id: PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Endpoint>> {
    write(state, id, body, WriteKind::Update).await
}

/// Patch: any subset of the fields; `events`, when present, replaces the set.
#[utoipa::path(patch, path = "/api/v2/webhook/endpoint/{id}/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = EndpointPatch,
    responses((status = 200, body = Endpoint), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn patch_endpoint(
    State(state): State<AppState>,
    id: PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Endpoint>> {
    write(state, id, body, WriteKind::Patch).await
}

/// An update or a patch of an endpoint that exists.
async fn write(
    state: AppState,
    id: PathId,
    body: Map<String, Value>,
    kind: WriteKind,
) -> ApiResult<Json<Endpoint>> {
    let id = id.existing_endpoint(&state.store).await?;
    let input = EndpointInput::read(&body, kind, state.resolver.blocks_private())?;
    check_resolved_target(&state, &input).await?;
    state
        .store
        .update_endpoint(
            id,
            EndpointChanges {
                target: input.target,
                description: input.description,
                is_active: input.is_active,
                ssl_cert_verification: input.ssl_cert_verification,
                event_types: input.event_types,
            },
        )
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Deletes an endpoint with its attempts and pending deliveries.
#[utoipa::path(delete, path = "/api/v2/webhook/endpoint/{id}/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_endpoint(State(state): State<AppState>, id: PathId) -> ApiResult<StatusCode> {
    let id = id.parse()?;
    if state.store.delete_endpoint(id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// With `--block-private-targets`, refuses a target whose name resolves now to a non-public address
/// (deliveries check again at every try; this only makes the mistake visible early).
async fn check_resolved_target(state: &AppState, input: &EndpointInput) -> ApiResult<()> {
    let Some(target) = &input.target else {
        return Ok(());
    };
    match state.resolver.refuse_at_write(target).await {
        Some(refusal) => Err(ApiError::field(
            "target",
            ErrorCode::Invalid,
            refusal.message(),
        )),
        None => Ok(()),
    }
}
