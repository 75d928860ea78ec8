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
    assert_eq!(
        mounted.texts("tbody tr:first-child .event-count"),
        ["5 events"]
    );
    assert_eq!(
        mounted.texts("tbody tr:first-child .chip"),
        ["comment.created", "post.created", "user.created", "+2"]
    );
    assert_eq!(
        mounted.texts("tbody .col-ssl .badge"),
        ["Verified", "Not verified"]
    );
    assert_eq!(
        mounted.texts("tbody .col-description"),
        ["endpoint 1", "—No description"],
        "an empty description is a dash, and says so to screen readers"
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
            ("Updated↕".to_owned(), "none".to_owned())
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
        ordering: Some(Ordering::asc(EndpointSortField::UpdatedAt)),
        offset: 40,
        ..ListQuery::default()
    };
    let mounted = table(query);
    settle().await;
    let updated = mounted.one("th.col-updated");
    assert_eq!(
        updated.get_attribute("aria-sort").as_deref(),
        Some("ascending")
    );
    assert_eq!(
        mounted
            .one("th.col-updated a")
            .get_attribute("href")
            .as_deref(),
        Some("/endpoints?ordering=-updated_at")
    );
    assert_eq!(
        mounted
            .one("th.col-active a")
            .get_attribute("href")
            .as_deref(),
        Some("/endpoints?ordering=-is_active")
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
async fn the_active_switch_flips_back_with_an_error_toast_when_the_server_cannot_be_reached() {
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
    switch.click();
    settle().await;
    let input: &web_sys::HtmlInputElement = switch.unchecked_ref();
    assert!(
        !input.checked(),
        "flipped at once, before the server answers"
    );
    mounted
        .find(
            ".toast-error .toast-text",
            Some("Could not deactivate the endpoint"),
        )
        .await;
    settle().await;
    assert!(input.checked(), "flipped back after the failure");
    assert_eq!(mounted.text(".switch-label"), "On");
}

#[wasm_bindgen_test]
async fn a_failed_load_shows_the_error_and_retries_on_demand() {
    use app::components::remote::{Remote, loaded};
    let mounted = mount(Some(admin_session("http://127.0.0.1:9")), || {
        let catalog = Remote::new(|client| async move { app::api::catalog(&client).await });
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
