//! Issue 6's components with fixture data: the JSON viewer, the decoded response body, the signature
//! check, the outcome of attempts, the countdown and the password dialog.

#![cfg(target_arch = "wasm32")]

mod support;

use app::{
    api::ApiError,
    clock::Clock,
    components::{
        datetime::Countdown,
        json_viewer::JsonViewer,
        password_dialog::{PasswordDialog, PasswordLockout, PasswordProblem},
    },
    pages::{
        attempts::{AttemptDetail, AttemptTable, ResponseBodyView, SignatureCheck},
        signature_tool::SignatureTool,
    },
    query::ListQuery,
    set::SortedSet,
};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use webhook_api::{Attempt, AttemptEvent, DeliveryError, signature::test_vectors::VECTORS};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_json_viewer_shows_nested_json_in_order_with_collapsible_containers() {
    let text = r#"{"type":"vote.created","created":1616682106.481539,"data":{"user":{"id":8,"tags":["a","b"]},"ok":true,"none":null}}"#;
    let mounted = mount(
        None,
        move || view! { <JsonViewer text copy_label="Copy" /> },
    );
    settle().await;
    assert_eq!(
        mounted.texts(".json-root > details > .json-children > .json-line > .json-key, .json-root > details > .json-children > details > summary > .json-key"),
        ["\"type\"", "\"created\"", "\"data\""]
    );
    assert_eq!(
        mounted.texts(".json-number")[0],
        "1616682106.481539",
        "numbers keep their digits"
    );
    assert_eq!(mounted.texts(".json-literal"), ["true", "null"]);
    assert_eq!(
        mounted.texts(".json-string"),
        ["\"vote.created\"", "\"a\"", "\"b\""]
    );
    assert_eq!(mounted.all("details.json-node").len(), 4);
    let tags: web_sys::HtmlDetailsElement =
        mounted.all("details.json-node")[3].clone().unchecked_into();
    assert!(!tags.open(), "the fourth level starts collapsed");
    assert!(
        mounted
            .text("details.json-node:not([open]) .json-collapsed")
            .contains("2 items")
    );
}

