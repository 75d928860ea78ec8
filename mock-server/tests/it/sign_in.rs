//! Signing in under abuse: the password grant's throttles (per username, per client address) and the
//! bound on password checks at once (on every password route).

use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::common::{ADMIN_PASSWORD, ADMIN_TOKEN, TestServer, config, error_of, general_code};

async fn grant(server: &TestServer, username: &str, password: &str) -> reqwest::Response {
    server
        .request(Method::POST, "/oauth/token/")
        .form(&[
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .expect("the server answers")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn ten_wrong_passwords_for_a_username_throttle_it_even_for_the_right_password() {
    let server = TestServer::start().await;
    for n in 0..10 {
        let wrong = grant(&server, "admin", &format!("guess-{n}")).await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    }
    let throttled = grant(&server, "admin", ADMIN_PASSWORD).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&throttled);
    assert!((890..=900).contains(&wait), "{wait}");
    let body: Value = throttled.json().await.unwrap();
    assert_eq!(body["error"], "slow_down");
    assert!(body["error_description"].is_string(), "{body}");
    // Another username from the same address still signs in.
    assert_eq!(
        grant(&server, "member", "member").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn twenty_wrong_credentials_from_one_address_throttle_every_username() {
    let server = TestServer::start().await;
    for n in 0..20 {
        let wrong = grant(&server, &format!("nobody-{n}"), "guess").await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    }
    let throttled = grant(&server, "member", "member").await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&throttled) >= 1);
    // The static tokens still work: the way in while the address waits.
    assert_eq!(
        server.get("/api/v2/user/me/").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_throttled_address_signs_in_with_the_right_password_once_the_window_has_passed() {
    let mut config = config();
    config.sign_in_throttle_window = Duration::from_secs(3);
    let server = TestServer::with(config).await;
    // Unknown usernames cost no password check, so the twenty fit well within the window.
    for n in 0..20 {
        grant(&server, &format!("nobody-{n}"), "guess").await;
    }
    let throttled = grant(&server, "admin", ADMIN_PASSWORD).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    // Waiting is the point here: the window is time itself.
    tokio::time::sleep(Duration::from_secs(retry_after(&throttled))).await;
    let signed_in = grant(&server, "admin", ADMIN_PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_right_password_is_not_counted_against_the_throttle() {
    let server = TestServer::start().await;
    for _ in 0..25 {
        assert_eq!(
            grant(&server, "member", "member").await.status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn reset_forgets_the_sign_in_throttles() {
    let server = TestServer::start().await;
    for n in 0..10 {
        grant(&server, "admin", &format!("guess-{n}")).await;
    }
    assert_eq!(
        grant(&server, "admin", ADMIN_PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let reset = server.post("/__mock/reset/", &json!({"seed": false})).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        grant(&server, "admin", ADMIN_PASSWORD).await.status(),
        StatusCode::OK
    );
}

/// One checking thread and one place in the queue: of grants sent at once, the rest are refused at
/// once instead of each hashing on a thread of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_checks_beyond_the_threads_and_queue_are_refused_503_in_the_oauth_shape() {
    let mut config = config();
    config.password_hash_threads = Some(1);
    config.password_hash_queue = 1;
    let server = TestServer::with(config).await;
    let mut grants = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let (client, url) = (
            server.client.clone(),
            format!("{}/oauth/token/", server.url),
        );
        grants.spawn(async move {
            let response = client
                .post(url)
                .form(&[
                    ("grant_type", "password"),
                    ("username", "member"),
                    ("password", "member"),
                ])
                .send()
                .await
                .expect("the server answers");
            let status = response.status();
            let wait = response.headers().get(header::RETRY_AFTER).cloned();
            let body: Value = response.json().await.expect("JSON");
            (status, wait, body)
        });
    }
    let answers = grants.join_all().await;
    let busy: Vec<_> = answers
        .iter()
        .filter(|(status, _, _)| *status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    let issued = answers
        .iter()
        .filter(|(status, _, _)| *status == StatusCode::OK)
        .count();
    assert_eq!(busy.len() + issued, 24, "{answers:?}");
    assert!(!busy.is_empty() && issued >= 1, "{answers:?}");
    for (_, wait, body) in busy {
        assert_eq!(wait.as_ref().map(|w| w.to_str().unwrap()), Some("1"));
        assert_eq!(body["error"], "temporarily_unavailable", "{body}");
    }
    // Refused checks count as nothing: the next one is taken.
    assert_eq!(
        grant(&server, "member", "member").await.status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_checks_beyond_the_threads_and_queue_are_refused_503_on_the_secret_routes() {
    let mut config = config();
    config.password_hash_threads = Some(1);
    config.password_hash_queue = 1;
    let server = TestServer::with(config).await;
    let endpoint = server
        .create_endpoint("https://a.example/", &["user.created"])
        .await;
    let url = format!(
        "{}/api/v2/webhook/endpoint/{}/secret/reveal/",
        server.url, endpoint["id"]
    );
    let mut reveals = tokio::task::JoinSet::new();
    for _ in 0..24 {
        let (client, url) = (server.client.clone(), url.clone());
        reveals.spawn(async move {
            client
                .post(url)
                .bearer_auth(ADMIN_TOKEN)
                .json(&json!({"password": ADMIN_PASSWORD}))
                .send()
                .await
                .expect("the server answers")
        });
    }
    let mut busy = 0;
    for response in reveals.join_all().await {
        if response.status() == StatusCode::CREATED {
            continue;
        }
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        let (status, body) = error_of(response).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(general_code(&body), "service_unavailable");
        busy += 1;
    }
    assert!(busy > 0);
    // Busy answers are not wrong passwords: no throttle follows.
    assert_eq!(
        server
            .post(
                &format!("/api/v2/webhook/endpoint/{}/secret/reveal/", endpoint["id"]),
                &json!({"password": ADMIN_PASSWORD})
            )
            .await
            .status(),
        StatusCode::CREATED
    );
}
