//! The API client against a real mock-server (`cargo xtask test` starts one and compiles its URL in as
//! `MOCK_SERVER_URL`). The server is shared by every test here, so each works on its own endpoints.

#![cfg(target_arch = "wasm32")]

use app::{
    api::{self, ApiError, Client},
    query::ListQuery,
};
use wasm_bindgen_test::*;
use webhook_api::{
    EndpointPatch, EndpointSortField, EndpointWrite, ErrorCode, EventRef, Ordering, Role,
};

wasm_bindgen_test_configure!(run_in_browser);

fn server() -> &'static str {
    // Not `env!`: clippy builds these tests without a server.
    match option_env!("MOCK_SERVER_URL") {
        Some(url) => url,
        None => panic!("MOCK_SERVER_URL is unset: run these through `cargo xtask test`"),
    }
}

fn admin() -> Client {
    Client::new(server()).with_token("dev-admin-token")
}

/// A target no other test uses.
fn unique_target(tag: &str) -> String {
    format!(
        "https://{tag}-{}.example/hook",
        (js_sys::Math::random() * 1e12) as u64
    )
}

fn write(target: &str) -> EndpointWrite {
    EndpointWrite {
        target: target.to_owned(),
        events: vec![EventRef::new("comment.created")],
        description: Some("from the API client test".into()),
        is_active: None,
        ssl_cert_verification: None,
    }
}

#[wasm_bindgen_test]
async fn the_password_grant_gives_a_token_that_names_the_admin() {
    let token = api::password_grant(&Client::new(server()), "admin", "admin", None)
        .await
        .unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert!(token.refresh_token.is_some());
    let me = api::get_current_user(&Client::new(server()).with_token(&token.access_token))
        .await
        .unwrap();
    assert_eq!((me.username.as_str(), me.role), ("admin", Role::Admin));
}

#[wasm_bindgen_test]
async fn a_refresh_grant_gives_a_new_working_token() {
    let first = api::password_grant(&Client::new(server()), "admin", "admin", None)
        .await
        .unwrap();
    let next = api::refresh_grant(&Client::new(server()), &first.refresh_token.unwrap(), None)
        .await
        .unwrap();
    let me = api::get_current_user(&Client::new(server()).with_token(&next.access_token)).await;
    assert_eq!(me.unwrap().username, "admin");
}

#[wasm_bindgen_test]
async fn a_wrong_password_is_an_oauth_error() {
    let error = api::password_grant(&Client::new(server()), "admin", "wrong", None)
        .await
        .unwrap_err();
    match &error {
        ApiError::OAuth { status, error } => {
            assert_eq!((*status, error.error.as_str()), (400, "invalid_grant"))
        }
        other => panic!("expected an OAuth error, got {other:?}"),
    }
    assert_eq!(error.message(), "Wrong username or password.");
}

#[wasm_bindgen_test]
async fn no_token_is_unauthorized_and_a_member_is_forbidden() {
    let query = ListQuery::<EndpointSortField>::default();
    let anonymous = api::list_endpoints(&Client::new(server()), &query)
        .await
        .unwrap_err();
    assert!(anonymous.is_unauthorized(), "{anonymous:?}");
    let member = Client::new(server()).with_token("dev-member-token");
    let forbidden = api::list_endpoints(&member, &query).await.unwrap_err();
    assert!(forbidden.is_forbidden(), "{forbidden:?}");
    assert_eq!(
        forbidden.body().unwrap().general_error().unwrap().code,
        ErrorCode::PermissionDenied
    );
}

#[wasm_bindgen_test]
async fn create_then_read_back_an_endpoint() {
    let target = unique_target("create");
    let created = api::create_endpoint(&admin(), &write(&target))
        .await
        .unwrap();
    assert_eq!(created.target, target);
    assert!(created.is_active && created.ssl_cert_verification);
    let read = api::get_endpoint(&admin(), created.id).await.unwrap();
    assert_eq!(read, created);
}

#[wasm_bindgen_test]
async fn a_validation_error_carries_the_field_messages() {
    let error = api::create_endpoint(&admin(), &write("ftp://nope.example"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert!(error.has_field_code("target", ErrorCode::Invalid));
    assert_eq!(error.field_messages("target"), ["Enter a valid URL."]);
}

#[wasm_bindgen_test]
async fn search_finds_an_endpoint_by_part_of_its_target() {
    let target = unique_target("searchable");
    let created = api::create_endpoint(&admin(), &write(&target))
        .await
        .unwrap();
    let needle = target
        .trim_start_matches("https://")
        .split('.')
        .next()
        .unwrap()
        .to_uppercase();
    let query = ListQuery::<EndpointSortField>::default().with_search(&needle);
    let page = api::list_endpoints(&admin(), &query).await.unwrap();
    assert_eq!(page.count, 1);
    assert_eq!(page.results[0].id, created.id);
}

#[wasm_bindgen_test]
async fn the_list_pages_and_orders_as_asked() {
    let query = ListQuery::<EndpointSortField> {
        size: 1,
        ordering: Some(Ordering::asc(EndpointSortField::CreatedAt)),
        ..ListQuery::default()
    };
    api::create_endpoint(&admin(), &write(&unique_target("paged")))
        .await
        .unwrap();
    let first = api::list_endpoints(&admin(), &query).await.unwrap();
    assert_eq!(first.results.len(), 1);
    assert!(first.count >= 1);
    let second = api::list_endpoints(&admin(), &query.with_offset(1))
        .await
        .unwrap();
    if first.count >= 2 {
        assert!(second.results[0].created_at >= first.results[0].created_at);
        assert_ne!(second.results[0].id, first.results[0].id);
    }
}

#[wasm_bindgen_test]
async fn update_patch_and_delete_change_the_endpoint() {
    let created = api::create_endpoint(&admin(), &write(&unique_target("change")))
        .await
        .unwrap();
    let mut body = write(&created.target);
    body.description = Some("updated".into());
    body.events.push(EventRef::new("user.created"));
    let updated = api::update_endpoint(&admin(), created.id, &body)
        .await
        .unwrap();
    assert_eq!(updated.description, "updated");
    assert_eq!(updated.events.len(), 2);

    let patch = EndpointPatch {
        is_active: Some(false),
        ..EndpointPatch::default()
    };
    let patched = api::patch_endpoint(&admin(), created.id, &patch)
        .await
        .unwrap();
    assert!(!patched.is_active);

    api::delete_endpoint(&admin(), created.id).await.unwrap();
    let gone = api::get_endpoint(&admin(), created.id).await.unwrap_err();
    assert!(gone.is_not_found());
}

#[wasm_bindgen_test]
async fn the_catalog_lists_the_event_types_in_order() {
    let catalog = api::get_event_catalog(&admin()).await.unwrap();
    assert_eq!(catalog.len(), 38);
    assert_eq!(catalog[0], "comment.created");
}

#[wasm_bindgen_test]
async fn a_server_that_is_not_there_is_a_network_error() {
    let error = api::get_event_catalog(&Client::new("http://127.0.0.1:9").with_token("x"))
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
}