#[wasm_bindgen_test]
async fn html_in_a_json_string_stays_text() {
    let text = r#"{"html":"<script>window.__pwned = true</script><img src=x onerror=alert(1)><b>bold</b>"}"#;
    let mounted = mount(
        None,
        move || view! { <JsonViewer text copy_label="Copy" /> },
    );
    settle().await;
    assert!(
        mounted
            .all(".json-viewer script, .json-viewer img, .json-viewer b")
            .is_empty()
    );
    assert!(
        mounted
            .text(".json-string")
            .contains("<script>window.__pwned = true</script>")
    );
    let pwned = js_sys::Reflect::get(&window(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

#[wasm_bindgen_test]
async fn text_that_is_not_json_shows_as_received() {
    let mounted = mount(
        None,
        || view! { <JsonViewer text="<html>oops</html>" copy_label="Copy" /> },
    );
    settle().await;
    assert_eq!(mounted.text("pre.raw-body"), "<html>oops</html>");
    assert!(mounted.all(".json-root").is_empty());
}

fn response(stored: Option<&str>) -> Mounted {
    let stored = stored.map(str::to_owned);
    mount(None, move || view! { <ResponseBodyView stored /> })
}

#[wasm_bindgen_test]
async fn a_json_response_body_is_decoded_and_pretty_printed() {
    let mounted = response(Some(r#"b'{"success":true,"note":"it\'s fine"}'"#));
    settle().await;
    assert_eq!(mounted.texts(".json-string"), ["\"it's fine\""]);
    assert_eq!(mounted.texts(".json-literal"), ["true"]);
}

#[wasm_bindgen_test]
async fn escapes_in_a_text_response_body_are_decoded() {
    let mounted = response(Some(r"b'line one\nline two \xc3\xa9\t!'"));
    settle().await;
    assert_eq!(mounted.text("pre.raw-body"), "line one\nline two é\t!");
}

#[wasm_bindgen_test]
async fn a_response_body_that_is_not_utf8_says_so() {
    let mounted = response(Some(r"b'\xff\xfeok'"));
    settle().await;
    assert!(mounted.text(".hint").contains("4 bytes, not valid UTF-8"));
    assert_eq!(mounted.text("pre.raw-body"), "\u{fffd}\u{fffd}ok");
}

#[wasm_bindgen_test]
async fn empty_and_missing_response_bodies_differ() {
    let empty = response(Some("b''"));
    let missing = response(None);
    settle().await;
    assert_eq!(empty.text("p"), "Empty body.");
    assert!(missing.text("p").contains("No HTTP response came"));
}

fn check(header: &str, body: &str, secret: Option<&str>) -> Mounted {
    let (header, body) = (header.to_owned(), body.to_owned());
    let secret = Signal::stored(secret.map(str::to_owned));
    mount(
        None,
        move || view! { <SignatureCheck header body secret /> },
    )
}

#[wasm_bindgen_test]
async fn the_shared_test_vectors_verify_with_their_secret() {
    for v in VECTORS {
        let mounted = check(v.header, v.body, Some(v.secret));
        settle().await;
        assert!(
            mounted.text(".verdict.ok").starts_with("✓ Matches"),
            "{}",
            v.header
        );
        assert_eq!(
            mounted.text(".signature-facts dd .mono"),
            v.timestamp.to_string()
        );
        assert_eq!(
            mounted.text(".signature-hex"),
            v.header.split("v0=").nth(1).unwrap()
        );
    }
}

#[wasm_bindgen_test]
async fn a_wrong_secret_or_a_changed_body_does_not_verify() {
    let v = &VECTORS[0];
    let wrong_secret = check(v.header, v.body, Some("not the secret"));
    let changed_body = check(v.header, "{}", Some(v.secret));
    settle().await;
    assert!(
        wrong_secret
            .text(".verdict.bad")
            .starts_with("✕ Does not match")
    );
    assert!(
        changed_body
            .text(".verdict.bad")
            .starts_with("✕ Does not match")
    );
}

#[wasm_bindgen_test]
async fn without_the_secret_the_header_is_only_parsed() {
    let v = &VECTORS[1];
    let mounted = check(v.header, v.body, None);
    settle().await;
    assert!(mounted.all(".verdict").is_empty());
    assert!(mounted.text(".hint").contains("Reveal the signing secret"));
}

#[wasm_bindgen_test]
async fn the_signature_tool_announces_its_verdict_and_the_clock_does_not_rebuild_it() {
    let v = &VECTORS[0];
    let (now, set_now) = signal(v.timestamp as f64 * 1000.0 + 5_000.0);
    let mounted = mount(None, move || {
        provide_context(Clock(now));
        view! { <SignatureTool /> }
    });
    settle().await;
    let status = mounted.one(".tool-result [role=status]");
    assert_eq!(status.text_content().unwrap_or_default(), "");
    type_into(&mounted.one("#tool-body"), v.body);
    type_into(&mounted.one("#tool-header"), v.header);
    type_into(&mounted.one("#tool-secret"), v.secret);
    settle().await;
    assert_eq!(
        status.text_content().unwrap_or_default(),
        "The signature matches."
    );
    let verdict = mounted.one(".tool-result .verdict.ok");
    assert!(mounted.text(".tool-result .facts dd").contains("5 s old"));

    set_now.set(v.timestamp as f64 * 1000.0 + 6_000.0);
    settle().await;
    assert!(mounted.text(".tool-result .facts dd").contains("6 s old"));
    assert!(verdict.is_connected(), "a clock tick rebuilt the verdict");
    assert!(
        mounted.all(".tool-result [aria-live]").is_empty(),
        "only the status line is live"
    );

    type_into(&mounted.one("#tool-secret"), "whsec_wrong");
    settle().await;
    assert_eq!(
        status.text_content().unwrap_or_default(),
        "The signature does not match."
    );
}

#[wasm_bindgen_test]
async fn a_malformed_header_says_what_is_wrong() {
    let mounted = check("t=12", "{}", Some("k"));
    settle().await;
    assert_eq!(
        mounted.text(".field-error"),
        "Cannot read this header: the header has no v0= signature."
    );
}

fn attempt(
    id: u64,
    code: Option<u16>,
    next_retry: Option<&str>,
    error: Option<DeliveryError>,
) -> Attempt {
    Attempt {
        id,
        created_at: "2024-05-01T10:00:00+00:00".into(),
        event: AttemptEvent {
            id: Some(100 + id),
            event_type: "user.created".into(),
            added_at: "2024-05-01T10:00:00+00:00".into(),
        },
        sent_at: Some("2024-05-01T10:00:00+00:00".into()),
        http_request_body: "{}".into(),
        http_request_signature_header: "t=1,v0=00".into(),
        http_response_code: code,
        http_response_body: None,
        next_retry: next_retry.map(Into::into),
        error,
        duration_ms: Some(1_250),
    }
}

#[wasm_bindgen_test]
async fn each_attempt_shows_its_outcome_in_words_and_colour() {
    let attempts = vec![
        attempt(1, Some(200), None, None),
        attempt(2, Some(503), Some("2999-01-01T00:00:00+00:00"), None),
        attempt(3, None, None, Some(DeliveryError::ConnectionRefused)),
    ];
    let mounted = mount(None, move || {
        let selected = RwSignal::new(SortedSet::new());
        let open = RwSignal::new(None);
        view! { <AttemptTable attempts query=ListQuery::default() base="/endpoints/1" selected open /> }
    });
    settle().await;
    assert_eq!(
        mounted.texts("tbody .outcome"),
        ["✓ Delivered", "↻ Retry scheduled", "✕ Failed"]
    );
    let classes: Vec<String> = mounted
        .all("tbody .outcome")
        .iter()
        .map(|e| e.class_name())
        .collect();
    assert_eq!(
        classes,
        [
            "outcome outcome-delivered",
            "outcome outcome-retry-scheduled",
            "outcome outcome-failed"
        ]
    );
    assert_eq!(
        mounted.texts("tbody .col-response"),
        ["200 OK", "503 Service Unavailable", "Connection refused"]
    );
    assert_eq!(
        mounted.texts("tbody .col-duration"),
        ["1.25 s", "1.25 s", "1.25 s"]
    );
    assert_eq!(
        mounted.texts("tbody .event-open"),
        [
            "user.created · 101",
            "user.created · 102",
            "user.created · 103"
        ]
    );
}

#[wasm_bindgen_test]
async fn without_durations_from_the_server_the_table_has_no_duration_column() {
    // The platform's reference sends neither `duration_ms` nor `error`: a timeout reads "No response".
    let mut timed_out = attempt(1, None, Some("2999-01-01T00:00:00+00:00"), None);
    timed_out.duration_ms = None;
    let mut delivered = attempt(2, Some(200), None, None);
    delivered.duration_ms = None;
    let mounted = mount(None, move || {
        let selected = RwSignal::new(SortedSet::new());
        let open = RwSignal::new(None);
        let attempts = vec![timed_out, delivered];
        view! { <AttemptTable attempts query=ListQuery::default() base="/endpoints/1" selected open /> }
    });
    settle().await;
    assert!(mounted.all(".col-duration").is_empty());
    assert_eq!(mounted.all("thead th").len(), 7);
    assert_eq!(mounted.all("tbody tr:first-child td").len(), 7);
    assert_eq!(
        mounted.texts("tbody .col-response"),
        ["No response", "200 OK"]
    );
}

/// The detail panel of `attempt`, and the events its resend button asked for.
fn detail(attempt: Attempt) -> (Mounted, RwSignal<Vec<Option<u64>>>) {
    let resent = RwSignal::new(Vec::new());
    // The attempt alone, as the first page of the list has it.
    let tried = app::deliveries::tries_of(&[std::sync::Arc::new(attempt)], true).remove(0);
    let mounted = mount(None, move || {
        view! {
            <AttemptDetail
                tried
                take_focus=false
                on_close=|()| {}
                on_resend=move |a: Attempt| resent.update(|r| r.push(app::deliveries::event_id(&a)))
                on_open_in_tool=|_: Attempt| {}
            />
        }
    });
    (mounted, resent)
}

fn resend_button(mounted: &Mounted) -> web_sys::HtmlButtonElement {
    mounted
        .all(".form-actions button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default() == "Resend this event")
        .expect("a resend button")
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn without_an_event_id_on_the_attempt_resend_takes_the_payloads() {
    // The reference's attempt `event` has no id (the contract adds it); the platform's payload has one.
    let mut platform = attempt(1, Some(500), None, None);
    platform.event.id = None;
    platform.http_request_body =
        r#"{"event_id": 1042, "type": "user.created", "created": 1716822000.123456, "data": {}}"#
            .into();
    let (mounted, resent) = detail(platform);
    settle().await;
    assert!(mounted.text(".attempt-detail h3").ends_with("· event 1042"));
    let button = resend_button(&mounted);
    assert!(!button.disabled());
    button.click();
    settle().await;
    assert_eq!(resent.get_untracked(), [Some(1042)]);
}

#[wasm_bindgen_test]
async fn an_attempt_that_names_no_event_explains_why_it_cannot_be_resent() {
    let mut unknown = attempt(1, Some(500), None, None);
    unknown.event.id = None;
    unknown.http_request_body = r#"{"type": "user.created", "data": {}}"#.into();
    let (mounted, _) = detail(unknown);
    settle().await;
    let button = resend_button(&mounted);
    assert!(button.disabled());
    let reason = mounted.one("#no-event-id");
    assert_eq!(
        button.get_attribute("aria-describedby").as_deref(),
        Some("no-event-id")
    );
    assert!(
        reason
            .text_content()
            .unwrap_or_default()
            .contains("event's id")
    );
}

#[wasm_bindgen_test]
async fn the_next_retry_counts_down_with_the_clock() {
    let start = 1_700_000_000_000.0;
    let (now, set_now) = signal(start);
    let mounted = mount(None, move || {
        provide_context(Clock(now));
        // 65 s after `start`.
        view! { <Countdown iso="2023-11-14T22:14:25+00:00" /> }
    });
    settle().await;
    assert_eq!(mounted.text("time.countdown"), "in 1 min 05 s");
    set_now.set(start + 61_000.0);
    settle().await;
    assert_eq!(mounted.text("time.countdown"), "in 4 s");
    set_now.set(start + 70_000.0);
    settle().await;
    assert_eq!(mounted.text("time.countdown"), "due now");
}

/// A password dialog whose pending state and refusal the test drives, and the passwords it submitted.
struct DialogUnderTest {
    mounted: Mounted,
    pending: RwSignal<bool>,
    problem: RwSignal<Option<PasswordProblem>>,
    submitted: RwSignal<Vec<String>>,
}

fn password_dialog() -> DialogUnderTest {
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None);
    let submitted = RwSignal::new(Vec::new());
    let mounted = mount(None, move || {
        view! {
            <PasswordDialog
                title="Reveal the signing secret"
                confirm_label="Reveal"
                pending
                problem
                on_submit=Callback::new(move |p: String| submitted.update(|s| s.push(p)))
                on_close=Callback::new(|()| {})
            >
                <p>"Why"</p>
            </PasswordDialog>
        }
    });
    DialogUnderTest {
        mounted,
        pending,
        problem,
        submitted,
    }
}

fn submit_button(mounted: &Mounted) -> web_sys::HtmlButtonElement {
    mounted.one("dialog button[type=submit]").unchecked_into()
}

#[wasm_bindgen_test]
async fn the_reveal_dialog_needs_a_password_and_waits_while_checking() {
    let DialogUnderTest {
        mounted,
        pending,
        submitted,
        ..
    } = password_dialog();
    mounted.find("dialog[open]", None).await;
    settle().await;
    assert!(submit_button(&mounted).disabled(), "nothing typed yet");
    type_into(&mounted.one("dialog input[type=password]"), "admin");
    settle().await;
    assert!(!submit_button(&mounted).disabled());
    submit_button(&mounted).click();
    settle().await;
    assert_eq!(submitted.get_untracked(), ["admin"]);
    pending.set(true);
    settle().await;
    // Busy, not disabled: keyboard focus stays on it.
    assert_eq!(
        submit_button(&mounted)
            .get_attribute("aria-disabled")
            .as_deref(),
        Some("true")
    );
    submit_button(&mounted).click();
    settle().await;
    assert_eq!(submitted.get_untracked(), ["admin"], "not sent twice");
    assert_eq!(submit_button(&mounted).text_content().unwrap(), "Checking…");
}

#[wasm_bindgen_test]
async fn a_wrong_password_shows_the_servers_message_in_the_dialog() {
    let DialogUnderTest {
        mounted, problem, ..
    } = password_dialog();
    mounted.find("dialog[open]", None).await;
    problem.set(Some(PasswordProblem::Wrong("Invalid password.".into())));
    settle().await;
    assert_eq!(
        mounted.text("dialog [role=alert] .field-error"),
        "Invalid password."
    );
    assert_eq!(
        mounted
            .one("dialog input[type=password]")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn a_throttled_dialog_says_when_to_try_again_and_waits_until_then() {
    let DialogUnderTest {
        mounted, problem, ..
    } = password_dialog();
    mounted.find("dialog[open]", None).await;
    type_into(&mounted.one("dialog input[type=password]"), "admin");
    problem.set(Some(PasswordProblem::Throttled {
        message: "Too many attempts. Try again in 14 min 5 s.".into(),
        until: Some(js_sys::Date::now() + 845_000.0),
    }));
    settle().await;
    let text = mounted.text("dialog .throttled");
    assert!(
        text.starts_with("Too many attempts. Try again in 14 min 5 s. (at "),
        "{text}"
    );
    assert!(submit_button(&mounted).disabled());
}

#[wasm_bindgen_test]
async fn a_lockout_met_in_another_dialog_holds_in_this_one() {
    let mounted = mount(None, move || {
        PasswordLockout::provide();
        // Another dialog (reveal, say) got the server's 429 before this one opened.
        let _ = PasswordLockout::use_lockout().problem(&ApiError::Http {
            status: 429,
            body: None,
            retry_after: Some(90),
        });
        view! {
            <PasswordDialog
                title="Resend the event"
                confirm_label="Resend"
                pending=Signal::stored(false)
                problem=Signal::stored(None)
                on_submit=Callback::new(|_: String| {})
                on_close=Callback::new(|()| {})
            >
                <p>"Why"</p>
            </PasswordDialog>
        }
    });
    mounted.find("dialog[open]", None).await;
    type_into(&mounted.one("dialog input[type=password]"), "admin");
    settle().await;
    assert!(
        mounted
            .text("dialog .throttled")
            .starts_with("Too many attempts. Try again in 1 min 30 s.")
    );
    assert!(submit_button(&mounted).disabled(), "locked out until then");
}
