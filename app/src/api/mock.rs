//! mock-server's own routes that the console may use when the server has them (a test event). The
//! platform's API has none of them: nothing here is needed for any screen to work.

use gloo_net::http::Method;

use super::{ApiError, Body, Client};
use crate::json_tree::{self, Json};

/// The server's OpenAPI document (`GET /openapi.json`) as text; a server without one answers 404.
pub async fn get_openapi_document(client: &Client) -> Result<String, ApiError> {
    text_of(client, Method::GET, "/openapi.json", None).await
}

/// Sends an event of `event_type` with `data` to endpoint `id` alone (`POST /__mock/events/` with
/// `"endpoints": [id]`); the new event's id.
pub async fn send_test_event(
    client: &Client,
    id: u64,
    event_type: &str,
    data: &Json,
) -> Result<u64, ApiError> {
    let mut body = String::from(r#"{"type":"#);
    json_tree::write_string(&mut body, event_type);
    body.push_str(r#","data":"#);
    body.push_str(&data.compact());
    body.push_str(&format!(r#","endpoints":[{id}]}}"#));
    let text = text_of(
        client,
        Method::POST,
        "/__mock/events/",
        Some(Body::Json(body)),
    )
    .await?;
    match json_tree::parse(&text)
        .ok()
        .as_ref()
        .and_then(|j| j.get("event_id"))
    {
        Some(Json::Number(number)) => number.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| ApiError::Decode("no event_id in the answer".into()))
}

/// The text of a successful answer.
async fn text_of(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<Body>,
) -> Result<String, ApiError> {
    let response = client.send(method, path, body).await?;
    response
        .text()
        .await
        .map_err(|error| ApiError::Network(error.to_string()))
}
