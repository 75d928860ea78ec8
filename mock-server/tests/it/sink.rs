//! The built-in sink and `--simulate` (contract section 7, issue 4).

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use webhook_api::signature;

use crate::common::{TestServer, config, delivery_config};

/// Waits until the sink has received `n` requests and returns them, newest first.
async fn sink_requests(server: &TestServer, name: &str, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let requests = server
            .get_json(&format!("/__mock/sink/{name}/requests/"))
            .await;
        let requests = requests.as_array().unwrap().clone();
        if requests.len() >= n {
            return requests;
        }
        assert!(
            Instant::now() < deadline,
            "the sink got {} requests, not {n}",
            requests.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn deliveries_to_the_sink_are_recorded_with_a_valid_signature() {
    let server = TestServer::with(delivery_config("60", Duration::from_secs(5))).await;
    let endpoint = server
        .create_endpoint(
            &format!("{}/__mock/sink/orders/", server.url),
            &["post.created"],
        )
        .await;
    let event = server.trigger("post.created").await;
    let requests = sink_requests(&server, "orders", 1).await;
    let request = &requests[0];
    assert_eq!(request["method"], "POST");
    assert_eq!(request["signature_valid"], true);
    assert!(
        request["headers"]["selfcommunity-signature"]
            .as_str()
            .unwrap()
            .starts_with("t=")
    );
    let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["event_id"], event["event_id"]);
    let attempts = server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 1)
        .await;
    assert_eq!(attempts[0]["http_response_body"], r#"b'{"success":true}'"#);
}

#[tokio::test]
async fn a_request_with_a_wrong_signature_is_recorded_as_invalid() {
    let server = TestServer::start().await;
    server
        .create_endpoint(
            &format!("{}/__mock/sink/crm/", server.url),
            &["user.created"],
        )
        .await;
    let bogus = signature::header_value("not the secret", 1_700_000_000, b"{}");
    let response = server
        .request(Method::POST, "/__mock/sink/crm/")
        .header(signature::HEADER, bogus)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let requests = sink_requests(&server, "crm", 1).await;
    assert_eq!(requests[0]["signature_valid"], false);
}

#[tokio::test]
async fn a_signature_made_with_the_revealed_secret_is_valid_whatever_the_host() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint(
            "https://hooks.example.com/__mock/sink/billing/",
            &["user.created"],
        )
        .await;
    let secret = server.reveal(endpoint["id"].as_u64().unwrap()).await;
    let header = signature::header_value(&secret, 1_700_000_000, b"{\"a\": 1}");
    server
        .request(Method::POST, "/__mock/sink/billing/")
        .header(signature::HEADER, header)
        .body("{\"a\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sink_requests(&server, "billing", 1).await[0]["signature_valid"],
        true
    );
}

#[tokio::test]
async fn the_sink_answers_any_method_without_a_token() {
    let server = TestServer::start().await;
    for method in [
        Method::GET,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::POST,
    ] {
        let response = server
            .request(method.clone(), "/__mock/sink/open/")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{method}");
        assert_eq!(response.text().await.unwrap(), r#"{"success":true}"#);
    }
}

#[tokio::test]
async fn requests_are_listed_newest_first_and_can_be_cleared() {
    let server = TestServer::start().await;
    for n in 1..=3 {
        server
            .request(Method::POST, "/__mock/sink/list/")
            .body(format!("{n}"))
            .send()
            .await
            .unwrap();
    }
    let requests = sink_requests(&server, "list", 3).await;
    let bodies: Vec<&str> = requests
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, vec!["3", "2", "1"]);
    let cleared = server
        .admin(Method::DELETE, "/__mock/sink/list/requests/")
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.get_json("/__mock/sink/list/requests/").await,
        json!([])
    );
}

