//! Endpoints, the event catalog, attempts and resend.

use gloo_net::http::Method;
use webhook_api::{
    Attempt, AttemptSortField, BulkResendRequest, Endpoint, EndpointPatch, EndpointSortField,
    EndpointWrite, Page, ResendRequest,
};

use super::{ApiError, Client, endpoint_path};
use crate::{
    json_tree::Json,
    paging,
    query::ListQuery,
    url::encode_query,
    wire::{Fields, FromJson},
};

/// A page of endpoints; with a search text, through the contract's search route (substring of target).
pub async fn list_endpoints(
    client: &Client,
    query: &ListQuery<EndpointSortField>,
) -> Result<Page<Endpoint>, ApiError> {
    let mut params = page_params(
        query.size,
        query.offset,
        query.ordering.map(|o| o.to_query()),
    );
    let path = if query.search.is_empty() {
        "/api/v2/webhook/endpoint/"
    } else {
        params.insert(0, ("target", query.search.clone()));
        "/api/v2/webhook/endpoint/search/"
    };
    client
        .get(&format!("{path}{}", encode_query(&params)))
        .await
}

fn page_params(limit: u64, offset: u64, ordering: Option<String>) -> Vec<(&'static str, String)> {
    let mut params = vec![("limit", limit.to_string()), ("offset", offset.to_string())];
    if let Some(ordering) = ordering {
        params.push(("ordering", ordering));
    }
    params
}

/// Every endpoint, asking for a hundred at a time (for the event catalog's subscribers), by the offsets
/// the server's answers give, so that a server whose pages are smaller skips none.
pub async fn list_all_endpoints(client: &Client) -> Result<Vec<Endpoint>, ApiError> {
    let limit = webhook_api::MAX_PAGE_SIZE;
    paging::all_rows(limit, |offset| {
        let path = format!(
            "/api/v2/webhook/endpoint/{}",
            encode_query(&page_params(limit, offset, None))
        );
        async move { client.get::<Page<Endpoint>>(&path).await }
    })
    .await
}

pub async fn get_endpoint(client: &Client, id: u64) -> Result<Endpoint, ApiError> {
    client.get(&endpoint_path(id)).await
}

pub async fn create_endpoint(client: &Client, body: &EndpointWrite) -> Result<Endpoint, ApiError> {
    client
        .send_json(Method::POST, "/api/v2/webhook/endpoint/", body)
        .await
}

/// Full update (`PUT`).
pub async fn update_endpoint(
    client: &Client,
    id: u64,
    body: &EndpointWrite,
) -> Result<Endpoint, ApiError> {
    client
        .send_json(Method::PUT, &endpoint_path(id), body)
        .await
}

/// Partial update (`PATCH`), e.g. the active switch.
pub async fn patch_endpoint(
    client: &Client,
    id: u64,
    body: &EndpointPatch,
) -> Result<Endpoint, ApiError> {
    client
        .send_json(Method::PATCH, &endpoint_path(id), body)
        .await
}

pub async fn delete_endpoint(client: &Client, id: u64) -> Result<(), ApiError> {
    client
        .send_json_no_content(Method::DELETE, &endpoint_path(id), None)
        .await
}

/// The event types an endpoint can subscribe to, in the server's order.
pub async fn get_event_catalog(client: &Client) -> Result<Vec<String>, ApiError> {
    let entries: Vec<CatalogEntry> = client.get("/api/v2/webhook/endpoint/event/").await?;
    Ok(entries.into_iter().map(|entry| entry.0).collect())
}

/// The reference lists plain strings; objects with a `type` are read too, for servers that send them.
struct CatalogEntry(String);

impl FromJson for CatalogEntry {
    fn from_json(json: Json) -> Result<Self, String> {
        match json {
            Json::String(name) => Ok(Self(name)),
            object => Fields::of(object)?.required("type").map(Self),
        }
    }
}

/// A page of an endpoint's delivery attempts.
pub async fn list_attempts(
    client: &Client,
    id: u64,
    query: &ListQuery<AttemptSortField>,
) -> Result<Page<Attempt>, ApiError> {
    let params = page_params(
        query.size,
        query.offset,
        query.ordering.map(|o| o.to_query()),
    );
    client
        .get(&format!(
            "{}attempt/{}",
            endpoint_path(id),
            encode_query(&params)
        ))
        .await
}

/// One immediate new attempt of `event` to endpoint `id`.
pub async fn resend(client: &Client, id: u64, body: &ResendRequest) -> Result<(), ApiError> {
    client
        .send_json_no_content(
            Method::POST,
            &format!("{}event/resend/", endpoint_path(id)),
            Some(body),
        )
        .await
}

/// One immediate new attempt of each of several events.
pub async fn bulk_resend(
    client: &Client,
    id: u64,
    body: &BulkResendRequest,
) -> Result<(), ApiError> {
    client
        .send_json_no_content(
            Method::POST,
            &format!("{}event/resend/bulk/", endpoint_path(id)),
            Some(body),
        )
        .await
}
