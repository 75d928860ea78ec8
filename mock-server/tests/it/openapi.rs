//! `GET /openapi.json` documents every route (contract section 7).

use reqwest::Method;
use serde_json::Value;

use crate::common::TestServer;

/// Every route of the reference and the contract.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/v2/webhook/endpoint/"),
    ("post", "/api/v2/webhook/endpoint/"),
    ("get", "/api/v2/webhook/endpoint/event/"),
    ("get", "/api/v2/webhook/endpoint/search/"),
    ("get", "/api/v2/webhook/endpoint/{id}/"),
    ("put", "/api/v2/webhook/endpoint/{id}/"),
    ("patch", "/api/v2/webhook/endpoint/{id}/"),
    ("delete", "/api/v2/webhook/endpoint/{id}/"),
    ("get", "/api/v2/webhook/endpoint/{id}/attempt/"),
    ("post", "/api/v2/webhook/endpoint/{id}/secret/expire/"),
    ("post", "/api/v2/webhook/endpoint/{id}/secret/reveal/"),
    ("post", "/api/v2/webhook/endpoint/{id}/event/resend/"),
    ("post", "/api/v2/webhook/endpoint/{id}/event/resend/bulk/"),
    ("post", "/oauth/token/"),
    ("get", "/api/v2/user/me/"),
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("post", "/__mock/events/"),
    ("post", "/__mock/reset/"),
    ("post", "/__mock/sink/{name}/"),
    ("options", "/__mock/sink/{name}/"),
    ("get", "/__mock/sink/{name}/requests/"),
    ("delete", "/__mock/sink/{name}/requests/"),
    ("put", "/__mock/sink/{name}/behavior/"),
];

#[tokio::test]
async fn the_document_is_openapi_3_1_and_needs_no_token() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[tokio::test]
async fn the_document_lists_every_route() {
    let server = TestServer::start().await;
    let document: Value = server
        .request(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (method, path) in ROUTES {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
}

#[tokio::test]
async fn every_documented_route_exists() {
    let server = TestServer::start().await;
    let document: Value = server
        .request(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, operations) in document["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", "1").replace("{name}", "docs");
        for method in operations.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = server
                .admin(method.clone(), &concrete)
                .send()
                .await
                .unwrap();
            assert_ne!(response.status(), 405, "{method} {path}");
            if response.status() == 404 {
                // Only an unknown id may be missing, never the route.
                assert!(path.contains("{id}"), "{method} {path} is not routed");
            }
        }
    }
}

#[tokio::test]
async fn the_schemas_describe_the_wire_types() {
    let server = TestServer::start().await;
    let document: Value = server
        .request(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemas = &document["components"]["schemas"];
    for name in [
        "Endpoint",
        "Attempt",
        "ErrorBody",
        "SigningSecret",
        "SinkRequest",
    ] {
        assert!(schemas[name].is_object(), "no schema {name}");
    }
    assert!(schemas["Endpoint"]["properties"]["ssl_cert_verification"].is_object());
}
