//! Resend and bulk resend (contract section 6).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    TestServer, delivery_config, error_of, field_codes,
    receiver::{Receiver, Reply},
};

fn resend_path(endpoint: &Value) -> String {
    format!("/api/v2/webhook/endpoint/{}/event/resend/", endpoint["id"])
}

fn bulk_path(endpoint: &Value) -> String {
    format!(
        "/api/v2/webhook/endpoint/{}/event/resend/bulk/",
        endpoint["id"]
    )
}

async fn server() -> TestServer {
    TestServer::with(delivery_config("0.05", Duration::from_secs(5))).await
}

#[tokio::test]
async fn resend_makes_one_immediate_attempt_without_retries() {
    let server = server().await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let event = server.trigger("post.created").await;
    let first = receiver.next().await;
    server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 1)
        .await;
    receiver.set_plan(|_| Reply::status(500));
    let response = server
        .post(
            &resend_path(&endpoint),
            &json!({"event": event["event_id"], "password": "admin"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let again = receiver.next().await;
    assert_eq!(again.body, first.body);
    let attempts = server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 2)
        .await;
    assert_eq!(attempts[1]["http_response_code"], 500);
    assert_eq!(attempts[1]["next_retry"], Value::Null);
    let retry = tokio::time::timeout(Duration::from_millis(400), receiver.requests.recv()).await;
    assert!(retry.is_err(), "a resend was retried");
}

#[tokio::test]
async fn resend_works_on_an_inactive_endpoint() {
    let server = server().await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let event = server.trigger("post.created").await;
    receiver.next().await;
    server
        .send_json(
            Method::PATCH,
            &format!("/api/v2/webhook/endpoint/{}/", endpoint["id"]),
            &json!({"is_active": false}),
        )
        .await;
    let response = server
        .post(
            &resend_path(&endpoint),
            &json!({"event": event["event_id"], "password": "admin"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        receiver.next().await.event_id(),
        event["event_id"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn resending_an_event_never_sent_to_the_endpoint_is_400_invalid() {
    let server = server().await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let other = server
        .create_endpoint(&receiver.url, &["user.created"])
        .await;
    let foreign = server.trigger("user.created").await;
    receiver.next().await;
    let (status, body) = error_of(
        server
            .post(
                &resend_path(&endpoint),
                &json!({"event": foreign["event_id"], "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "event"), vec!["invalid"]);
    let _ = other;
}

#[tokio::test]
async fn resend_checks_event_and_password_fields() {
    let server = server().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["post.created"])
        .await;
    let (_, body) = error_of(server.post(&resend_path(&endpoint), &json!({})).await).await;
    assert_eq!(field_codes(&body, "event"), vec!["required"]);
    assert_eq!(field_codes(&body, "password"), vec!["required"]);
    let (_, body) = error_of(
        server
            .post(
                &resend_path(&endpoint),
                &json!({"event": "1", "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "event"), vec!["invalid"]);
}

#[tokio::test]
async fn an_empty_string_for_the_event_is_blank_in_both_resend_routes() {
    let server = server().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["post.created"])
        .await;
    for path in [resend_path(&endpoint), bulk_path(&endpoint)] {
        let (status, body) = error_of(
            server
                .post(&path, &json!({"event": "", "password": "admin"}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(field_codes(&body, "event"), vec!["blank"], "{path}");
    }
}

#[tokio::test]
async fn a_wrong_password_sends_nothing() {
    let server = server().await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let event = server.trigger("post.created").await;
    receiver.next().await;
    let (status, body) = error_of(
        server
            .post(
                &resend_path(&endpoint),
                &json!({"event": event["event_id"], "password": "nope"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "password"), vec!["invalid"]);
    let sent = tokio::time::timeout(Duration::from_millis(300), receiver.requests.recv()).await;
    assert!(sent.is_err());
}

#[tokio::test]
async fn bulk_resend_sends_each_distinct_event_once() {
    let server = server().await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let a = server.trigger("post.created").await["event_id"]
        .as_u64()
        .unwrap();
    let b = server.trigger("post.created").await["event_id"]
        .as_u64()
        .unwrap();
    receiver.next().await;
    receiver.next().await;
    server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 2)
        .await;
    let response = server
        .post(
            &bulk_path(&endpoint),
            &json!({"event": [a, b, a], "password": "admin"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let mut resent = vec![
        receiver.next().await.event_id(),
        receiver.next().await.event_id(),
    ];
    resent.sort_unstable();
    assert_eq!(resent, vec![a, b]);
    let attempts = server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 4)
        .await;
    assert_eq!(attempts.len(), 4);
}

#[tokio::test]
async fn bulk_resend_with_one_invalid_id_sends_nothing() {
    let server = server().await;
    let mut receiver = Receiver::healthy().await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    let a = server.trigger("post.created").await["event_id"]
        .as_u64()
        .unwrap();
    receiver.next().await;
    server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 1)
        .await;
    let (status, body) = error_of(
        server
            .post(
                &bulk_path(&endpoint),
                &json!({"event": [a, 999], "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "event"), vec!["invalid"]);
    // A later single resend is the only thing sent.
    server
        .post(
            &resend_path(&endpoint),
            &json!({"event": a, "password": "admin"}),
        )
        .await;
    receiver.next().await;
    server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 2)
        .await;
    let more = tokio::time::timeout(Duration::from_millis(300), receiver.requests.recv()).await;
    assert!(more.is_err(), "the rejected bulk resend was sent");
    assert_eq!(
        server
            .attempts(endpoint["id"].as_u64().unwrap())
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn bulk_resend_takes_one_to_a_hundred_ids() {
    let server = server().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["post.created"])
        .await;
    let (_, body) = error_of(
        server
            .post(
                &bulk_path(&endpoint),
                &json!({"event": [], "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "event"), vec!["empty"]);
    let many: Vec<u64> = (1..=101).collect();
    let (_, body) = error_of(
        server
            .post(
                &bulk_path(&endpoint),
                &json!({"event": many, "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "event"), vec!["max_length"]);
    let (_, body) = error_of(
        server
            .post(
                &bulk_path(&endpoint),
                &json!({"event": 5, "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "event"), vec!["invalid"]);
}

/// A bulk body over 64 KiB is refused from its declared length, before a byte of it is sent.
#[tokio::test]
async fn a_bulk_body_over_64_kib_is_413_before_it_is_read() {
    use crate::common::{ADMIN_TOKEN, raw::RawConnection};
    let server = server().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["post.created"])
        .await;
    let mut connection = RawConnection::open(&server.url).await;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        bulk_path(&endpoint),
        700 * 1024
    );
    connection.send(head.as_bytes()).await;
    let refused = connection
        .response()
        .await
        .expect("an answer before the body");
    assert_eq!(refused.status, 413);
    assert_eq!(refused.json()["errors"][0]["code"], "payload_too_large");
    assert_eq!(
        refused.json()["errors"][0]["message"],
        "Request body is larger than 64 KiB."
    );
    assert!(refused.says_close());
}

#[tokio::test]
async fn a_long_bulk_list_is_checked_whole_and_duplicates_collapse() {
    let server = server().await;
    let endpoint = server
        .create_endpoint(
            &format!("{}/__mock/sink/bulk/", server.url),
            &["post.created"],
        )
        .await;
    let event = server.trigger("post.created").await["event_id"]
        .as_u64()
        .unwrap();
    server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 1)
        .await;
    // 10,000 copies of one id fit in 64 KiB and collapse into one resend.
    let copies = vec![event; 10_000];
    let sent = server
        .post(
            &bulk_path(&endpoint),
            &json!({"event": copies, "password": "admin"}),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::NO_CONTENT);
    server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 2)
        .await;
    // 10,000 distinct ids are too many, and so are 10,000 items that are not ids (one message).
    let distinct: Vec<u64> = (1..=10_000).collect();
    let (status, body) = error_of(
        server
            .post(
                &bulk_path(&endpoint),
                &json!({"event": distinct, "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "event"), vec!["max_length"]);
    let junk = vec![json!("x"); 10_000];
    let (_, body) = error_of(
        server
            .post(
                &bulk_path(&endpoint),
                &json!({"event": junk, "password": "admin"}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "event"), vec!["invalid"]);
}

/// The refusal reaches a client that sends the whole too-big body anyway (the server reads and drops
/// the rest before it closes, instead of resetting the connection under the answer).
#[tokio::test]
async fn a_client_sending_a_too_big_bulk_body_whole_still_reads_the_413() {
    let server = server().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["post.created"])
        .await;
    let ids: Vec<u64> = (1..=100_000).collect();
    let body = serde_json::to_vec(&json!({"event": ids, "password": "admin"})).unwrap();
    for _ in 0..10 {
        let response = server
            .admin(Method::POST, &bulk_path(&endpoint))
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("an answer, not a reset");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
