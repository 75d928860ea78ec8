//! `POST /__mock/events/` with `endpoints`: a test event for some endpoints only (issue 14). Each named
//! endpoint must exist, be active and be subscribed to the type; otherwise 400 on `endpoints`, and no
//! event is created.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, delivery_config, error_of, field_codes, receiver::Receiver};

async fn server() -> TestServer {
    TestServer::with(delivery_config("60", std::time::Duration::from_secs(5))).await
}

fn id(endpoint: &Value) -> u64 {
    endpoint["id"].as_u64().expect("an endpoint id")
}

/// The `endpoints` field's messages of a 400.
fn endpoint_messages(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter(|entry| entry["field"] == "endpoints")
        .flat_map(|entry| entry["messages"].as_array().cloned().unwrap_or_default())
        .map(|message| message["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Sends `body` to `POST /__mock/events/` and expects a 400 whose only field is `endpoints`; returns
/// its codes and messages. Then shows that nothing was created: the next event gets id 1.
async fn refused(server: &TestServer, body: Value) -> (Vec<String>, Vec<String>) {
    let (status, error) = error_of(server.post("/__mock/events/", &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let fields: Vec<_> = error["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["field"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(fields, ["endpoints"], "{error}");
    assert_eq!(
        server.trigger("user.created").await["event_id"],
        1,
        "a refused test event must create no event"
    );
    (field_codes(&error, "endpoints"), endpoint_messages(&error))
}

#[tokio::test]
async fn only_the_named_endpoints_get_the_event() {
    let server = server().await;
    let mut chosen = Receiver::healthy().await;
    let other = Receiver::healthy().await;
    let a = server.create_endpoint(&chosen.url, &["user.created"]).await;
    let b = server.create_endpoint(&other.url, &["user.created"]).await;

    let response = server
        .post(
            "/__mock/events/",
            &json!({"type": "user.created", "data": {"test": true}, "endpoints": [id(&a), id(&a)]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["endpoints"], json!([id(&a)]));

    let received = chosen.next().await;
    assert_eq!(received.event_id(), created["event_id"].as_u64().unwrap());
    assert_eq!(received.json()["data"], json!({"test": true}));
    // The other subscriber never had it: resend, which takes only events fanned out to the endpoint,
    // refuses it there.
    let (status, error) = error_of(
        server
            .admin(
                Method::POST,
                &format!("/api/v2/webhook/endpoint/{}/event/resend/", id(&b)),
            )
            .json(&json!({"event": created["event_id"], "password": "admin"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&error, "event"), ["invalid"]);
    assert!(server.attempts(id(&b)).await.is_empty());
}

#[tokio::test]
async fn without_endpoints_every_active_subscriber_gets_the_event() {
    let server = server().await;
    let a = server
        .create_endpoint("http://127.0.0.1:9/a", &["user.created"])
        .await;
    let b = server
        .create_endpoint("http://127.0.0.1:9/b", &["user.created"])
        .await;
    let created = server
        .post(
            "/__mock/events/",
            &json!({"type": "user.created", "endpoints": null}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(created["endpoints"], json!([id(&a), id(&b)]));
}

#[tokio::test]
async fn an_unknown_endpoint_is_refused() {
    let server = server().await;
    let a = server
        .create_endpoint("http://127.0.0.1:9/a", &["user.created"])
        .await;
    let (codes, messages) = refused(
        &server,
        json!({"type": "user.created", "endpoints": [id(&a), 999]}),
    )
    .await;
    assert_eq!(codes, ["invalid"]);
    assert_eq!(messages, ["Endpoint 999 does not exist."]);
}

#[tokio::test]
async fn an_inactive_endpoint_is_refused() {
    let server = server().await;
    let a = server
        .create_endpoint("http://127.0.0.1:9/a", &["user.created"])
        .await;
    server
        .send_json(
            Method::PATCH,
            &format!("/api/v2/webhook/endpoint/{}/", id(&a)),
            &json!({"is_active": false}),
        )
        .await;
    let (codes, messages) = refused(
        &server,
        json!({"type": "user.created", "endpoints": [id(&a)]}),
    )
    .await;
    assert_eq!(codes, ["invalid"]);
    assert_eq!(messages, [format!("Endpoint {} is inactive.", id(&a))]);
}

#[tokio::test]
async fn an_endpoint_not_subscribed_to_the_type_is_refused() {
    let server = server().await;
    let a = server
        .create_endpoint("http://127.0.0.1:9/a", &["user.created"])
        .await;
    let b = server
        .create_endpoint("http://127.0.0.1:9/b", &["post.created"])
        .await;
    let (codes, messages) = refused(
        &server,
        json!({"type": "user.created", "endpoints": [id(&a), id(&b)]}),
    )
    .await;
    assert_eq!(codes, ["invalid"]);
    assert_eq!(
        messages,
        [format!(
            "Endpoint {} is not subscribed to user.created.",
            id(&b)
        )]
    );
}

#[tokio::test]
async fn endpoints_must_be_a_list_of_1_to_100_ids() {
    let server = server().await;
    let a = server
        .create_endpoint("http://127.0.0.1:9/a", &["user.created"])
        .await;
    let too_many: Vec<u64> = (1..=101).collect();
    for (endpoints, code) in [
        (json!(id(&a)), "invalid"),
        (json!([id(&a).to_string()]), "invalid"),
        (json!([1.5]), "invalid"),
        (json!([]), "empty"),
        (json!(too_many), "max_length"),
    ] {
        let (status, error) = error_of(
            server
                .post(
                    "/__mock/events/",
                    &json!({"type": "user.created", "endpoints": endpoints}),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoints}");
        assert_eq!(field_codes(&error, "endpoints"), [code], "{endpoints}");
    }
    // Nothing was created meanwhile.
    assert_eq!(server.trigger("user.created").await["event_id"], 1);
}

#[tokio::test]
async fn the_openapi_document_declares_endpoints() {
    let server = server().await;
    let document = server.get_json("/openapi.json").await;
    let endpoints =
        &document["components"]["schemas"]["MockEventRequest"]["properties"]["endpoints"];
    assert_eq!(endpoints["minItems"], 1, "{endpoints}");
    assert_eq!(endpoints["maxItems"], 100, "{endpoints}");
}
