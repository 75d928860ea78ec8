//! The endpoint screens' components, mounted with fixture data in headless Chromium.

#![cfg(target_arch = "wasm32")]

mod support;

use app::{
    api::ApiError,
    components::task::Task,
    components::{event_picker::EventPicker, pagination::Pagination},
    pages::endpoints::form::draft::EndpointDraft,
    pages::endpoints::{EndpointForm, EndpointTable},
    paging::PageInfo,
    query::ListQuery,
    routes,
    set::SortedSet,
};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use webhook_api::{EndpointSortField, ErrorBody, ErrorCode, ErrorEntry, ErrorMessage, Ordering};

wasm_bindgen_test_configure!(run_in_browser);

fn table(query: ListQuery<EndpointSortField>) -> Mounted {
    let mut inactive = endpoint(2, "http://crm.example/in", &["user.created"]);
    inactive.updated_at = inactive.created_at.clone();
    inactive.is_active = false;
    inactive.ssl_cert_verification = false;
    inactive.description = String::new();
    let endpoints = vec![
        endpoint(
            1,
            "https://shop.example/hooks",
            &[
                "comment.created",
                "post.created",
                "user.created",
                "vote.created",
                "user.deleted",
            ],
        ),
        inactive,
    ];
    mount(Some(admin_session("")), move || {
        view! { <EndpointTable endpoints query on_delete=Callback::new(|_| {}) /> }
    })
}

#[wasm_bindgen_test]
async fn the_table_shows_one_row_per_endpoint_with_its_fields() {
    let mounted = table(ListQuery::default());
    settle().await;
    let rows = mounted.all("tbody tr");
    assert_eq!(rows.len(), 2);
    assert_eq!(
        mounted.texts("tbody .target"),
        ["https://shop.example/hooks", "http://crm.example/in"]
    );
    assert_eq!(mounted.texts("tbody .event-count"), ["5 events", "1 event"]);
    // The list is there on demand: folded until its summary is clicked.
    let list = mounted.one("tbody tr:first-child details.event-list");
    assert!(!list.unchecked_ref::<web_sys::HtmlDetailsElement>().open());
    assert_eq!(
        mounted.texts("tbody tr:first-child .chip"),
        [
            "comment.created",
            "post.created",
            "user.created",
            "vote.created",
            "user.deleted"
        ]
    );
    mounted.one("tbody tr:first-child .event-count").click();
    settle().await;
    assert!(list.unchecked_ref::<web_sys::HtmlDetailsElement>().open());
    assert_eq!(
        mounted.texts("tbody .ssl-off"),
        ["SSL not verified"],
        "only the endpoint that does not check certificates says so"
    );
    assert_eq!(
        mounted.texts("tbody .description"),
        ["endpoint 1"],
        "the description is under the target; none, no line"
    );
    assert_eq!(
        mounted
            .one("tbody tr:first-child .target")
            .get_attribute("title")
            .as_deref(),
        Some("https://shop.example/hooks"),
        "the full URL on hover"
    );
    assert_eq!(mounted.all("thead th").len(), 5);
    assert_eq!(
        mounted.all("tbody .col-created .edited").len(),
        1,
        "the last change only under the endpoint changed since its creation"
    );

    let switches: Vec<bool> = mounted
        .all("tbody input[role=switch]")
        .iter()
        .map(|i| i.unchecked_ref::<web_sys::HtmlInputElement>().checked())
        .collect();
    assert_eq!(switches, [true, false]);
    assert_eq!(
        mounted
            .one("tbody tr:first-child .target")
            .get_attribute("href")
            .as_deref(),
        Some(routes::endpoint(1).as_str())
    );
}

