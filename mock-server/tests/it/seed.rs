//! Demo data on a fresh database, and `POST /__mock/reset/` (contract sections 1 and 7).

use serde_json::{Value, json};

use crate::common::{TestServer, config};

async fn seeded() -> TestServer {
    let mut config = config();
    config.no_seed = false;
    TestServer::with(config).await
}

async fn all_attempts(server: &TestServer, endpoints: &[Value]) -> Vec<Value> {
    let mut attempts = Vec::new();
    for endpoint in endpoints {
        let page = server
            .get_json(&format!(
                "/api/v2/webhook/endpoint/{}/attempt/?limit=100",
                endpoint["id"]
            ))
            .await;
        attempts.extend(page["results"].as_array().unwrap().iter().cloned());
    }
    attempts
}

#[tokio::test]
async fn a_fresh_database_gets_endpoints_that_target_this_servers_sink() {
    let server = seeded().await;
    let page = server.get_json("/api/v2/webhook/endpoint/").await;
    let endpoints = page["results"].as_array().unwrap();
    assert!(endpoints.len() >= 3);
    let sink = format!("{}/__mock/sink/", server.url);
    assert!(
        endpoints
            .iter()
            .all(|e| e["target"].as_str().unwrap().starts_with(&sink))
    );
    assert_eq!(
        endpoints.iter().filter(|e| e["is_active"] == false).count(),
        1
    );
    assert!(
        endpoints
            .iter()
            .any(|e| e["ssl_cert_verification"] == false)
    );
    let descriptions: std::collections::BTreeSet<&str> = endpoints
        .iter()
        .map(|e| e["description"].as_str().unwrap())
        .collect();
    assert_eq!(descriptions.len(), endpoints.len(), "descriptions vary");
}

#[tokio::test]
async fn the_demo_history_has_successful_failed_and_pending_retry_attempts() {
    let server = seeded().await;
    let endpoints = server.get_json("/api/v2/webhook/endpoint/").await["results"]
        .as_array()
        .unwrap()
        .clone();
    let attempts = all_attempts(&server, &endpoints).await;
    assert!(attempts.iter().any(|a| a["http_response_code"] == 200));
    assert!(
        attempts
            .iter()
            .any(|a| a["http_response_code"].as_u64().is_some_and(|c| c >= 400))
    );
    assert!(
        attempts
            .iter()
            .any(|a| a["http_response_code"].is_null() && a["error"].is_string())
    );
    assert!(attempts.iter().any(|a| a["next_retry"].is_string()));
    for attempt in &attempts {
        let secret_free = attempt["http_request_signature_header"].as_str().unwrap();
        assert!(secret_free.starts_with("t=") && secret_free.contains(",v0="));
    }
}

#[tokio::test]
async fn no_seed_leaves_a_fresh_database_empty() {
    let server = TestServer::start().await;
    assert_eq!(
        server.get_json("/api/v2/webhook/endpoint/").await["count"],
        0
    );
}

#[tokio::test]
async fn reset_empties_the_store_and_ids_start_again() {
    let server = seeded().await;
    let response = server.post("/__mock/reset/", &json!({"seed": false})).await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        server.get_json("/api/v2/webhook/endpoint/").await["count"],
        0
    );
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    assert_eq!(endpoint["id"], 1);
}

#[tokio::test]
async fn reset_with_seed_brings_the_demo_data_back() {
    let server = TestServer::start().await;
    server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let response = server.post("/__mock/reset/", &json!({"seed": true})).await;
    assert_eq!(response.status(), 204);
    let page = server.get_json("/api/v2/webhook/endpoint/").await;
    assert!(page["count"].as_u64().unwrap() >= 3);
    assert!(
        page["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["target"] != "https://a.example/")
    );
}
