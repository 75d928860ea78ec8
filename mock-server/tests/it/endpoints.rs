//! Endpoint CRUD, catalog and search (the reference, contract section 4).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, error_of, field_codes};

const ENDPOINTS: &str = "/api/v2/webhook/endpoint/";

fn path(id: &Value) -> String {
    format!("{ENDPOINTS}{}/", id.as_u64().unwrap())
}

#[tokio::test]
async fn create_answers_201_with_defaults_and_subscriptions() {
    let server = TestServer::start().await;
    let response = server
        .post(
            ENDPOINTS,
            &json!({"target": "https://example.com/hook", "events": [{"type": "comment.created"}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let endpoint: Value = response.json().await.unwrap();
    assert_eq!(endpoint["target"], "https://example.com/hook");
    assert_eq!(endpoint["description"], "");
    assert_eq!(endpoint["is_active"], true);
    assert_eq!(endpoint["ssl_cert_verification"], true);
    assert_eq!(endpoint["events"][0]["type"], "comment.created");
    assert_eq!(endpoint["created_at"], endpoint["updated_at"]);
    let created_at = endpoint["created_at"].as_str().unwrap();
    assert_eq!(
        created_at.len(),
        "2026-11-27T07:44:03.123456+00:00".len(),
        "{created_at}"
    );
    assert!(endpoint.get("signing_secret").is_none());
}

#[tokio::test]
async fn duplicate_event_types_collapse_into_one() {
    let server = TestServer::start().await;
    let endpoint = server
        .create_endpoint(
            "https://example.com/h",
            &["vote.created", "vote.created", "post.created"],
        )
        .await;
    let types: Vec<&str> = endpoint["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["post.created", "vote.created"]);
}

#[tokio::test]
async fn retrieve_returns_what_create_returned() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://example.com/h", &["user.created"])
        .await;
    assert_eq!(server.get_json(&path(&created["id"])).await, created);
}

#[tokio::test]
async fn an_unknown_id_is_404() {
    let server = TestServer::start().await;
    let (status, body) = error_of(server.get(&format!("{ENDPOINTS}4242/")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"errors": [{"code": "not_found", "message": "Not found."}]})
    );
}

#[tokio::test]
async fn a_non_integer_id_is_404() {
    let server = TestServer::start().await;
    for id in ["abc", "-1", "1.5", "99999999999999999999999"] {
        let (status, _) = error_of(server.get(&format!("{ENDPOINTS}{id}/")).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
}

#[tokio::test]
async fn put_requires_target_and_events() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://example.com/h", &["user.created"])
        .await;
    let (status, body) = error_of(
        server
            .send_json(
                Method::PUT,
                &path(&created["id"]),
                &json!({"description": "x"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "target"), vec!["required"]);
    assert_eq!(field_codes(&body, "events"), vec!["required"]);
}

#[tokio::test]
async fn put_keeps_optional_fields_it_leaves_out() {
    let server = TestServer::start().await;
    let created = server
        .post(
            ENDPOINTS,
            &json!({"target": "https://a.example/h", "events": [{"type": "user.created"}],
            "description": "Keep me", "is_active": false, "ssl_cert_verification": false}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let response = server
        .send_json(
            Method::PUT,
            &path(&created["id"]),
            &json!({"target": "https://b.example/h", "events": [{"type": "user.updated"}]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["target"], "https://b.example/h");
    assert_eq!(updated["description"], "Keep me");
    assert_eq!(updated["is_active"], false);
    assert_eq!(updated["ssl_cert_verification"], false);
    assert_eq!(updated["events"].as_array().unwrap().len(), 1);
    assert_eq!(updated["events"][0]["type"], "user.updated");
}

#[tokio::test]
async fn patch_changes_only_the_fields_it_names() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://a.example/h", &["user.created"])
        .await;
    let updated: Value = server
        .send_json(
            Method::PATCH,
            &path(&created["id"]),
            &json!({"description": "New words"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["description"], "New words");
    assert_eq!(updated["target"], created["target"]);
    assert_eq!(updated["events"], created["events"]);
    assert_eq!(updated["is_active"], true);
}

#[tokio::test]
async fn a_kept_subscription_keeps_its_added_at_and_a_new_one_gets_its_own() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://a.example/h", &["user.created", "post.created"])
        .await;
    let kept_added_at = created["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "user.created")
        .unwrap()["added_at"]
        .clone();
    let updated: Value = server
        .send_json(
            Method::PATCH,
            &path(&created["id"]),
            &json!({"events": [{"type": "user.created"}, {"type": "vote.created"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let events = updated["events"].as_array().unwrap();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, vec!["user.created", "vote.created"]);
    assert_eq!(events[0]["added_at"], kept_added_at);
    assert!(events[1]["added_at"].as_str().unwrap() > kept_added_at.as_str().unwrap());
}

#[tokio::test]
async fn put_and_patch_move_updated_at_but_not_created_at() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://a.example/h", &["user.created"])
        .await;
    let put: Value = server
        .send_json(
            Method::PUT,
            &path(&created["id"]),
            &json!({"target": "https://a.example/h", "events": [{"type": "user.created"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(put["updated_at"].as_str() > created["updated_at"].as_str());
    assert_eq!(put["created_at"], created["created_at"]);
    let patched: Value = server
        .send_json(Method::PATCH, &path(&created["id"]), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(patched["updated_at"].as_str() > put["updated_at"].as_str());
}

#[tokio::test]
async fn delete_answers_204_and_the_endpoint_is_gone() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://a.example/h", &["user.created"])
        .await;
    let response = server
        .admin(Method::DELETE, &path(&created["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.get(&path(&created["id"])).await.status(),
        StatusCode::NOT_FOUND
    );
    let again = server
        .admin(Method::DELETE, &path(&created["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ids_increase_and_are_never_reused() {
    let server = TestServer::start().await;
    let first = server
        .create_endpoint("https://a.example/h", &["user.created"])
        .await;
    server
        .admin(Method::DELETE, &path(&first["id"]))
        .send()
        .await
        .unwrap();
    let second = server
        .create_endpoint("https://a.example/h", &["user.created"])
        .await;
    assert!(second["id"].as_u64() > first["id"].as_u64());
}

#[tokio::test]
async fn the_catalog_lists_the_38_reference_types_in_order() {
    let server = TestServer::start().await;
    let catalog = server.get_json(&format!("{ENDPOINTS}event/")).await;
    let expected: Vec<&str> = webhook_api::catalog::event_types().collect();
    assert_eq!(catalog, json!(expected));
    assert_eq!(catalog.as_array().unwrap().len(), 38);
    assert_eq!(catalog[0], "comment.created");
}

#[tokio::test]
async fn search_matches_a_target_substring_ignoring_case() {
    let server = TestServer::start().await;
    server
        .create_endpoint("https://Hooks.Example.com/crm", &["user.created"])
        .await;
    server
        .create_endpoint("https://other.example/x", &["user.created"])
        .await;
    let page = server
        .get_json(&format!("{ENDPOINTS}search/?target=hooks.EXAMPLE"))
        .await;
    assert_eq!(page["count"], 1);
    assert_eq!(
        page["results"][0]["target"],
        "https://Hooks.Example.com/crm"
    );
}

#[tokio::test]
async fn search_is_paginated_like_the_list() {
    let server = TestServer::start().await;
    for n in 0..3 {
        server
            .create_endpoint(&format!("https://match.example/{n}"), &["user.created"])
            .await;
    }
    let page = server
        .get_json(&format!("{ENDPOINTS}search/?target=match&limit=2"))
        .await;
    assert_eq!(page["count"], 3);
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    assert!(
        page["next"]
            .as_str()
            .unwrap()
            .contains("/search/?limit=2&offset=2&target=match")
    );
}

#[tokio::test]
async fn a_missing_body_reports_every_required_field() {
    let server = TestServer::start().await;
    let (status, body) = error_of(server.post(ENDPOINTS, &json!({})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_codes(&body, "target"), vec!["required"]);
    assert_eq!(field_codes(&body, "events"), vec!["required"]);
    assert_eq!(
        body["errors"][0]["messages"][0]["message"],
        "This field is required."
    );
}

#[tokio::test]
async fn a_bad_target_gets_every_message_for_it() {
    let server = TestServer::start().await;
    let long = format!("notaurl{}", "x".repeat(200));
    let (_, body) = error_of(
        server
            .post(
                ENDPOINTS,
                &json!({"target": long, "events": [{"type": "user.created"}]}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "target"), vec!["max_length", "invalid"]);
}

#[tokio::test]
async fn targets_must_be_absolute_http_urls() {
    let server = TestServer::start().await;
    for target in [
        "ftp://example.com/x",
        "example.com/hook",
        "https://",
        "http:///x",
    ] {
        let (status, body) = error_of(
            server
                .post(
                    ENDPOINTS,
                    &json!({"target": target, "events": [{"type": "user.created"}]}),
                )
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{target}");
        assert_eq!(field_codes(&body, "target"), vec!["invalid"], "{target}");
    }
}

#[tokio::test]
async fn an_empty_target_is_blank_and_null_is_null() {
    let server = TestServer::start().await;
    let (_, body) = error_of(
        server
            .post(ENDPOINTS, &json!({"target": "", "events": null}))
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "target"), vec!["blank"]);
    assert_eq!(field_codes(&body, "events"), vec!["null"]);
}

#[tokio::test]
async fn an_unknown_event_type_is_an_invalid_choice_naming_it() {
    let server = TestServer::start().await;
    let (_, body) = error_of(
        server.post(ENDPOINTS, &json!({"target": "https://a.example", "events": [{"type": "user.created"}, {"type": "user.exploded"}]})).await,
    )
    .await;
    assert_eq!(field_codes(&body, "events"), vec!["invalid_choice"]);
    assert_eq!(
        body["errors"][0]["messages"][0]["message"],
        "\"user.exploded\" is not a valid choice."
    );
}

#[tokio::test]
async fn an_empty_event_list_is_empty_and_a_non_list_is_invalid() {
    let server = TestServer::start().await;
    let (_, body) = error_of(
        server
            .post(
                ENDPOINTS,
                &json!({"target": "https://a.example", "events": []}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "events"), vec!["empty"]);
    let (_, body) = error_of(
        server
            .post(
                ENDPOINTS,
                &json!({"target": "https://a.example", "events": "user.created"}),
            )
            .await,
    )
    .await;
    assert_eq!(field_codes(&body, "events"), vec!["invalid"]);
}

#[tokio::test]
async fn types_are_strict_json() {
    let server = TestServer::start().await;
    let (_, body) = error_of(
        server
            .post(
                ENDPOINTS,
                &json!({"target": 5, "events": [{"type": "user.created"}],
            "is_active": "true", "ssl_cert_verification": 1, "description": false}),
            )
            .await,
    )
    .await;
    for field in [
        "target",
        "is_active",
        "ssl_cert_verification",
        "description",
    ] {
        assert_eq!(field_codes(&body, field), vec!["invalid"], "{field}");
    }
}

#[tokio::test]
async fn a_description_may_have_255_characters_but_not_256() {
    let server = TestServer::start().await;
    let ok = server
        .post(ENDPOINTS, &json!({"target": "https://a.example", "events": [{"type": "user.created"}], "description": "é".repeat(255)}))
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let (_, body) = error_of(
        server.post(ENDPOINTS, &json!({"target": "https://a.example", "events": [{"type": "user.created"}], "description": "a".repeat(256)})).await,
    )
    .await;
    assert_eq!(field_codes(&body, "description"), vec!["max_length"]);
}

#[tokio::test]
async fn unknown_body_fields_are_ignored() {
    let server = TestServer::start().await;
    let response = server
        .post(ENDPOINTS, &json!({"target": "https://a.example", "events": [{"type": "user.created"}], "colour": "blue", "id": 999}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let endpoint: Value = response.json().await.unwrap();
    assert_ne!(endpoint["id"], 999);
}

#[tokio::test]
async fn a_failed_update_changes_nothing() {
    let server = TestServer::start().await;
    let created = server
        .create_endpoint("https://a.example/h", &["user.created"])
        .await;
    let response = server
        .send_json(
            Method::PATCH,
            &path(&created["id"]),
            &json!({"description": "new", "target": "nope"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(server.get_json(&path(&created["id"])).await, created);
}
