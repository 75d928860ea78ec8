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

async fn document(server: &TestServer) -> Value {
    server.get_json("/openapi.json").await
}

/// The rules the server enforces, stated where a client (or schemathesis) reads them.
#[tokio::test]
async fn the_document_states_the_rules_the_server_enforces() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    let schemas = &doc["components"]["schemas"];
    for name in ["EndpointWrite", "EndpointPatch"] {
        let properties = &schemas[name]["properties"];
        assert_eq!(properties["target"]["maxLength"], 200, "{name}");
        assert!(properties["target"]["pattern"].is_string(), "{name}");
        assert_eq!(properties["description"]["maxLength"], 255, "{name}");
        assert_eq!(properties["events"]["minItems"], 1, "{name}");
        // Fields the server refuses `null` for are not nullable.
        for field in [
            "target",
            "description",
            "events",
            "is_active",
            "ssl_cert_verification",
        ] {
            assert!(
                !properties[field].to_string().contains("null"),
                "{name}.{field}: {}",
                properties[field]
            );
        }
    }
    let catalog = server.get_json("/api/v2/webhook/endpoint/event/").await;
    let event_types = schemas["EventRef"]["properties"]["type"]["enum"]
        .as_array()
        .expect("an enum");
    assert_eq!(Some(event_types), catalog.as_array());
    assert_eq!(
        schemas["MockEventRequest"]["properties"]["type"]["enum"].as_array(),
        Some(event_types)
    );
    for name in ["PasswordConfirmation", "ResendRequest", "BulkResendRequest"] {
        assert_eq!(
            schemas[name]["properties"]["password"]["pattern"], r"\S",
            "{name}"
        );
    }
    assert_eq!(
        schemas["BulkResendRequest"]["properties"]["event"]["minItems"],
        1
    );
    let status = &schemas["SinkBehavior"]["properties"]["status"];
    assert_eq!(
        (&status["minimum"], &status["maximum"]),
        (&100.into(), &599.into())
    );
    let grants: Vec<&Value> = schemas["TokenRequest"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|grant| &grant["properties"]["grant_type"]["const"])
        .collect();
    assert_eq!(grants, ["password", "refresh_token"]);
    // An empty body is `{}`: where `{}` is a valid body, the body is optional.
    for (path, method) in [
        ("/api/v2/webhook/endpoint/{id}/", "patch"),
        ("/__mock/reset/", "post"),
        ("/__mock/sink/{name}/behavior/", "put"),
    ] {
        assert_eq!(
            doc["paths"][path][method]["requestBody"]["required"], false,
            "{method} {path}"
        );
    }
    // Any offset is taken (an invalid one means 0): nothing in the document bounds it.
    let list = &doc["paths"]["/api/v2/webhook/endpoint/"]["get"]["parameters"];
    let offset = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "offset")
        .unwrap();
    assert_eq!(offset["schema"], serde_json::json!({}));
}

/// The target pattern of the document and the server's rule agree (on ASCII hosts; the server also
/// takes internationalised ones).
#[tokio::test]
async fn the_target_pattern_agrees_with_what_the_server_takes() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    let pattern = doc["components"]["schemas"]["EndpointWrite"]["properties"]["target"]["pattern"]
        .as_str()
        .unwrap()
        .to_owned();
    let pattern = regex::Regex::new(&pattern).expect("a regular expression");
    for target in [
        "https://example.com",
        "HTTP://EXAMPLE.COM/x",
        "http://127.0.0.1:8000/__mock/sink/orders/",
        "https://hooks.example.com/path?x=1#frag",
        "http://localhost",
        "http://[::1]:8080/x",
        "https://user:pw@example.com/",
        "https://a@b@example.com/",
        "http://example.com:65535/",
        "http://example.com:65536/",
        "http://example.com:0/",
        "http://example.com:/",
        "http://example.com:123456/",
        "http://ex_ample.com./",
        "http://-example.com/",
        "http://example-.com/",
        "http://exa mple.com/",
        "http://example.com/a b",
        "http://example.com/\u{7f}",
        "ftp://example.com/",
        "example.com",
        "http://",
        "http:///path",
        "http://[zz]/",
        "http://a..b/",
        "https://example.com?query",
        "https://example.com#",
    ] {
        let created = server
            .post(
                "/api/v2/webhook/endpoint/",
                &serde_json::json!({"target": target, "events": [{"type": "post.created"}]}),
            )
            .await
            .status();
        assert_eq!(
            pattern.is_match(target),
            created == reqwest::StatusCode::CREATED,
            "{target}: the server answered {created}"
        );
    }
}
