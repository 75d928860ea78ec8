//! Events, signing and delivery with retries: the fault matrix against a receiver the test controls
//! (contract section 6, issue 4).

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use webhook_api::{bytes_literal, signature};

use crate::common::{
    TestServer, delivery_config,
    receiver::{Receiver, Reply},
};

const SECOND: Duration = Duration::from_secs(1);

async fn server(schedule: &str) -> TestServer {
    TestServer::with(delivery_config(schedule, 5 * SECOND)).await
}

fn id(endpoint: &Value) -> u64 {
    endpoint["id"].as_u64().unwrap()
}

/// Microseconds since the epoch of an ISO datetime as the server writes it
/// (`2026-11-27T07:44:03.123456+00:00`, always UTC).
fn micros(iso: &str) -> i64 {
    let number = |range: std::ops::Range<usize>| iso[range].parse::<i64>().unwrap();
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + number(11..13) * 3600 + number(14..16) * 60 + number(17..19);
    seconds * 1_000_000 + number(20..26)
}

#[test]
fn the_iso_reader_agrees_with_a_known_instant() {
    assert_eq!(
        micros("2021-03-25T14:21:46.481539+00:00"),
        1_616_682_106_481_539
    );
    assert_eq!(
        micros("2000-03-01T00:00:00.000001+00:00"),
        951_868_800_000_001
    );
}

