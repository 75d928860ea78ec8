//! Webhook endpoints: list, search, catalog, create, retrieve, PUT, PATCH, DELETE (the reference, with
//! contract sections 4 and 5).

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use rand::RngCore;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{
    Endpoint, EndpointPatch, EndpointSortField, ErrorBody, ErrorCode, ErrorMessage, Page, catalog,
    validate::{self, messages},
};

use crate::{
    AppState,
    error::{ApiError, ApiResult, FieldErrors},
    extract::{self, JsonObject, PathId, QueryParams, json_type_name},
    fields,
    pagination::{self, ListRequest},
    store::{EndpointChanges, NewEndpoint},
    targets,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_endpoints, create_endpoint))
        .routes(routes!(event_catalog))
        .routes(routes!(search_endpoints))
        .routes(routes!(
            retrieve_endpoint,
            replace_endpoint,
            update_endpoint,
            delete_endpoint
        ))
}

/// A new signing secret: 32 bytes from a CSPRNG, as 64 hex digits.
pub fn new_signing_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
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
async fn event_catalog() -> Json<Vec<&'static str>> {
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
    let input = EndpointInput::read(
        &body,
        EndpointWrite::Create,
        state.resolver.blocks_private(),
    )?;
    input.check_resolved_target(&state).await?;
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
async fn retrieve_endpoint(State(state): State<AppState>, id: PathId) -> ApiResult<Json<Endpoint>> {
    let id = id.parse()?;
    state
        .store
        .endpoint(id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Full update: `target` and `events` required; optional fields left out keep their values.
#[utoipa::path(put, path = "/api/v2/webhook/endpoint/{id}/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = webhook_api::EndpointWrite,
    responses((status = 200, body = Endpoint), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn replace_endpoint(
    State(state): State<AppState>,
    id: PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Endpoint>> {
    update(state, id, body, EndpointWrite::Replace).await
}

/// Partial update: any subset of the fields; `events`, when present, replaces the set.
#[utoipa::path(patch, path = "/api/v2/webhook/endpoint/{id}/", tag = "webhook",
    params(("id" = u64, Path, description = "A unique integer value identifying this endpoint.")),
    request_body = EndpointPatch,
    responses((status = 200, body = Endpoint), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_endpoint(
    State(state): State<AppState>,
    id: PathId,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<Endpoint>> {
    update(state, id, body, EndpointWrite::Update).await
}

async fn update(
    state: AppState,
    id: PathId,
    body: Map<String, Value>,
    write: EndpointWrite,
) -> ApiResult<Json<Endpoint>> {
    let id = id.existing_endpoint(&state.store).await?;
    let input = EndpointInput::read(&body, write, state.resolver.blocks_private())?;
    input.check_resolved_target(&state).await?;
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

/// Which write a body is for: create and PUT require `target` and `events`; PATCH takes any subset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointWrite {
    Create,
    Replace,
    Update,
}

/// The fields of a create, PUT or PATCH body, validated; `None` for a field the body left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointInput {
    pub target: Option<String>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
    pub ssl_cert_verification: Option<bool>,
    /// Catalog types, each once, in the body's order.
    pub event_types: Option<Vec<String>>,
}

/// A create, PUT or PATCH body from its bytes to its validated fields, or the error the API answers
/// (415, 400 `parse_error`, 400 `invalid`, field errors), as the routes do it minus what needs the
/// store or the network (an unknown id; a target name that resolves to a non-public address). Pure,
/// so the fuzz target `endpoint_body` drives it. `block_private` is `--block-private-targets`.
pub fn read_endpoint_body(
    bytes: &[u8],
    content_type: Option<&str>,
    write: EndpointWrite,
    block_private: bool,
) -> ApiResult<EndpointInput> {
    let body = extract::parse_object(bytes, content_type)?;
    EndpointInput::read(&body, write, block_private)
}

impl EndpointInput {
    /// Reads and checks every field, reporting every problem of every field at once.
    pub fn read(
        body: &Map<String, Value>,
        write: EndpointWrite,
        block_private: bool,
    ) -> ApiResult<Self> {
        let required = write != EndpointWrite::Update;
        let mut errors = FieldErrors::default();
        let target =
            fields::string(body, "target", required, false, &mut errors).filter(|target| {
                let mut problems = validate::target(target);
                if problems.is_empty()
                    && block_private
                    && let Some(refusal) = targets::refuse_without_lookup(target)
                {
                    problems.push(ErrorMessage::new(ErrorCode::Invalid, refusal.message()));
                }
                let valid = problems.is_empty();
                errors.extend("target", problems);
                valid
            });
        let event_types = event_types(body, required, &mut errors);
        let description =
            fields::string(body, "description", false, true, &mut errors).filter(|description| {
                let problems = validate::description(description);
                let valid = problems.is_empty();
                errors.extend("description", problems);
                valid
            });
        let is_active = fields::boolean(body, "is_active", &mut errors);
        let ssl_cert_verification = fields::boolean(body, "ssl_cert_verification", &mut errors);
        errors.into_result()?;
        Ok(Self {
            target,
            description,
            is_active,
            ssl_cert_verification,
            event_types,
        })
    }

    /// With `--block-private-targets`, refuses a target whose name resolves now to a non-public
    /// address (deliveries check again at every try; this only makes the mistake visible early).
    async fn check_resolved_target(&self, state: &AppState) -> ApiResult<()> {
        let Some(target) = &self.target else {
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
}

/// `events`: a non-empty list of `{"type": T}` with T in the catalog; duplicates collapse.
fn event_types(
    body: &Map<String, Value>,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<Vec<String>> {
    let items = match body.get("events") {
        None => {
            if required {
                errors.add("events", ErrorCode::Required, messages::REQUIRED);
            }
            return None;
        }
        Some(Value::Null) => {
            errors.add("events", ErrorCode::Null, messages::NULL);
            return None;
        }
        Some(Value::Array(items)) if items.is_empty() => {
            errors.add("events", ErrorCode::Empty, messages::EMPTY_LIST);
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            errors.add(
                "events",
                ErrorCode::Invalid,
                format!(
                    "Expected a list of items but got type \"{}\".",
                    json_type_name(other)
                ),
            );
            return None;
        }
    };
    let mut types: Vec<String> = Vec::new();
    let mut valid = true;
    for item in items {
        let mut fail = |code, message: String| {
            errors.add("events", code, message);
            valid = false;
        };
        let Value::Object(item) = item else {
            fail(
                ErrorCode::Invalid,
                format!(
                    "Invalid data. Expected a dictionary, but got {}.",
                    json_type_name(item)
                ),
            );
            continue;
        };
        match item.get("type") {
            None => fail(ErrorCode::Required, messages::REQUIRED.to_owned()),
            Some(Value::Null) => fail(ErrorCode::Null, messages::NULL.to_owned()),
            Some(Value::String(name)) if name.trim().is_empty() => {
                fail(ErrorCode::Blank, messages::BLANK.to_owned());
            }
            Some(Value::String(name)) if catalog::contains(name) => {
                if !types.contains(name) {
                    types.push(name.clone());
                }
            }
            Some(Value::String(name)) => fail(
                ErrorCode::InvalidChoice,
                validate::invalid_choice_message(name),
            ),
            Some(other) => fail(
                ErrorCode::InvalidChoice,
                validate::invalid_choice_message(&other.to_string()),
            ),
        }
    }
    valid.then_some(types)
}
