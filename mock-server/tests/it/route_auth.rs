//! Every route of `/openapi.json`, every method, without a token and with the member's: 401 and 403
//! wherever contract sections 2 and 7 say so (issue 7). A route added to the document without a rule
//! here fails the walk, and so does one whose answer does not match its rule.

use reqwest::{Method, StatusCode, header};
use serde_json::Value;

use crate::common::{MEMBER_TOKEN, TestServer, error_of, general_code};

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// A token of a user with the admin role: every `/api/v2/webhook/` route and the `/__mock/` ones.
    Admin,
    /// Any signed-in user.
    SignedIn,
    /// No token needed.
    Public,
}

/// The contract's rule for `path`; `None` for a path it does not cover.
fn access(path: &str) -> Option<Access> {
    match path {
        "/health" | "/openapi.json" | "/oauth/token/" => Some(Access::Public),
        // The sink receives deliveries, which carry no token.
        "/__mock/sink/{name}/" => Some(Access::Public),
        "/api/v2/user/me/" => Some(Access::SignedIn),
        _ if path.starts_with("/api/v2/webhook/") || path.starts_with("/__mock/") => {
            Some(Access::Admin)
        }
        _ => None,
    }
}

/// Every (method, path, concrete path) of the document, path parameters filled with things that exist.
async fn operations(server: &TestServer) -> Vec<(Method, String, String)> {
    let endpoint = server
        .create_endpoint("https://hooks.example.com/", &["post.created"])
        .await;
    let document: Value = server
        .request(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut operations = Vec::new();
    for (path, methods) in document["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{id}", &endpoint["id"].to_string())
            .replace("{name}", "docs");
        assert!(!concrete.contains('{'), "{path} has an unfilled parameter");
        for method in methods.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            operations.push((method, path.clone(), concrete.clone()));
        }
    }
    operations
}

#[tokio::test]
async fn every_documented_route_has_an_access_rule() {
    let server = TestServer::start().await;
    let unruled: Vec<String> = operations(&server)
        .await
        .into_iter()
        .filter(|(_, path, _)| access(path).is_none())
        .map(|(method, path, _)| format!("{method} {path}"))
        .collect();
    assert!(unruled.is_empty(), "no access rule for {unruled:?}");
}

#[tokio::test]
async fn without_a_token_every_protected_route_is_401_with_www_authenticate() {
    let server = TestServer::start().await;
    let mut checked = 0;
    for (method, path, concrete) in operations(&server).await {
        if matches!(access(&path), None | Some(Access::Public)) {
            continue;
        }
        let response = server
            .request(method.clone(), &concrete)
            .send()
            .await
            .unwrap();
        let challenge = response.headers().get(header::WWW_AUTHENTICATE).cloned();
        let (status, body) = error_of(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        assert_eq!(
            challenge.as_ref().map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{method} {path}"
        );
        assert_eq!(general_code(&body), "not_authenticated", "{method} {path}");
        checked += 1;
    }
    // At least the 13 webhook operations, 5 admin-only mock operations and /user/me/ of today.
    assert!(checked >= 19, "only {checked} protected operations walked");
}

#[tokio::test]
async fn the_member_token_is_403_on_every_admin_route() {
    let server = TestServer::start().await;
    let mut checked = 0;
    for (method, path, concrete) in operations(&server).await {
        if access(&path) != Some(Access::Admin) {
            continue;
        }
        let response = server
            .request(method.clone(), &concrete)
            .bearer_auth(MEMBER_TOKEN)
            .send()
            .await
            .unwrap();
        let (status, body) = error_of(response).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert_eq!(general_code(&body), "permission_denied", "{method} {path}");
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} admin operations walked");
}

#[tokio::test]
async fn the_member_token_reads_its_own_user() {
    let server = TestServer::start().await;
    for (method, path, concrete) in operations(&server).await {
        if access(&path) != Some(Access::SignedIn) {
            continue;
        }
        let response = server
            .request(method.clone(), &concrete)
            .bearer_auth(MEMBER_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{method} {path}");
        let user: Value = response.json().await.unwrap();
        assert_eq!(user["username"], "member");
        assert_eq!(user["role"], "member");
    }
}
