//! Signing secrets: reveal, expire, the password check and its throttle (contract section 6).

use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::common::{ADMIN_PASSWORD, ADMIN_TOKEN, TestServer, error_of, field_codes, general_code};

fn reveal_path(id: &Value) -> String {
    format!("/api/v2/webhook/endpoint/{id}/secret/reveal/")
}

fn expire_path(id: &Value) -> String {
    format!("/api/v2/webhook/endpoint/{id}/secret/expire/")
}

#[tokio::test]
async fn reveal_answers_201_with_a_secret_of_at_least_32_random_bytes() {
    let server = TestServer::start().await;
    let a = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let b = server
        .create_endpoint("https://b.example/", &["user.created"])
        .await;
    let secret_a = server.reveal(a["id"].as_u64().unwrap()).await;
    let secret_b = server.reveal(b["id"].as_u64().unwrap()).await;
    assert!(
        secret_a.len() >= 64 && secret_a.bytes().all(|c| c.is_ascii_hexdigit()),
        "{secret_a}"
    );
    assert_ne!(secret_a, secret_b);
    assert_eq!(server.reveal(a["id"].as_u64().unwrap()).await, secret_a);
}

#[tokio::test]
async fn a_missing_password_is_400_required() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let (status, body) =
        error_of(server.post(&reveal_path(&endpoint["id"]), &json!({})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "password"), vec!["required"]);
}

#[tokio::test]
async fn a_wrong_password_is_400_invalid() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let (status, body) = error_of(
        server
            .post(&reveal_path(&endpoint["id"]), &json!({"password": "guess"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "password"), vec!["invalid"]);
}

#[tokio::test]
async fn an_unknown_endpoint_is_404_before_the_password_is_looked_at() {
    let server = TestServer::start().await;
    let (status, body) = error_of(server.post(&reveal_path(&json!(77)), &json!({})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(general_code(&body), "not_found");
}

#[tokio::test]
async fn expire_replaces_the_secret_and_answers_the_endpoint() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let id = endpoint["id"].as_u64().unwrap();
    let before = server.reveal(id).await;
    let response = server
        .post(
            &expire_path(&endpoint["id"]),
            &json!({"password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let expired: Value = response.json().await.unwrap();
    assert_eq!(expired["id"], endpoint["id"]);
    assert!(expired["updated_at"].as_str() > endpoint["updated_at"].as_str());
    assert!(expired.get("signing_secret").is_none());
    assert_ne!(server.reveal(id).await, before);
}

#[tokio::test]
async fn five_wrong_passwords_throttle_the_user_even_with_the_right_one() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    // Wrong passwords count across the password routes.
    for path in [reveal_path(&endpoint["id"]), expire_path(&endpoint["id"])] {
        for _ in 0..2 {
            let response = server.post(&path, &json!({"password": "guess"})).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        }
    }
    let fifth = server
        .post(
            &format!(
                "/api/v2/webhook/endpoint/{}/event/resend/bulk/",
                endpoint["id"]
            ),
            &json!({"password": "guess", "event": [] }),
        )
        .await;
    // Validation comes first: an empty list is not a password check.
    assert_eq!(fifth.status(), StatusCode::BAD_REQUEST);
    let fifth = server
        .post(&reveal_path(&endpoint["id"]), &json!({"password": "guess"}))
        .await;
    assert_eq!(fifth.status(), StatusCode::BAD_REQUEST);

    let response = server
        .post(
            &reveal_path(&endpoint["id"]),
            &json!({"password": ADMIN_PASSWORD}),
        )
        .await;
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(general_code(&body), "throttled");
    assert!((890..=900).contains(&retry_after), "{retry_after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrong_passwords_sent_in_parallel_get_five_tries_and_no_more() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let url = format!("{}{}", server.url, reveal_path(&endpoint["id"]));
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (client, url) = (server.client.clone(), url.clone());
        guesses.spawn(async move {
            client
                .post(url)
                .bearer_auth(ADMIN_TOKEN)
                .json(&json!({"password": "guess"}))
                .send()
                .await
                .expect("the server answers")
                .status()
        });
    }
    let statuses = guesses.join_all().await;
    let count = |status: StatusCode| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(count(StatusCode::BAD_REQUEST), 5, "{statuses:?}");
    assert_eq!(count(StatusCode::TOO_MANY_REQUESTS), 7, "{statuses:?}");
}

#[tokio::test]
async fn a_missing_password_is_reported_even_while_throttled() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    for _ in 0..5 {
        server
            .post(&reveal_path(&endpoint["id"]), &json!({"password": "guess"}))
            .await;
    }
    let (status, body) =
        error_of(server.post(&reveal_path(&endpoint["id"]), &json!({})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "password"), vec!["required"]);
}

#[tokio::test]
async fn right_passwords_do_not_count_towards_the_throttle() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    for _ in 0..4 {
        server
            .post(&reveal_path(&endpoint["id"]), &json!({"password": "guess"}))
            .await;
    }
    for _ in 0..3 {
        let response = server
            .post(
                &reveal_path(&endpoint["id"]),
                &json!({"password": ADMIN_PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}

#[tokio::test]
async fn the_secret_appears_in_no_other_response() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let id = endpoint["id"].as_u64().unwrap();
    let secret = server.reveal(id).await;
    for path in [
        "/api/v2/webhook/endpoint/".to_owned(),
        format!("/api/v2/webhook/endpoint/{id}/"),
        format!("/api/v2/webhook/endpoint/{id}/attempt/"),
        "/api/v2/webhook/endpoint/search/?target=a".to_owned(),
    ] {
        let text = server.get(&path).await.text().await.unwrap();
        assert!(!text.contains(&secret), "{path} shows the secret");
    }
}
