//! Issue 13's event view against a real mock-server (`MOCK_SERVER_URL`, as `api_client.rs`): one row
//! per event, its tries on opening it, and the filters in the URL.

#![cfg(target_arch = "wasm32")]

mod support;

use app::{
    api::{self, Client},
    pages::attempts::EventsView,
    query::ListQuery,
    router::Location,
};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use webhook_api::{EndpointWrite, EventRef};

wasm_bindgen_test_configure!(run_in_browser);

fn server() -> &'static str {
    // Not `env!`: clippy builds these tests without a server.
    match option_env!("MOCK_SERVER_URL") {
        Some(url) => url,
        None => panic!("MOCK_SERVER_URL is unset: run these through `cargo xtask test`"),
    }
}

/// A new endpoint on a sink of its own that has received one `user.created` event; the event's id.
async fn endpoint_with_one_event() -> (u64, u64) {
    let admin = Client::new(server()).with_token("dev-admin-token");
    let sink = format!("events-{}", (js_sys::Math::random() * 1e12) as u64);
    let endpoint = api::create_endpoint(
        &admin,
        &EndpointWrite {
            target: format!("{}/__mock/sink/{sink}/", server()),
            events: vec![EventRef::new("user.created")],
            description: None,
            is_active: None,
            ssl_cert_verification: None,
        },
    )
    .await
    .unwrap();
    let created = gloo_net::http::Request::post(&format!("{}/__mock/events/", server()))
        .header("Authorization", "Bearer dev-admin-token")
        .header("Content-Type", "application/json")
        .body(r#"{"type": "user.created"}"#)
        .unwrap()
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&created.text().await.unwrap()).unwrap();
    // The attempt is listed once its try is over: ask until it is (each ask is a round trip).
    let mut asked = 0;
    while api::list_attempts(&admin, endpoint.id, &ListQuery::default())
        .await
        .unwrap()
        .count
        == 0
    {
        asked += 1;
        assert!(asked < 500, "the delivery is listed");
    }
    (endpoint.id, body["event_id"].as_u64().unwrap())
}

/// The event view of endpoint `id` at `/endpoints/<id><query>`, and its location.
fn events_view(id: u64, query: &str) -> (Mounted, Location) {
    let at = format!("/endpoints/{id}{query}");
    let location = StoredValue::new(None::<Location>);
    let mounted = mount(Some(admin_session(server())), move || {
        let here = Location::at(&at);
        provide_context(here);
        location.set_value(Some(here));
        view! { <EventsView id base=format!("/endpoints/{id}") /> }
    });
    let location = location.get_value().expect("mounted");
    (mounted, location)
}

#[wasm_bindgen_test]
async fn an_event_is_one_row_and_opening_it_lists_its_tries() {
    let (id, event) = endpoint_with_one_event().await;
    let (mounted, _) = events_view(id, "");
    // Its delivery may still be under way: the row comes once the view has the attempt.
    let label = format!("user.created · {event}");
    let row = mounted.find("tr.event-row", Some(&label)).await;
    let toggle = mounted.one(".event-toggle");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(row.text_content().unwrap().contains("1 try"));
    toggle.click();
    settle().await;
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let tries = mounted.texts(".try-list .try .try-which");
    assert_eq!(tries, ["Try 1"]);
    // The tries' panel opens from the try.
    mounted.one(".try-open").click();
    mounted.find(".attempt-detail", Some("Try 1")).await;
}

#[wasm_bindgen_test]
async fn the_filters_come_from_the_url_and_go_back_to_it() {
    let (id, _) = endpoint_with_one_event().await;
    let (mounted, location) = events_view(id, "?state=failing&window=24h");
    settle().await;
    let checked: Vec<String> = mounted
        .all(".segmented label.selected")
        .iter()
        .map(|l| l.text_content().unwrap_or_default())
        .collect();
    assert_eq!(checked, ["Failing"]);
    let window: web_sys::HtmlSelectElement = mounted.one(".window-filter").unchecked_into();
    assert_eq!(window.value(), "24h");
    // A delivered event is not failing.
    mounted.find(".empty-state", Some("No events match")).await;

    let delivered = mounted
        .all(".segmented label")
        .into_iter()
        .find(|l| l.text_content().unwrap_or_default() == "Delivered")
        .unwrap();
    delivered.click();
    settle().await;
    assert_eq!(
        location.here(),
        format!("/endpoints/{id}?state=delivered&window=24h")
    );
    mounted.find("tr.event-row", Some("Delivered")).await;
}