#[tokio::test]
async fn reading_the_sink_needs_the_admin_token() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::GET, "/__mock/sink/x/requests/")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_behavior_sets_status_body_and_failures_first() {
    let server = TestServer::start().await;
    let response = server
        .send_json(
            Method::PUT,
            "/__mock/sink/flaky/behavior/",
            &json!({"status": 202, "body": "accepted", "fail_first": 2}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = server
            .request(Method::POST, "/__mock/sink/flaky/")
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if statuses.len() == 3 {
            assert_eq!(response.text().await.unwrap(), "accepted");
        }
    }
    assert_eq!(statuses, vec![500, 500, 202]);
}

#[tokio::test]
async fn the_behavior_delays_the_answer() {
    let server = TestServer::start().await;
    server
        .send_json(
            Method::PUT,
            "/__mock/sink/slow/behavior/",
            &json!({"delay_ms": 250}),
        )
        .await;
    let started = Instant::now();
    let response = server
        .request(Method::POST, "/__mock/sink/slow/")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn a_bad_behavior_is_400_and_changes_nothing() {
    let server = TestServer::start().await;
    let (status, body) = crate::common::error_of(
        server
            .send_json(
                Method::PUT,
                "/__mock/sink/bad/behavior/",
                &json!({"status": 99, "delay_ms": -1}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(crate::common::field_codes(&body, "status"), vec!["invalid"]);
    assert_eq!(
        crate::common::field_codes(&body, "delay_ms"),
        vec!["invalid"]
    );
    let response = server
        .request(Method::POST, "/__mock/sink/bad/")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_event_of_an_unknown_type_is_an_invalid_choice() {
    let server = TestServer::start().await;
    let (status, body) = crate::common::error_of(
        server
            .post("/__mock/events/", &json!({"type": "nope.nope"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        crate::common::field_codes(&body, "type"),
        vec!["invalid_choice"]
    );
}

#[tokio::test]
async fn an_event_carries_the_data_it_was_given() {
    let server = TestServer::with(delivery_config("60", Duration::from_secs(5))).await;
    server
        .create_endpoint(
            &format!("{}/__mock/sink/data/", server.url),
            &["user.updated"],
        )
        .await;
    let response = server
        .post(
            "/__mock/events/",
            &json!({"type": "user.updated", "data": {"user": {"id": 99}}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let requests = sink_requests(&server, "data", 1).await;
    let body: Value = serde_json::from_str(requests[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["data"], json!({"user": {"id": 99}}));
}

#[tokio::test]
async fn every_catalog_type_gets_a_realistic_example_payload() {
    let server = TestServer::start().await;
    let all: Vec<&str> = webhook_api::catalog::event_types().collect();
    server
        .create_endpoint(&format!("{}/__mock/sink/all/", server.url), &all)
        .await;
    for event_type in &all {
        server.trigger(event_type).await;
    }
    let requests = sink_requests(&server, "all", all.len()).await;
    for request in requests {
        let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
        assert!(
            body["data"]
                .as_object()
                .is_some_and(|data| !data.is_empty()),
            "{body}"
        );
        assert_eq!(request["signature_valid"], true);
    }
}

#[tokio::test]
async fn simulate_emits_events_that_reach_subscribed_endpoints() {
    let mut config = config();
    config.simulate = Some(50.0);
    let server = TestServer::with(config).await;
    server
        .create_endpoint(
            &format!("{}/__mock/sink/live/", server.url),
            &["post.created", "vote.created"],
        )
        .await;
    let requests = sink_requests(&server, "live", 3).await;
    for request in requests {
        let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
        assert!(["post.created", "vote.created"].contains(&body["type"].as_str().unwrap()));
    }
}

/// Sends `n` requests of `size` bytes to sink `name`, each answered.
async fn fill(server: &TestServer, name: &str, n: usize, size: usize) {
    for _ in 0..n {
        let sent = server
            .request(Method::POST, &format!("/__mock/sink/{name}/"))
            .body(vec![b'x'; size])
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), StatusCode::OK);
    }
}

/// What sink `name` keeps, and its `Mock-Sink-Dropped` count.
async fn kept(server: &TestServer, name: &str) -> (Vec<Value>, u64) {
    let response = server.get(&format!("/__mock/sink/{name}/requests/")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let dropped = response.headers()["mock-sink-dropped"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let requests: Value = response.json().await.unwrap();
    (requests.as_array().unwrap().clone(), dropped)
}

#[tokio::test]
async fn a_long_body_is_kept_cut_and_marked_and_its_signature_checked_whole() {
    let mut config = config();
    config.sink_max_request_bytes = 1000;
    let server = TestServer::with(config).await;
    let endpoint = server
        .create_endpoint(
            &format!("{}/__mock/sink/long/", server.url),
            &["post.created"],
        )
        .await;
    let secret = server.reveal(endpoint["id"].as_u64().unwrap()).await;
    let body = "y".repeat(5000);
    let header = signature::header_value(&secret, 1_700_000_000, body.as_bytes());
    server
        .request(Method::POST, "/__mock/sink/long/")
        .header(signature::HEADER, header)
        .body(body)
        .send()
        .await
        .unwrap();
    fill(&server, "long", 1, 10).await;
    let (requests, dropped) = kept(&server, "long").await;
    assert_eq!(dropped, 0);
    let (short, long) = (&requests[0], &requests[1]);
    assert_eq!(long["body"].as_str().unwrap(), "y".repeat(1000));
    assert_eq!(long["body_truncated"], true);
    assert_eq!(long["signature_valid"], true);
    assert_eq!(short["body"].as_str().unwrap(), "x".repeat(10));
    assert_eq!(short["body_truncated"], false);
}

#[tokio::test]
async fn a_sink_keeps_its_newest_requests_within_its_bytes_and_counts_the_dropped() {
    let mut config = config();
    config.sink_max_sink_bytes = 10_000;
    let server = TestServer::with(config).await;
    fill(&server, "full", 30, 1000).await;
    let (requests, dropped) = kept(&server, "full").await;
    assert!((5..10).contains(&requests.len()), "{} kept", requests.len());
    assert_eq!(dropped as usize + requests.len(), 30);
    let ids: Vec<u64> = requests.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    let newest: Vec<u64> = (1..=30).rev().take(requests.len()).collect();
    assert_eq!(ids, newest);
    // Clearing forgets the requests and the count.
    let cleared = server
        .admin(Method::DELETE, "/__mock/sink/full/requests/")
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert_eq!(kept(&server, "full").await, (vec![], 0));
}

#[tokio::test]
async fn all_sinks_together_stay_within_the_total_and_the_oldest_requests_go_first() {
    let mut config = config();
    config.sink_max_total_bytes = 20_000;
    let server = TestServer::with(config).await;
    fill(&server, "first", 10, 1000).await;
    fill(&server, "second", 10, 1000).await;
    let (first, first_dropped) = kept(&server, "first").await;
    let (second, second_dropped) = kept(&server, "second").await;
    assert_eq!((second.len(), second_dropped), (10, 0));
    assert!(first.len() < 10, "{} kept", first.len());
    assert_eq!(first.len() + first_dropped as usize, 10);
    // What is left of the first sink is its newest.
    if let Some(oldest_left) = first.last() {
        assert_eq!(
            oldest_left["id"].as_u64().unwrap(),
            10 - first.len() as u64 + 1
        );
    }
}

#[tokio::test]
async fn past_the_number_of_sinks_the_one_used_least_recently_is_forgotten() {
    let mut config = config();
    config.sink_max_sinks = 3;
    let server = TestServer::with(config).await;
    for name in ["a", "b", "c", "a", "d"] {
        fill(&server, name, 1, 10).await;
    }
    let counts = [
        kept(&server, "a").await.0.len(),
        kept(&server, "b").await.0.len(),
        kept(&server, "c").await.0.len(),
        kept(&server, "d").await.0.len(),
    ];
    assert_eq!(counts, [2, 0, 1, 1]);
}
