//! Accounts, tokens and roles (contract section 2).

use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::common::{ADMIN_TOKEN, MEMBER_TOKEN, TestServer, config, error_of, general_code};

const ENDPOINTS: &str = "/api/v2/webhook/endpoint/";

async fn token_request(server: &TestServer, form: &[(&str, &str)]) -> reqwest::Response {
    server
        .request(Method::POST, "/oauth/token/")
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn no_token_is_401_not_authenticated_with_www_authenticate() {
    let server = TestServer::start().await;
    let response = server.request(Method::GET, ENDPOINTS).send().await.unwrap();
    assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(general_code(&body), "not_authenticated");
}

#[tokio::test]
async fn an_unknown_token_is_401_authentication_failed() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::GET, ENDPOINTS)
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(general_code(&body), "authentication_failed");
}

#[tokio::test]
async fn a_malformed_authorization_header_is_401() {
    let server = TestServer::start().await;
    for value in [
        "Bearer",
        "Bearer a b",
        "Basic YWRtaW46YWRtaW4=",
        "dev-admin-token",
    ] {
        let response = server
            .request(Method::GET, ENDPOINTS)
            .header(header::AUTHORIZATION, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{value}");
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }
}

#[tokio::test]
async fn a_user_without_the_admin_role_is_403() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::GET, ENDPOINTS)
        .bearer_auth(MEMBER_TOKEN)
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(general_code(&body), "permission_denied");
}

#[tokio::test]
async fn me_tells_who_the_token_belongs_to() {
    let server = TestServer::start().await;
    let admin: Value = server.get_json("/api/v2/user/me/").await;
    assert_eq!(admin["username"], "admin");
    assert_eq!(admin["role"], "admin");
    let member: Value = server
        .request(Method::GET, "/api/v2/user/me/")
        .bearer_auth(MEMBER_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(member["username"], "member");
    assert_eq!(member["role"], "member");
    let anonymous = server
        .request(Method::GET, "/api/v2/user/me/")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_password_grant_issues_a_bearer_token_that_works() {
    let server = TestServer::start().await;
    let response = token_request(
        &server,
        &[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", "admin"),
            ("client_id", "x"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["expires_in"], 36000);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "read write");
    assert!(tokens["refresh_token"].is_string());
    let me = server
        .request(Method::GET, "/api/v2/user/me/")
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_password_grant_accepts_json() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::POST, "/oauth/token/")
        .json(&json!({"grant_type": "password", "username": "member", "password": "member"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_credentials_are_invalid_grant_in_the_oauth_shape() {
    let server = TestServer::start().await;
    let response = token_request(
        &server,
        &[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", "wrong"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].is_string());
}

#[tokio::test]
async fn an_oversized_token_request_is_answered_in_the_oauth_shape() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::POST, "/oauth/token/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=password&username={}",
            "a".repeat(2 * 1024 * 1024)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn another_grant_type_is_unsupported() {
    let server = TestServer::start().await;
    let response = token_request(&server, &[("grant_type", "client_credentials")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"error": "unsupported_grant_type"}));
}

#[tokio::test]
async fn the_refresh_grant_issues_a_new_pair_and_uses_up_the_refresh_token() {
    let server = TestServer::start().await;
    let first: Value = token_request(
        &server,
        &[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", "admin"),
        ],
    )
    .await
    .json()
    .await
    .unwrap();
    let refresh = first["refresh_token"].as_str().unwrap();
    let response = token_request(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: Value = response.json().await.unwrap();
    assert_ne!(second["access_token"], first["access_token"]);
    let works = server
        .request(Method::GET, ENDPOINTS)
        .bearer_auth(second["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(works.status(), StatusCode::OK);
    let reused = token_request(
        &server,
        &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
    )
    .await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        reused.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
}

#[tokio::test]
async fn an_expired_token_is_401_authentication_failed() {
    let mut config = config();
    config.access_token_lifetime = Duration::ZERO;
    let server = TestServer::with(config).await;
    let tokens: Value = token_request(
        &server,
        &[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", "admin"),
        ],
    )
    .await
    .json()
    .await
    .unwrap();
    let response = server
        .request(Method::GET, ENDPOINTS)
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(general_code(&body), "authentication_failed");
}

#[tokio::test]
async fn the_static_tokens_and_admin_password_come_from_the_flags() {
    let mut config = config();
    config.admin_token = "custom-token".to_owned();
    config.admin_password = "s3cret".to_owned();
    let server = TestServer::with(config).await;
    let old = server
        .request(Method::GET, ENDPOINTS)
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = server
        .request(Method::GET, ENDPOINTS)
        .bearer_auth("custom-token")
        .send()
        .await
        .unwrap();
    assert_eq!(new.status(), StatusCode::OK);
    let login = token_request(
        &server,
        &[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", "s3cret"),
        ],
    )
    .await;
    assert_eq!(login.status(), StatusCode::OK);
}

/// A browser's CORS preflight from another origin for `method` on the endpoint list, with the headers
/// the console sends.
async fn preflight(server: &TestServer, method: &str) -> reqwest::Response {
    server
        .request(Method::OPTIONS, ENDPOINTS)
        .header(header::ORIGIN, "http://localhost:9999")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method)
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn any_origin_may_call_by_default() {
    let server = TestServer::start().await;
    let response = preflight(&server, "POST").await;
    assert!(response.status().is_success());
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[tokio::test]
async fn preflights_name_the_headers_the_api_reads_instead_of_a_wildcard() {
    let server = TestServer::start().await;
    let response = preflight(&server, "PATCH").await;
    assert!(response.status().is_success());
    let allowed: Vec<String> = response.headers()[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .split(',')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect();
    // The wildcard never covers Authorization, so a browser that follows the standard would refuse
    // every authenticated cross-origin call.
    assert!(!allowed.contains(&"*".to_owned()), "{allowed:?}");
    for name in ["authorization", "content-type", "accept"] {
        assert!(allowed.contains(&name.to_owned()), "{name} in {allowed:?}");
    }
    let methods = response.headers()[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(methods.contains("PATCH"), "{methods}");
}

#[tokio::test]
async fn cors_origin_restricts_to_one_origin() {
    let mut config = config();
    config.cors_origin = Some("http://console.example".to_owned());
    let server = TestServer::with(config).await;
    let allowed = server
        .request(Method::GET, "/health")
        .header(header::ORIGIN, "http://console.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://console.example"
    );
    let other = server
        .request(Method::GET, "/health")
        .header(header::ORIGIN, "http://evil.example")
        .send()
        .await
        .unwrap();
    // The browser blocks a response whose allowed origin is not its own.
    assert_ne!(
        other
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| v.to_str().unwrap()),
        Some("http://evil.example")
    );
    assert_ne!(
        other
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| v.to_str().unwrap()),
        Some("*")
    );
}
