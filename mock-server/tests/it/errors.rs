//! Every error in the contract's shape, with the right status and precedence (contract section 3).

use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::common::{ADMIN_TOKEN, MEMBER_TOKEN, TestServer, error_of, general_code};

const ENDPOINTS: &str = "/api/v2/webhook/endpoint/";

#[tokio::test]
async fn a_body_that_is_not_json_is_400_parse_error() {
    let server = TestServer::start().await;
    let response = server
        .admin(Method::POST, ENDPOINTS)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"target\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(general_code(&body), "parse_error");
}

#[tokio::test]
async fn a_write_whose_body_is_not_json_is_415() {
    let server = TestServer::start().await;
    let response = server
        .admin(Method::POST, ENDPOINTS)
        .header(header::CONTENT_TYPE, "text/plain")
        .body("target=x")
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(general_code(&body), "unsupported_media_type");
}

#[tokio::test]
async fn an_empty_body_counts_as_an_empty_object_whatever_its_type() {
    let server = TestServer::start().await;
    let response = server
        .admin(Method::POST, ENDPOINTS)
        .header(header::CONTENT_TYPE, "text/plain")
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "target");
}

#[tokio::test]
async fn a_body_of_only_whitespace_is_a_body_not_an_empty_one() {
    let server = TestServer::start().await;
    let send = |content_type: &'static str| {
        server
            .admin(Method::POST, ENDPOINTS)
            .header(header::CONTENT_TYPE, content_type)
            .body("  \n")
            .send()
    };
    let (status, body) = error_of(send("text/plain").await.unwrap()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(general_code(&body), "unsupported_media_type");
    let (status, body) = error_of(send("application/json").await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(general_code(&body), "parse_error");
}

#[tokio::test]
async fn a_json_body_that_is_not_an_object_is_400_invalid() {
    let server = TestServer::start().await;
    let (status, body) = error_of(server.post(ENDPOINTS, &json!([1, 2])).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(general_code(&body), "invalid");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413() {
    let server = TestServer::start().await;
    let huge = json!({"target": "https://a.example", "description": "x".repeat(1024 * 1024)});
    let (status, body) = error_of(server.post(ENDPOINTS, &huge).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(general_code(&body), "payload_too_large");
}

#[tokio::test]
async fn an_unknown_route_is_404_in_the_contract_shape() {
    let server = TestServer::start().await;
    for path in [
        "/api/v2/webhook/nothing/",
        "/api/v2/other/",
        "/nowhere",
        "/__mock/unknown/",
    ] {
        let (status, body) = error_of(server.get(path).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(general_code(&body), "not_found");
    }
}

#[tokio::test]
async fn an_unknown_route_is_404_even_without_a_token() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::GET, "/api/v2/webhook/nothing/")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let server = TestServer::start().await;
    let response = server
        .admin(Method::DELETE, ENDPOINTS)
        .send()
        .await
        .unwrap();
    let allow = response.headers()[header::ALLOW]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(general_code(&body), "method_not_allowed");
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

#[tokio::test]
async fn authentication_is_checked_before_the_method() {
    let server = TestServer::start().await;
    let response = server
        .request(Method::DELETE, ENDPOINTS)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = server
        .request(Method::DELETE, ENDPOINTS)
        .bearer_auth(MEMBER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_media_type_is_checked_before_the_id() {
    let server = TestServer::start().await;
    let response = server
        .admin(Method::PUT, &format!("{ENDPOINTS}999/"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn an_unknown_id_is_reported_before_validation() {
    let server = TestServer::start().await;
    let (status, _) = error_of(
        server
            .send_json(Method::PUT, &format!("{ENDPOINTS}999/"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn malformed_input_never_produces_a_server_error() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://a.example/h", &["user.created"])
        .await;
    let id = created["id"].as_u64().unwrap();
    let paths = [
        ENDPOINTS.to_owned(),
        format!("{ENDPOINTS}{id}/"),
        format!("{ENDPOINTS}{id}/secret/reveal/"),
        format!("{ENDPOINTS}{id}/secret/expire/"),
        format!("{ENDPOINTS}{id}/event/resend/"),
        format!("{ENDPOINTS}{id}/event/resend/bulk/"),
        format!("{ENDPOINTS}%ZZ/"),
        format!("{ENDPOINTS}{id}/attempt/?limit=%FF&offset=1e9&ordering=,,,-"),
        "/oauth/token/".to_owned(),
        "/__mock/events/".to_owned(),
        "/__mock/reset/".to_owned(),
        "/__mock/sink/x/behavior/".to_owned(),
    ];
    let bodies: [&[u8]; 9] = [
        b"",
        b"null",
        b"\"text\"",
        b"{\"target\": null, \"events\": [null, 1, [], {}]}",
        b"{\"event\": -1, \"password\": 5}",
        b"{\"event\": [1.5, \"2\", null], \"password\": []}",
        b"\xff\xfe\x00",
        b"{\"events\": [{\"type\": 7}], \"is_active\": {}}",
        b"{\"type\": \"\", \"data\": 3, \"seed\": \"yes\", \"status\": 1000}",
    ];
    for path in &paths {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            for body in bodies {
                let response = server
                    .request(method.clone(), path)
                    .bearer_auth(ADMIN_TOKEN)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body.to_vec())
                    .send()
                    .await
                    .unwrap();
                assert!(
                    response.status().as_u16() < 500,
                    "{method} {path} {:?} answered {}",
                    String::from_utf8_lossy(body),
                    response.status()
                );
            }
        }
    }
}
