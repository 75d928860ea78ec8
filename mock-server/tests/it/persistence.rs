//! A file database keeps everything across a restart (issue 3's storage requirement).

use reqwest::Method;
use serde_json::json;

use crate::common::{ScratchDir, TestServer};

#[tokio::test]
async fn a_restart_keeps_endpoints_secrets_and_id_sequence() {
    let scratch = ScratchDir::new("restart");
    let db = scratch.db();
    let server = TestServer::on_file(&db).await;
    let kept = server
        .create_endpoint("https://kept.example/", &["user.created", "vote.created"])
        .await;
    let deleted = server
        .create_endpoint("https://gone.example/", &["user.created"])
        .await;
    server
        .admin(
            Method::DELETE,
            &format!("/api/v2/webhook/endpoint/{}/", deleted["id"]),
        )
        .send()
        .await
        .unwrap();
    let secret = server.reveal(kept["id"].as_u64().unwrap()).await;
    server.stop().await;

    let server = TestServer::on_file(&db).await;
    assert_eq!(
        server
            .get_json(&format!("/api/v2/webhook/endpoint/{}/", kept["id"]))
            .await,
        kept
    );
    assert_eq!(server.reveal(kept["id"].as_u64().unwrap()).await, secret);
    let next = server
        .create_endpoint("https://next.example/", &["user.created"])
        .await;
    assert!(next["id"].as_u64() > deleted["id"].as_u64());
    let page = server.get_json("/api/v2/webhook/endpoint/").await;
    assert_eq!(page["count"], 2);
    server.stop().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[tokio::test]
async fn issued_tokens_survive_a_restart() {
    let scratch = ScratchDir::new("tokens");
    let db = scratch.db();
    let server = TestServer::on_file(&db).await;
    let tokens: serde_json::Value = server
        .request(Method::POST, "/oauth/token/")
        .form(&[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", "admin"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    server.stop().await;
    let server = TestServer::on_file(&db).await;
    let response = server
        .request(Method::GET, "/api/v2/user/me/")
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        json!({"id": 1, "username": "admin", "email": "admin@example.org", "role": "admin"})
    );
    server.stop().await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