#[wasm_bindgen_test]
async fn the_default_order_marks_created_as_descending() {
    let mounted = table(ListQuery::default());
    settle().await;
    let sort_states: Vec<(String, String)> = mounted
        .all("th[aria-sort]")
        .iter()
        .map(|th| {
            (
                th.text_content().unwrap(),
                th.get_attribute("aria-sort").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sort_states,
        [
            ("Active↕".to_owned(), "none".to_owned()),
            ("Created↓".to_owned(), "descending".to_owned()),
        ]
    );
    let created = mounted.one("th.col-created a");
    assert_eq!(
        created.get_attribute("href").as_deref(),
        Some("/endpoints?ordering=created_at")
    );
}

#[wasm_bindgen_test]
async fn a_sorted_column_links_to_its_reverse_and_others_start_descending() {
    let query = ListQuery {
        ordering: Some(Ordering::asc(EndpointSortField::IsActive)),
        offset: 40,
        ..ListQuery::default()
    };
    let mounted = table(query);
    settle().await;
    let active = mounted.one("th.col-active");
    assert_eq!(
        active.get_attribute("aria-sort").as_deref(),
        Some("ascending")
    );
    assert_eq!(
        mounted
            .one("th.col-active a")
            .get_attribute("href")
            .as_deref(),
        Some("/endpoints?ordering=-is_active"),
        "the sorted column links to its reverse"
    );
    assert_eq!(
        mounted
            .one("th.col-created a")
            .get_attribute("href")
            .as_deref(),
        Some("/endpoints"),
        "newest first is the default and stays out of the URL"
    );
}

/// Django REST framework's link to `params` of the list.
fn link(params: &str) -> String {
    format!("http://127.0.0.1:8000/api/v2/webhook/endpoint/?{params}")
}

#[wasm_bindgen_test]
async fn pagination_shows_the_range_and_links_to_the_neighbouring_pages() {
    let query = ListQuery::<EndpointSortField> {
        offset: 20,
        search: "shop".into(),
        ..ListQuery::default()
    };
    let info = PageInfo::new(
        20,
        20,
        45,
        20,
        Some(&link("limit=20&offset=40&target=shop")),
        Some(&link("limit=20&target=shop")),
    );
    let mounted = mount(None, move || {
        let href = Callback::new(move |offset| routes::endpoints_with(&query.with_offset(offset)));
        view! { <Pagination info href noun="endpoints" /> }
    });
    settle().await;
    assert_eq!(mounted.text(".pagination-summary"), "21–40 of 45 endpoints");
    assert_eq!(mounted.text("[aria-current=page]"), "2");
    let href = |label: &str| {
        mounted
            .one(&format!("a[aria-label='{label}']"))
            .get_attribute("href")
            .unwrap()
    };
    assert_eq!(href("Previous page"), "/endpoints?search=shop");
    assert_eq!(href("Next page"), "/endpoints?search=shop&offset=40");
    assert_eq!(href("Page 3"), "/endpoints?search=shop&offset=40");
    assert_eq!(
        mounted.texts(".pagination-pages a"),
        ["‹ Previous", "1", "2", "3", "Next ›"]
    );
}

#[wasm_bindgen_test]
async fn the_last_page_has_no_next_link() {
    let info = PageInfo::new(40, 20, 45, 5, None, Some(&link("limit=20&offset=20")));
    let mounted = mount(None, move || {
        let href = Callback::new(|offset: u64| format!("/endpoints?offset={offset}"));
        view! { <Pagination info href noun="endpoints" /> }
    });
    settle().await;
    assert_eq!(mounted.text(".pagination-summary"), "41–45 of 45 endpoints");
    assert!(mounted.all("a[aria-label='Next page']").is_empty());
    assert_eq!(mounted.text("[aria-disabled=true]"), "Next ›");
}

#[wasm_bindgen_test]
async fn a_server_that_pages_by_fewer_than_asked_is_followed_and_said() {
    // 20 asked, the server's pages hold 5: the second of 3.
    let info = PageInfo::new(
        5,
        20,
        12,
        5,
        Some(&link("limit=5&offset=10")),
        Some(&link("limit=5")),
    );
    let mounted = mount(None, move || {
        let href = Callback::new(|offset: u64| format!("/endpoints?offset={offset}"));
        view! { <Pagination info href noun="endpoints" /> }
    });
    settle().await;
    assert_eq!(
        mounted.text(".pagination-summary"),
        "6–10 of 12 endpoints · the server sends 5 per page"
    );
    assert_eq!(mounted.text("[aria-current=page]"), "2");
    let hrefs: Vec<String> = mounted
        .all(".pagination-pages a")
        .iter()
        .map(|a| a.get_attribute("href").unwrap())
        .collect();
    assert_eq!(
        hrefs,
        [
            "/endpoints?offset=0",
            "/endpoints?offset=0",
            "/endpoints?offset=5",
            "/endpoints?offset=10",
            "/endpoints?offset=10"
        ]
    );
}

fn picker(catalog: &[&str], selected: RwSignal<SortedSet<String>>) -> Mounted {
    let catalog: Vec<String> = catalog.iter().map(|s| (*s).to_owned()).collect();
    mount(None, move || {
        view! { <EventPicker catalog selected errors=Signal::stored(Vec::new()) filter_id="filter" /> }
    })
}

#[wasm_bindgen_test]
async fn the_picker_groups_any_catalog_by_resource() {
    let selected = RwSignal::new(SortedSet::new());
    let mounted = picker(
        &["invoice.paid", "comment.created", "invoice.voided", "ping"],
        selected,
    );
    settle().await;
    assert_eq!(
        mounted.texts(".picker-group-name"),
        ["invoice", "comment", "ping"]
    );
    assert_eq!(
        mounted.texts(".picker-group:first-child .event-type"),
        ["invoice.paid", "invoice.voided"]
    );
    assert_eq!(mounted.text(".picker-count"), "0 of 4 selected");
}

#[wasm_bindgen_test]
async fn a_groups_select_all_selects_its_types_then_clears_them() {
    let selected = RwSignal::new(SortedSet::from(["post.created".to_owned()]));
    let mounted = picker(&["post.created", "post.updated", "user.created"], selected);
    settle().await;
    let all_posts = mounted.one("input[aria-label='All post events']");
    let all_posts_input: &web_sys::HtmlInputElement = all_posts.unchecked_ref();
    assert!(all_posts_input.indeterminate(), "one of two is selected");

    all_posts.click();
    settle().await;
    assert_eq!(
        selected.get_untracked(),
        SortedSet::from(["post.created".to_owned(), "post.updated".to_owned()])
    );
    assert!(all_posts_input.checked() && !all_posts_input.indeterminate());
    assert_eq!(mounted.text(".picker-count"), "2 of 3 selected");

    all_posts.click();
    settle().await;
    assert!(selected.get_untracked().is_empty());
    assert!(!all_posts_input.checked());
}

#[wasm_bindgen_test]
async fn the_filter_narrows_the_picker_to_matching_types() {
    let selected = RwSignal::new(SortedSet::new());
    let mounted = picker(
        &[
            "comment.created",
            "comment.deleted",
            "user.deleted",
            "user.created",
        ],
        selected,
    );
    settle().await;
    type_into(&mounted.one("#filter"), "deleted");
    settle().await;
    assert_eq!(
        mounted.texts(".event-type"),
        ["comment.deleted", "user.deleted"]
    );
    type_into(&mounted.one("#filter"), "nothing-like-this");
    settle().await;
    assert!(mounted.all(".picker-group").is_empty());
    assert!(mounted.text(".event-picker").contains("No event matches"));
}

fn form(save: app::pages::endpoints::SaveEndpoint) -> Mounted {
    mount(Some(admin_session("")), move || {
        let catalog = vec!["comment.created".to_owned(), "user.created".to_owned()];
        view! {
            <EndpointForm
                initial=EndpointDraft::default()
                catalog
                save
                submit_label="Create endpoint"
                cancel_href="/endpoints"
            />
        }
    })
}

fn never_called() -> app::pages::endpoints::SaveEndpoint {
    Task::new(|_: &EndpointDraft| async { panic!("the form must not submit") })
}

#[wasm_bindgen_test]
async fn the_target_is_checked_as_a_url_while_typing() {
    let mounted = form(never_called());
    settle().await;
    assert!(
        mounted
            .all("#endpoint-target-errors .field-error")
            .is_empty(),
        "nothing typed yet"
    );
    let target = mounted.one("#endpoint-target");
    type_into(&target, "ftp://files.example");
    settle().await;
    assert_eq!(
        mounted.texts("#endpoint-target-errors .field-error"),
        ["Enter a valid URL."]
    );
    assert_eq!(
        target.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    type_into(&target, &format!("https://example.com/{}", "a".repeat(190)));
    settle().await;
    assert_eq!(
        mounted.texts("#endpoint-target-errors .field-error"),
        ["Ensure this field has no more than 200 characters."]
    );
    type_into(&target, "https://hooks.example.com/in");
    settle().await;
    assert!(
        mounted
            .all("#endpoint-target-errors .field-error")
            .is_empty()
    );
}

#[wasm_bindgen_test]
async fn saving_without_target_or_events_says_what_is_missing() {
    let mounted = form(never_called());
    settle().await;
    mounted.one("button[type=submit]").click();
    settle().await;
    assert_eq!(
        mounted.texts("#endpoint-target-errors .field-error"),
        ["This field may not be blank."]
    );
    assert_eq!(
        mounted.texts(".event-picker .field-error"),
        ["Choose at least one event."]
    );
    assert_eq!(
        active_element().map(|e| e.id()).as_deref(),
        Some("endpoint-target")
    );
}

#[wasm_bindgen_test]
async fn turning_ssl_verification_off_explains_the_risk() {
    let mounted = form(never_called());
    settle().await;
    assert!(mounted.all(".callout.warn").is_empty());
    mounted.one("#endpoint-ssl").click();
    settle().await;
    assert!(
        mounted
            .text(".callout.warn")
            .contains("Verification is off.")
    );
}

#[wasm_bindgen_test]
async fn server_field_errors_show_next_to_their_fields() {
    let refused = ApiError::Http {
        status: 400,
        body: Some(ErrorBody {
            errors: vec![
                ErrorEntry::Field {
                    field: "target".into(),
                    messages: vec![ErrorMessage::new(
                        ErrorCode::Invalid,
                        "This host is not allowed.",
                    )],
                },
                ErrorEntry::Field {
                    field: "events".into(),
                    messages: vec![ErrorMessage::new(
                        ErrorCode::InvalidChoice,
                        "\"comment.created\" is not a valid choice.",
                    )],
                },
            ],
        }),
        retry_after: None,
    };
    let save = Task::new(move |_: &EndpointDraft| {
        let refused = refused.clone();
        async move { Err(refused) }
    });
    let mounted = form(save);
    settle().await;
    type_into(
        &mounted.one("#endpoint-target"),
        "https://blocked.example/in",
    );
    mounted.one("input[value='comment.created']").click();
    mounted.one("button[type=submit]").click();

    mounted
        .find(
            "#endpoint-target-errors .field-error",
            Some("This host is not allowed."),
        )
        .await;
    assert_eq!(
        mounted.texts(".event-picker .field-error"),
        ["\"comment.created\" is not a valid choice."]
    );
    assert_eq!(
        mounted
            .one("#endpoint-target")
            .unchecked_ref::<web_sys::HtmlInputElement>()
            .value(),
        "https://blocked.example/in",
        "what was typed stays"
    );
    type_into(
        &mounted.one("#endpoint-target"),
        "https://allowed.example/in",
    );
    settle().await;
    assert!(
        mounted
            .all("#endpoint-target-errors .field-error")
            .is_empty(),
        "the server's message goes once the field changes"
    );
}

#[wasm_bindgen_test]
async fn turning_an_endpoint_off_asks_first_and_flips_back_with_an_error_toast_when_it_fails() {
    use app::{components::toast::ToastRegion, pages::endpoints::ActiveSwitch};
    // Nothing listens on port 9: the PATCH fails as a network error.
    let mounted = mount(Some(admin_session("http://127.0.0.1:9")), || {
        view! {
            <ActiveSwitch id=7 active=true target="https://shop.example/hooks" />
            <ToastRegion />
        }
    });
    settle().await;
    let switch = mounted.one("input[role=switch]");
    let input: &web_sys::HtmlInputElement = switch.unchecked_ref();

    // A stray click (or Space) only asks.
    switch.click();
    settle().await;
    assert!(input.checked(), "still on while it asks");
    assert_eq!(mounted.text("dialog h2"), "Turn this endpoint off?");
    mounted.click_text("dialog button", "Cancel");
    settle().await;
    assert!(mounted.all("dialog").is_empty());
    assert!(input.checked(), "still on after Cancel");

    switch.click();
    settle().await;
    mounted.click_text("dialog button", "Turn off");
    mounted
        .find(
            ".toast-error .toast-text",
            Some("Could not deactivate the endpoint"),
        )
        .await;
    settle().await;
    assert!(input.checked(), "flipped back after the failure");
    assert_eq!(mounted.text(".switch-label"), "On");
    assert!(
        mounted.all("dialog").is_empty(),
        "the dialog went with the answer"
    );
}

#[wasm_bindgen_test]
async fn turning_an_endpoint_on_goes_at_once() {
    use app::pages::endpoints::ActiveSwitch;
    let mounted = mount(Some(admin_session("http://127.0.0.1:9")), || {
        view! { <ActiveSwitch id=7 active=false target="https://shop.example/hooks" /> }
    });
    settle().await;
    let switch = mounted.one("input[role=switch]");
    switch.click();
    settle().await;
    assert!(
        switch
            .unchecked_ref::<web_sys::HtmlInputElement>()
            .checked()
    );
    assert!(mounted.all("dialog").is_empty(), "nothing to confirm");
}

#[wasm_bindgen_test]
async fn a_failed_load_shows_the_error_and_retries_on_demand() {
    use app::components::remote::{Remote, loaded};
    let mounted = mount(Some(admin_session("http://127.0.0.1:9")), || {
        let catalog =
            Remote::new(|client| async move { app::api::get_event_catalog(&client).await });
        loaded(
            catalog,
            "Could not load the event catalog",
            || view! { <p class="loading">"Loading"</p> }.into_any(),
            |types: Vec<String>| view! { <p class="types">{types.len()}</p> }.into_any(),
        )
    });
    mounted
        .find(".error-panel h2", Some("Could not load the event catalog"))
        .await;
    assert!(
        mounted
            .text(".error-panel p")
            .starts_with("Could not reach the server")
    );
    mounted.one(".error-panel button").click();
    mounted.find(".loaded[aria-busy=true]", None).await;
    mounted
        .find(".loaded[aria-busy=false] .error-panel", None)
        .await;
}

/// The test-event panel on a server whose answer (offers test events or not) is already known.
fn test_event_panel(offered: bool, active: bool) -> Mounted {
    use app::pages::endpoints::test_event::TestEventPanel;
    let storage = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    // The session's server below is "http://127.0.0.1:9" (nothing listens: no request is answered).
    storage
        .set_item(
            "webhook-console.test-events",
            &format!("http://127.0.0.1:9\t{}", if offered { 1 } else { 0 }),
        )
        .unwrap();
    let mut shop = endpoint(
        4,
        "https://shop.example/hooks",
        &["user.created", "post.created"],
    );
    shop.is_active = active;
    mount(Some(admin_session("http://127.0.0.1:9")), move || {
        view! { <TestEventPanel endpoint=shop.clone() on_sent=Callback::new(|()| {}) /> }
    })
}

#[wasm_bindgen_test]
async fn a_test_event_starts_from_the_example_and_is_checked_as_json_before_it_goes() {
    let mounted = test_event_panel(true, true);
    settle().await;
    let data = mounted.one("#test-event-data");
    let typed = || data.unchecked_ref::<web_sys::HtmlTextAreaElement>().value();
    assert!(typed().starts_with("{\n"), "{}", typed());
    assert!(
        typed().contains("\"username\""),
        "user.created's example: {}",
        typed()
    );
    let button = mounted.one(".test-event .button.primary");
    assert_eq!(
        button.get_attribute("aria-disabled").as_deref(),
        Some("false")
    );

    type_into(&data, "{\"id\": 1,}");
    settle().await;
    assert!(
        mounted.text(".field-error").starts_with("Not JSON:"),
        "{}",
        mounted.text(".field-error")
    );
    assert_eq!(data.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        button.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    button.click();
    settle().await;
    assert_eq!(mounted.text(".test-event-status"), "", "nothing sent");

    type_into(&data, "[1]");
    settle().await;
    assert_eq!(
        mounted.text(".field-error"),
        "The data must be a JSON object ({ … })."
    );

    // Another type starts again from its own example.
    let select = mounted.one("#test-event-type");
    select
        .unchecked_ref::<web_sys::HtmlSelectElement>()
        .set_value("post.created");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    assert!(
        typed().contains("\"summary\""),
        "post.created's example: {}",
        typed()
    );
    assert!(mounted.all(".field-error").is_empty());
}

#[wasm_bindgen_test]
async fn no_test_event_panel_where_the_server_has_no_such_route_and_an_explanation_when_off() {
    let mounted = test_event_panel(false, true);
    settle().await;
    assert!(mounted.all(".test-event").is_empty());
    drop(mounted);
    let mounted = test_event_panel(true, false);
    settle().await;
    assert!(mounted.text(".test-event .hint").contains("turn it on"));
    assert!(mounted.all("#test-event-data").is_empty());
}