#[tokio::test]
async fn a_2xx_is_one_successful_attempt_signed_with_the_endpoints_secret() {
    let server = server("0.05").await;
    let mut receiver = Receiver::start(|_| Reply::status(200).body(r#"{"success":true}"#)).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["vote.created"])
        .await;
    let secret = server.reveal(id(&endpoint)).await;
    let event = server.trigger("vote.created").await;
    assert_eq!(event["endpoints"], json!([id(&endpoint)]));

    let received = receiver.next().await;
    assert_eq!(received.headers["content-type"], "application/json");
    assert!(signature::verify(
        &secret,
        received.signature(),
        &received.body
    ));
    let payload = received.json();
    assert_eq!(payload["event_id"], event["event_id"]);
    assert_eq!(payload["type"], "vote.created");
    assert!(payload["data"]["user"].is_object());
    let created = std::str::from_utf8(&received.body).unwrap();
    assert!(created.contains(&format!(
        "\"created\": {:.6}",
        event["created"].as_f64().unwrap()
    )));

    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    let attempt = &attempts[0];
    assert_eq!(attempt["http_response_code"], 200);
    assert_eq!(attempt["http_response_body"], r#"b'{"success":true}'"#);
    assert_eq!(attempt["next_retry"], Value::Null);
    assert_eq!(attempt["error"], Value::Null);
    assert_eq!(attempt["event"]["id"], event["event_id"]);
    assert_eq!(attempt["event"]["type"], "vote.created");
    assert_eq!(
        attempt["event"]["added_at"], endpoint["events"][0]["added_at"],
        "when the endpoint subscribed to the type, as on the platform"
    );
    assert_eq!(
        attempt["http_request_body"].as_str().unwrap().as_bytes(),
        &received.body[..]
    );
    assert_eq!(
        attempt["http_request_signature_header"],
        received.signature()
    );
    assert!(attempt["duration_ms"].is_u64());
}

#[tokio::test]
async fn a_500_is_a_failure_whose_retry_is_due_after_the_first_delay() {
    let server = server("0.5,60").await;
    let mut receiver = Receiver::start(|_| Reply::status(500).body("boom")).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert_eq!(attempts[0]["http_response_code"], 500);
    assert_eq!(attempts[0]["http_response_body"], "b'boom'");
    let sent = micros(attempts[0]["sent_at"].as_str().unwrap());
    let next = micros(attempts[0]["next_retry"].as_str().unwrap());
    assert_eq!(next - sent, 500_000);
    // The retry is a new attempt carrying the same bytes, signed afresh.
    let retry = receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 2).await;
    assert_eq!(
        attempts[1]["http_request_body"],
        attempts[0]["http_request_body"]
    );
    assert_eq!(
        attempts[1]["http_request_signature_header"],
        retry.signature()
    );
    let second_sent = micros(attempts[1]["sent_at"].as_str().unwrap());
    assert!(second_sent >= next, "the retry went out before it was due");
    let second_next = micros(attempts[1]["next_retry"].as_str().unwrap());
    assert_eq!(second_next - second_sent, 60_000_000);
}

#[tokio::test]
async fn a_redirect_is_a_failure_and_is_not_followed() {
    let server = server("60").await;
    let mut receiver = Receiver::start(|_| Reply::status(301).redirect_to("/elsewhere")).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert_eq!(attempts[0]["http_response_code"], 301);
    assert!(attempts[0]["next_retry"].is_string());
}

#[tokio::test]
async fn a_404_is_a_failure_with_its_code_and_body() {
    let server = server("60").await;
    let mut receiver = Receiver::start(|_| Reply::status(404).body("no_service")).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert_eq!(attempts[0]["http_response_code"], 404);
    assert_eq!(attempts[0]["http_response_body"], "b'no_service'");
    assert!(attempts[0]["next_retry"].is_string());
}

#[tokio::test]
async fn a_refused_connection_has_no_response_and_error_connection_refused() {
    let server = server("60").await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let endpoint = server.create_endpoint(&target, &["post.created"]).await;
    server.trigger("post.created").await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert_eq!(attempts[0]["http_response_code"], Value::Null);
    assert_eq!(attempts[0]["http_response_body"], Value::Null);
    assert_eq!(attempts[0]["error"], "connection_refused");
    assert!(attempts[0]["next_retry"].is_string());
}

#[tokio::test]
async fn an_unknown_host_is_error_dns() {
    let server = server("60").await;
    let endpoint = server
        .create_endpoint("http://no-such-host.invalid/hook", &["post.created"])
        .await;
    server.trigger("post.created").await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert_eq!(attempts[0]["http_response_code"], Value::Null);
    assert_eq!(attempts[0]["error"], "dns");
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_is_error_timeout() {
    let server = TestServer::with(delivery_config("60", Duration::from_millis(300))).await;
    let mut receiver = Receiver::start(|_| Reply::status(200).after(5 * SECOND)).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert_eq!(attempts[0]["error"], "timeout");
    assert_eq!(attempts[0]["http_response_code"], Value::Null);
    let duration = attempts[0]["duration_ms"].as_u64().unwrap();
    assert!((300..2000).contains(&duration), "{duration} ms");
    assert!(attempts[0]["next_retry"].is_string());
}

#[tokio::test]
async fn a_slow_success_just_inside_the_timeout_succeeds() {
    let server = TestServer::with(delivery_config("60", 2 * SECOND)).await;
    let mut receiver =
        Receiver::start(|_| Reply::status(200).after(Duration::from_millis(1500))).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert_eq!(attempts[0]["http_response_code"], 200);
    assert_eq!(attempts[0]["error"], Value::Null);
    assert_eq!(attempts[0]["next_retry"], Value::Null);
}

#[tokio::test]
async fn a_5_mb_response_body_is_stored_truncated_to_20000_bytes() {
    let server = server("60").await;
    let mut receiver =
        Receiver::start(|_| Reply::status(200).body(vec![b'x'; 5 * 1024 * 1024])).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    let stored =
        bytes_literal::decode(attempts[0]["http_response_body"].as_str().unwrap()).unwrap();
    assert_eq!(stored.len(), 20_000);
    assert_eq!(attempts[0]["http_response_code"], 200);
}

#[tokio::test]
async fn retries_stop_after_the_sixth_failure() {
    let server = server("0.01,0.01,0.01,0.01,0.01").await;
    let mut receiver = Receiver::start(|_| Reply::status(503)).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    for _ in 0..6 {
        receiver.next().await;
    }
    let attempts = server.wait_for_attempts(id(&endpoint), 6).await;
    assert!(attempts[..5].iter().all(|a| a["next_retry"].is_string()));
    assert_eq!(attempts[5]["next_retry"], Value::Null);
    // The last attempt ended the delivery: nothing more comes.
    let after_the_end =
        tokio::time::timeout(Duration::from_millis(300), receiver.requests.recv()).await;
    assert!(after_the_end.is_err(), "a seventh try was sent");
    assert_eq!(server.attempts(id(&endpoint)).await.len(), 6);
}

#[tokio::test]
async fn success_on_the_third_try_ends_the_retries() {
    let server = server("0.01,0.01,0.01").await;
    let mut receiver = Receiver::start(|n| Reply::status(if n < 3 { 500 } else { 200 })).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    for _ in 0..3 {
        receiver.next().await;
    }
    let attempts = server.wait_for_attempts(id(&endpoint), 3).await;
    let codes: Vec<&Value> = attempts.iter().map(|a| &a["http_response_code"]).collect();
    assert_eq!(codes, vec![&json!(500), &json!(500), &json!(200)]);
    assert!(attempts[0]["next_retry"].is_string() && attempts[1]["next_retry"].is_string());
    assert_eq!(attempts[2]["next_retry"], Value::Null);
}

#[tokio::test]
async fn an_event_goes_only_to_active_endpoints_subscribed_to_its_type() {
    let server = server("60").await;
    let mut subscribed = Receiver::healthy().await;
    let mut inactive = Receiver::healthy().await;
    let mut other_type = Receiver::healthy().await;
    let target = server
        .create_endpoint(&subscribed.url, &["comment.created"])
        .await;
    let paused = server
        .create_endpoint(&inactive.url, &["comment.created"])
        .await;
    server
        .send_json(
            Method::PATCH,
            &format!("/api/v2/webhook/endpoint/{}/", id(&paused)),
            &json!({"is_active": false}),
        )
        .await;
    server
        .create_endpoint(&other_type.url, &["comment.deleted"])
        .await;
    let event = server.trigger("comment.created").await;
    assert_eq!(event["endpoints"], json!([id(&target)]));
    subscribed.next().await;
    // A marker event to the other two proves they would have received by now.
    let marker = server
        .create_endpoint(&inactive.url, &["user.created"])
        .await;
    server
        .create_endpoint(&other_type.url, &["user.created"])
        .await;
    server.trigger("user.created").await;
    assert_eq!(inactive.next().await.json()["type"], "user.created");
    assert_eq!(other_type.next().await.json()["type"], "user.created");
    assert!(inactive.requests.try_recv().is_err());
    assert!(other_type.requests.try_recv().is_err());
    let _ = marker;
}

#[tokio::test]
async fn expire_makes_the_next_attempt_carry_the_new_secrets_signature() {
    let server = server("60").await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let old = server.reveal(id(&endpoint)).await;
    server
        .post(
            &format!("/api/v2/webhook/endpoint/{}/secret/expire/", id(&endpoint)),
            &json!({"password": "admin"}),
        )
        .await;
    let new = server.reveal(id(&endpoint)).await;
    server.trigger("post.created").await;
    let received = receiver.next().await;
    assert!(signature::verify(
        &new,
        received.signature(),
        &received.body
    ));
    assert!(!signature::verify(
        &old,
        received.signature(),
        &received.body
    ));
}

#[tokio::test]
async fn a_retry_goes_out_when_due_while_another_try_to_the_endpoint_is_still_in_flight() {
    let server = TestServer::with(delivery_config("1.5", 10 * SECOND)).await;
    // 1: the first event fails at once (its retry is due 1.5 s later); 2: the second event's first try
    // is held for 8 s; then 200 at once.
    let mut receiver = Receiver::start(|n| match n {
        1 => Reply::status(500),
        2 => Reply::status(200).after(8 * SECOND),
        _ => Reply::status(200),
    })
    .await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let failing = server.trigger("post.created").await;
    receiver.next().await;
    server.wait_for_attempts(id(&endpoint), 1).await;
    let held = server.trigger("post.created").await;
    assert_eq!(receiver.next().await.event_id(), held["event_id"]);

    // Due 1.5 s after the failed try: it must not wait for the held one to end 8 s later.
    let retry = receiver.next_within(5 * SECOND).await;
    assert_eq!(retry.event_id(), failing["event_id"]);
}

#[tokio::test]
async fn deactivating_cancels_pending_retries() {
    let server = server("1").await;
    let mut receiver = Receiver::start(|_| Reply::status(500)).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server.wait_for_attempts(id(&endpoint), 1).await;
    assert!(attempts[0]["next_retry"].is_string());
    server
        .send_json(
            Method::PATCH,
            &format!("/api/v2/webhook/endpoint/{}/", id(&endpoint)),
            &json!({"is_active": false}),
        )
        .await;
    assert_eq!(
        server.attempts(id(&endpoint)).await[0]["next_retry"],
        Value::Null
    );
    let retry = tokio::time::timeout(Duration::from_millis(1500), receiver.requests.recv()).await;
    assert!(retry.is_err(), "a cancelled retry was sent");
}

#[tokio::test]
async fn deleting_an_endpoint_deletes_its_attempts() {
    let server = server("60").await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    server.wait_for_attempts(id(&endpoint), 1).await;
    server
        .admin(
            Method::DELETE,
            &format!("/api/v2/webhook/endpoint/{}/", id(&endpoint)),
        )
        .send()
        .await
        .unwrap();
    let response = server
        .get(&format!(
            "/api/v2/webhook/endpoint/{}/attempt/",
            id(&endpoint)
        ))
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_dead_endpoint_does_not_delay_the_others() {
    let server = TestServer::with(delivery_config("60", 30 * SECOND)).await;
    let mut hanging = Receiver::start(|_| Reply::status(200).after(60 * SECOND)).await;
    let mut healthy = Receiver::healthy().await;
    server
        .create_endpoint(&hanging.url, &["post.created"])
        .await;
    for _ in 0..50 {
        server.trigger("post.created").await;
    }
    hanging.next().await;
    server
        .create_endpoint(&healthy.url, &["user.created"])
        .await;
    server.trigger("user.created").await;
    let received = healthy.next_within(5 * SECOND).await;
    assert_eq!(received.json()["type"], "user.created");
}

#[tokio::test]
async fn ten_thousand_events_in_a_burst_are_each_delivered_exactly_once() {
    const EVENTS: usize = 10_000;
    let server = server("0.05").await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["vote.created"])
        .await;
    let url = format!("{}/__mock/events/", server.url);
    let mut senders = Vec::new();
    for _ in 0..8 {
        let client = server.client.clone();
        let url = url.clone();
        senders.push(tokio::spawn(async move {
            for _ in 0..EVENTS / 8 {
                let response = client
                    .post(&url)
                    .bearer_auth(crate::common::ADMIN_TOKEN)
                    .json(&json!({"type": "vote.created"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
            }
        }));
    }
    for sender in senders {
        sender.await.unwrap();
    }
    let mut seen = vec![0u32; EVENTS + 1];
    for _ in 0..EVENTS {
        let event_id = receiver.next().await.event_id() as usize;
        seen[event_id] += 1;
    }
    assert!(
        seen[1..].iter().all(|n| *n == 1),
        "an event was delivered twice or not at all"
    );
    let page = loop {
        let page = server
            .get_json(&format!(
                "/api/v2/webhook/endpoint/{}/attempt/?limit=1",
                id(&endpoint)
            ))
            .await;
        if page["count"].as_u64() >= Some(EVENTS as u64) {
            break page;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(page["count"], EVENTS as u64);
    assert!(receiver.requests.try_recv().is_err());
}

#[tokio::test]
async fn a_payload_keeps_the_key_order_of_the_data_it_was_given() {
    let server = server("60").await;
    let mut receiver = Receiver::healthy().await;
    server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    // serde_json's `json!` would sort these; the raw body keeps the order as sent.
    let response = server
        .admin(Method::POST, "/__mock/events/")
        .header("Content-Type", "application/json")
        .body(r#"{"type": "post.created", "data": {"zeta": 1, "alpha": {"y": [2], "b": null}}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body = String::from_utf8(receiver.next().await.body.to_vec()).unwrap();
    assert!(
        body.ends_with(r#", "data": {"zeta": 1, "alpha": {"y": [2], "b": null}}}"#),
        "{body}"
    );
}

#[tokio::test]
async fn a_catalog_example_payload_keeps_the_examples_natural_key_order() {
    let server = server("60").await;
    let mut receiver = Receiver::healthy().await;
    server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    let body = String::from_utf8(receiver.next().await.body.to_vec()).unwrap();
    // A post starts with its id and type, as the platform writes it, not with `added_at`.
    assert!(
        body.contains(r#""data": {"post": {"id": 44, "type": "post", "author": {"id": 8, "#),
        "{body}"
    );
}
