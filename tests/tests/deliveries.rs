//! Issue 6 end to end: the endpoint detail, the signing secret, attempts with auto-refresh, retries,
//! resend, the event catalog and the signature tool.

use std::time::Duration;

use e2e::{Ctx, browser_test, browser_test_with};
use mock_server::config::RetrySchedule;
use webhook_api::SinkBehavior;

/// An empty store with one endpoint on the sink `sink`, subscribed to `user.created`; signs in and
/// opens the endpoint's page.
async fn endpoint_page(ctx: &Ctx, sink: &str) -> webhook_api::Endpoint {
    let api = ctx.api();
    api.reset(false).await;
    let endpoint = api
        .create_endpoint(&api.sink_url(sink), &["user.created", "user.updated"])
        .await;
    ctx.goto(&format!("/endpoints/{}", endpoint.id)).await;
    // The app sends the visitor to sign in, remembering this page.
    ctx.wait_for_path(&format!("/sign-in?next=%2Fendpoints%2F{}", endpoint.id))
        .await;
    ctx.sign_in("admin", "admin").await;
    ctx.find_text("main h1", &endpoint.target).await;
    endpoint
}

/// The attempts' auto-refresh switch.
const AUTO_REFRESH: &str = ".attempts .toolbar-actions input[role=switch]";

/// Reveals the secret through the dialog with `password`.
async fn reveal(ctx: &Ctx, password: &str) {
    ctx.click_text(".secret-panel button", "Reveal").await;
    ctx.type_into("dialog[open] input[type=password]", password)
        .await;
    ctx.click("dialog[open] button[type=submit]").await;
}

/// The revealed secret, unmasked on screen.
async fn shown_secret(ctx: &Ctx) -> String {
    ctx.click_text(".secret-row button", "Show").await;
    ctx.find_text(".secret-row button", "Hide").await;
    ctx.find(".secret-row .secret-value")
        .await
        .text()
        .await
        .unwrap()
}

/// Waits until the attempts show a row for `event_id` that says `text` (auto-refresh must be on).
async fn attempt_row(ctx: &Ctx, event_id: u64, text: &str) -> fantoccini::elements::Element {
    let event = format!("· {event_id}");
    ctx.find_texts(".attempts-table tbody tr", &[&event, text])
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_page_shows_its_fields_subscriptions_and_actions() {
    browser_test("endpoint-detail", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "detail").await;
        ctx.find_text(".facts dd", &endpoint.id.to_string()).await;
        ctx.find_text(".subscriptions li", "user.updated").await;
        ctx.find_text(".subscriptions li", "added").await;
        ctx.click_text(".page-header button", "Deactivate").await;
        ctx.find_text(".toast-text", "Endpoint deactivated").await;
        ctx.find_text(".badges .badge", "Inactive").await;
        assert!(!ctx.api().endpoint(endpoint.id).await.is_active);
        ctx.screenshot("detail").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn revealing_takes_the_password_shows_the_secret_masked_copies_it_and_hides_it_again() {
    browser_test("reveal-secret", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "reveal").await;
        reveal(&ctx, "not-my-password").await;
        ctx.find_text("dialog[open] .field-error", "Invalid password.").await;
        ctx.screenshot("wrong-password").await;
        ctx.type_into("dialog[open] input[type=password]", "admin").await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.wait_for_absence("dialog", None).await;

        let masked = ctx.find(".secret-row .secret-value").await.text().await.unwrap();
        assert!(masked.chars().all(|c| c == '•'), "{masked}");
        ctx.screenshot("revealed").await;
        let secret = shown_secret(&ctx).await;
        let from_api = ctx
            .api()
            .post(
                &format!("/api/v2/webhook/endpoint/{}/secret/reveal/", endpoint.id),
                serde_json::json!({ "password": "admin" }),
            )
            .await;
        assert_eq!(from_api["signing_secret"].as_str(), Some(secret.as_str()));
        let url = ctx.eval("return location.href + JSON.stringify(sessionStorage) + JSON.stringify(localStorage)").await;
        assert!(!url.as_str().unwrap().contains(&secret), "the secret is in no URL and no storage");

        ctx.allow_clipboard().await;
        ctx.click("button[aria-label='Copy the signing secret']").await;
        ctx.find_text(".secret-row .copy-button", "Copied").await;
        assert_eq!(ctx.clipboard().await, secret);

        // Hidden again by itself after 60 s.
        ctx.wait_for_absence_within(".secret-row", None, Duration::from_secs(70)).await;
        ctx.find(".secret-hidden").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn leaving_the_page_hides_the_secret() {
    browser_test("reveal-leave", |ctx| async move {
        endpoint_page(&ctx, "leave").await;
        let path = ctx.path().await;
        reveal(&ctx, "admin").await;
        ctx.find(".secret-row").await;
        ctx.click_text("header nav a", "Events").await;
        ctx.wait_for_path("/events").await;
        ctx.client.back().await.unwrap();
        ctx.wait_for_path(&path).await;
        ctx.find(".secret-hidden").await;
        ctx.wait_for_absence(".secret-row", None).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_an_expire_the_next_delivery_is_signed_with_the_new_secret() {
    browser_test("expire-secret", |ctx| async move {
        let api = ctx.api();
        let endpoint = endpoint_page(&ctx, "expire").await;
        let old = api
            .post(
                &format!("/api/v2/webhook/endpoint/{}/secret/reveal/", endpoint.id),
                serde_json::json!({ "password": "admin" }),
            )
            .await["signing_secret"]
            .clone();

        ctx.click_text(".secret-panel button", "Expire").await;
        ctx.find_text("dialog[open] .modal-body", "receivers").await;
        ctx.type_into("dialog[open] input[type=password]", "admin")
            .await;
        let submit = ctx.find("dialog[open] button[type=submit]").await;
        assert_eq!(
            submit.attr("disabled").await.unwrap().as_deref(),
            Some("true"),
            "needs the confirmation"
        );
        ctx.click("dialog[open] .confirm-check input").await;
        ctx.screenshot("expire-dialog").await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.find_text("dialog[open] h2", "Secret replaced").await;
        ctx.click_text("dialog[open] button", "Reveal the new secret")
            .await;
        ctx.wait_for_absence("dialog", None).await;
        let new = shown_secret(&ctx).await;
        assert_ne!(Some(new.as_str()), old.as_str());

        let event = api.trigger("user.created").await;
        assert!(event.endpoints.contains(&endpoint.id));
        ctx.click(AUTO_REFRESH).await;
        let row = attempt_row(&ctx, event.event_id, "Delivered").await;
        row.find(fantoccini::Locator::Css(".event-open"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        ctx.find_text(".attempt-detail .verdict.ok", "Matches")
            .await;
        let received = api.sink_requests("expire").await;
        assert!(
            received[0].signature_valid,
            "the sink checks it against the new secret"
        );
        ctx.screenshot("verified").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn triggered_events_appear_with_auto_refresh_and_open_in_the_panel() {
    browser_test("auto-refresh", |ctx| async move {
        endpoint_page(&ctx, "watch").await;
        ctx.find_text(".attempts .empty-state", "No attempts yet")
            .await;
        ctx.click(AUTO_REFRESH).await;
        let event = ctx.api().trigger("user.updated").await;
        let row = attempt_row(&ctx, event.event_id, "200 OK").await;
        row.find(fantoccini::Locator::Css(".event-open"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        ctx.find_text(".attempt-detail .json-key", "\"event_id\"")
            .await;
        ctx.find_text(".attempt-detail .signature-facts dt", "Timestamp")
            .await;
        ctx.find_text(".attempt-detail .json-literal", "true").await;
        ctx.screenshot("attempt-panel").await;
        ctx.phone_width().await;
        ctx.screenshot("attempt-panel-phone").await;
        ctx.dark_theme(true).await;
        ctx.screenshot("attempt-panel-phone-dark").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_receiver_gets_retries_scheduled() {
    browser_test_with(
        "retries",
        |config| config.retry_schedule = RetrySchedule(vec![Duration::from_secs(300)]),
        |ctx| async move {
            let (_, event) = a_failed_try_with_a_retry_scheduled(&ctx, "failing").await;
            let row = attempt_row(&ctx, event.event_id, "Retry scheduled").await;
            let text = row.text().await.unwrap();
            assert!(text.contains("503 Service Unavailable"), "{text}");
            assert!(
                text.contains("in 4 min"),
                "a countdown to the retry: {text}"
            );
            ctx.screenshot("retry-scheduled").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivating_on_the_endpoint_page_shows_its_retries_cancelled() {
    browser_test_with(
        "deactivate-cancels-retries",
        |config| config.retry_schedule = RetrySchedule(vec![Duration::from_secs(300)]),
        |ctx| async move {
            let (_, event) = a_failed_try_with_a_retry_scheduled(&ctx, "cancelled").await;
            // Auto-refresh off again: from here only the page's own reload can change the row.
            ctx.click(AUTO_REFRESH).await;

            ctx.click_text(".page-header .form-actions button", "Deactivate")
                .await;
            ctx.find_text(".page-header .badges", "Inactive").await;
            let row = attempt_row(&ctx, event.event_id, "Failed").await;
            let text = row.text().await.unwrap();
            assert!(!text.contains("Retry scheduled"), "{text}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expiring_the_secret_shows_the_endpoints_new_updated_time() {
    browser_test("expire-updated", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "expire-updated").await;
        let shown = |at: String| format!(".facts dd.updated-at time[datetime='{at}']");
        ctx.find(&shown(endpoint.updated_at.clone())).await;

        ctx.click_text(".secret-panel button", "Expire").await;
        ctx.type_into("dialog[open] input[type=password]", "admin")
            .await;
        ctx.click("dialog[open] .confirm-check input").await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.find_text("dialog[open] h2", "Secret replaced").await;
        let now = ctx
            .api()
            .get(&format!("/api/v2/webhook/endpoint/{}/", endpoint.id))
            .await;
        let updated_at = now["updated_at"].as_str().unwrap().to_owned();
        assert_ne!(updated_at, endpoint.updated_at);
        ctx.find(&shown(updated_at)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resend_one_event_then_several_through_the_bulk_route() {
    browser_test("resend", |ctx| async move {
        let api = ctx.api();
        let endpoint = endpoint_page(&ctx, "resend").await;
        let first = api.trigger("user.created").await;
        let second = api.trigger("user.updated").await;
        ctx.click(AUTO_REFRESH).await;
        attempt_row(&ctx, first.event_id, "Delivered").await;
        attempt_row(&ctx, second.event_id, "Delivered").await;
        let sent_before = api.sink_requests("resend").await.len();

        ctx.click_text(".event-open", &format!("· {}", first.event_id))
            .await;
        ctx.click_text(".attempt-detail button", "Resend this event")
            .await;
        ctx.find_text("dialog[open] h2", "Resend this event?").await;
        ctx.type_into("dialog[open] input[type=password]", "admin")
            .await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.find_text(".toast-text", &format!("Resent event {}", first.event_id))
            .await;

        ctx.click("thead input[type=checkbox]").await;
        ctx.find_text(".toolbar-actions button", "Resend 2 events")
            .await;
        ctx.click_text(".toolbar-actions button", "Resend 2 events")
            .await;
        ctx.type_into("dialog[open] input[type=password]", "admin")
            .await;
        ctx.screenshot("bulk-resend").await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.find_text(".toast-text", "Resent 2 events").await;
        ctx.find_text(".pagination-summary", "of 5 attempts").await;
        let sent_after = api.sink_requests("resend").await.len();
        assert_eq!(sent_after, sent_before + 3);
        let count = api
            .get(&format!(
                "/api/v2/webhook/endpoint/{}/attempt/",
                endpoint.id
            ))
            .await["count"]
            .as_u64();
        assert_eq!(count, Some(5));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_catalog_groups_every_type_with_its_subscribers_and_an_example() {
    browser_test("event-catalog", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "catalog").await;
        ctx.click_text("header nav a", "Events").await;
        ctx.wait_for_path("/events").await;
        ctx.find_text("#event-user\\.created .subscriber-list a", &endpoint.target)
            .await;
        let cards = ctx
            .client
            .find_all(fantoccini::Locator::Css(".event-card"))
            .await
            .unwrap();
        assert_eq!(cards.len(), 38);
        ctx.find_text("#event-post\\.created .subscribers", "no endpoint")
            .await;
        ctx.find_text(".event-group h2", "loyalty.prize_request")
            .await;
        ctx.click("#event-comment\\.created details summary").await;
        ctx.find_text("#event-comment\\.created .json-key", "\"event_id\"")
            .await;
        ctx.screenshot("catalog").await;
        ctx.type_into("#event-filter", "prize").await;
        ctx.wait_for_absence(".event-card", Some("comment.created"))
            .await;
        ctx.find_text(".event-card", "loyalty.prize.created").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_signature_tool_checks_a_real_delivery() {
    browser_test("signature-tool", |ctx| async move {
        endpoint_page(&ctx, "tool").await;
        reveal(&ctx, "admin").await;
        let secret = shown_secret(&ctx).await;
        let event = ctx.api().trigger("user.created").await;
        ctx.click(AUTO_REFRESH).await;
        attempt_row(&ctx, event.event_id, "Delivered").await;
        ctx.click_text(".event-open", &format!("· {}", event.event_id))
            .await;
        ctx.click_text(".attempt-detail button", "Open in the signature tool")
            .await;
        ctx.wait_for_path("/tools/signature").await;
        ctx.find_text(
            ".tool-result .signed-string",
            &format!("{{\"event_id\": {}", event.event_id),
        )
        .await;
        ctx.type_into("#tool-secret", &secret).await;
        ctx.find_text(".verdict.ok", "The signature matches.").await;
        let expected = ctx
            .find(".signature-hex.expected")
            .await
            .text()
            .await
            .unwrap();
        let received = ctx
            .find(".signature-hex.received")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(expected, received);
        ctx.screenshot("match").await;
        ctx.type_into("#tool-secret", "another secret").await;
        ctx.find_text(".verdict.bad", "does not match").await;
        ctx.click_text("[role=tab]", "Rust").await;
        ctx.find_text("#snippet-panel code", "verify_slice").await;
        ctx.screenshot("snippets").await;
    })
    .await;
}

/// Counts the answers to reveal requests in `window.__answers`, announcing each with an `answered`
/// event on the document.
const COUNT_REVEAL_ANSWERS_JS: &str = r#"
window.__answers = 0;
const original = window.fetch;
window.fetch = async (input, init) => {
  const response = await original(input, init);
  const url = input instanceof Request ? input.url : String(input);
  if (url.includes("/secret/reveal/")) {
    window.__answers += 1;
    document.dispatchEvent(new Event("answered"));
  }
  return response;
};
"#;

/// Calls back once `window.__answers` reaches the given count.
const WAIT_FOR_ANSWERS_JS: &str = r#"
const [count, done] = arguments;
if (window.__answers >= count) { done(); return; }
document.addEventListener("answered", function answered() {
  if (window.__answers >= count) { document.removeEventListener("answered", answered); done(); }
});
"#;

/// Submits the open password dialog and waits until the app has shown the server's `count`th answer
/// (the same message each time, so the answers are counted; the button is busy until one is shown).
async fn submit_and_await_answer(ctx: &Ctx, count: u64) {
    ctx.click("dialog[open] button[type=submit]").await;
    ctx.client
        .execute_async(WAIT_FOR_ANSWERS_JS, vec![count.into()])
        .await
        .expect("waiting for the answer");
    ctx.find("dialog[open] button[type=submit][aria-disabled=false]")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_five_wrong_passwords_the_dialog_says_when_to_try_again() {
    browser_test("reveal-throttled", |ctx| async move {
        endpoint_page(&ctx, "throttle").await;
        ctx.eval(COUNT_REVEAL_ANSWERS_JS).await;
        ctx.click_text(".secret-panel button", "Reveal").await;
        for attempt in 1..=5 {
            ctx.type_into(
                "dialog[open] input[type=password]",
                &format!("wrong-{attempt}"),
            )
            .await;
            submit_and_await_answer(&ctx, attempt).await;
            ctx.find_text("dialog[open] .field-error", "Invalid password.")
                .await;
        }
        ctx.type_into("dialog[open] input[type=password]", "wrong-6")
            .await;
        submit_and_await_answer(&ctx, 6).await;
        let throttled = ctx
            .find("dialog[open] .throttled")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            throttled.starts_with("Too many attempts. Try again in 1")
                && throttled.contains(" min"),
            "how long to wait, from the server's Retry-After: {throttled}"
        );
        assert!(throttled.contains("(at "), "and at what time: {throttled}");
        ctx.screenshot("throttled").await;

        // Even the right password waits until then.
        ctx.type_into("dialog[open] input[type=password]", "admin")
            .await;
        let submit = ctx.find("dialog[open] button[type=submit]").await;
        assert_eq!(
            submit.attr("disabled").await.unwrap().as_deref(),
            Some("true")
        );
        ctx.find(".secret-hidden").await;
    })
    .await;
}

/// On the page of an endpoint whose sink answers 503, auto-refresh on: an event, and its failed first
/// try in the table with a retry scheduled (the test's retry schedule says when).
async fn a_failed_try_with_a_retry_scheduled(
    ctx: &Ctx,
    sink: &str,
) -> (webhook_api::Endpoint, webhook_api::MockEventCreated) {
    let endpoint = endpoint_page(ctx, sink).await;
    let fail = SinkBehavior {
        status: 503,
        ..SinkBehavior::default()
    };
    ctx.api().sink_behavior(sink, &fail).await;
    ctx.click(AUTO_REFRESH).await;
    let event = ctx.api().trigger("user.created").await;
    attempt_row(ctx, event.event_id, "Retry scheduled").await;
    (endpoint, event)
}

/// An endpoint whose receiver fails, with a retry five minutes out: its attempt is open in the panel,
/// auto-refresh on. Deactivating the endpoint later cancels the retry, which changes the attempt.
async fn open_failed_attempt(ctx: &Ctx) -> webhook_api::Endpoint {
    let (endpoint, event) = a_failed_try_with_a_retry_scheduled(ctx, "flaky").await;
    ctx.click_text(".event-open", &format!("· {}", event.event_id))
        .await;
    ctx.find_text(".attempt-detail h3", "Retry scheduled").await;
    endpoint
}

/// Deactivates the endpoint through the API and waits for auto-refresh to show the changed attempt.
async fn change_the_open_attempt(ctx: &Ctx, endpoint: &webhook_api::Endpoint) {
    ctx.api()
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v2/webhook/endpoint/{}/", endpoint.id),
            Some(serde_json::json!({ "is_active": false })),
        )
        .await;
    ctx.find_text(".attempt-detail h3", "Failed").await;
    ctx.next_frames().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_that_changes_the_open_attempt_leaves_focus_where_it_is() {
    browser_test_with(
        "refresh-keeps-focus",
        |config| config.retry_schedule = RetrySchedule(vec![Duration::from_secs(300)]),
        |ctx| async move {
            let endpoint = open_failed_attempt(&ctx).await;
            ctx.click_text(".attempts .toolbar-actions button", "Refresh")
                .await;
            assert!(
                ctx.focus_is(".attempts .toolbar-actions button.small:not(.primary)")
                    .await
            );
            change_the_open_attempt(&ctx, &endpoint).await;
            let focus = ctx.focus().await;
            assert!(
                ctx.focus_is(".attempts .toolbar-actions button.small:not(.primary)")
                    .await,
                "focus moved to {}",
                focus.described
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn focus_inside_a_changed_attempt_stays_on_the_same_control() {
    browser_test_with(
        "refresh-keeps-focus-inside",
        |config| config.retry_schedule = RetrySchedule(vec![Duration::from_secs(300)]),
        |ctx| async move {
            let endpoint = open_failed_attempt(&ctx).await;
            let resend = ".attempt-detail .form-actions button:first-child";
            ctx.eval(&format!("document.querySelector('{resend}').focus();"))
                .await;
            change_the_open_attempt(&ctx, &endpoint).await;
            assert!(
                ctx.focus_is(resend).await,
                "focus is on the panel's resend button, not on {}",
                ctx.focus().await.described
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_that_leaves_the_open_attempt_unchanged_keeps_its_panel() {
    browser_test("refresh-keeps-panel", |ctx| async move {
        endpoint_page(&ctx, "steady").await;
        ctx.click(AUTO_REFRESH).await;
        let first = ctx.api().trigger("user.created").await;
        attempt_row(&ctx, first.event_id, "Delivered").await;
        ctx.click_text(".event-open", &format!("· {}", first.event_id))
            .await;
        ctx.find(".attempt-detail").await;
        ctx.eval("document.querySelector('.attempt-detail').dataset.before = 'yes';")
            .await;
        let second = ctx.api().trigger("user.updated").await;
        attempt_row(&ctx, second.event_id, "Delivered").await;
        ctx.next_frames().await;
        ctx.find(".attempt-detail[data-before]").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_keeps_focus_on_the_same_control_of_the_attempts_table() {
    browser_test("refresh-keeps-row-focus", |ctx| async move {
        endpoint_page(&ctx, "rows").await;
        ctx.click(AUTO_REFRESH).await;
        let first = ctx.api().trigger("user.created").await;
        let row = attempt_row(&ctx, first.event_id, "Delivered").await;
        let key = row.attr("data-key").await.unwrap().expect("a row key");
        let open = format!("tr[data-key='{key}'] .event-open");
        ctx.eval(&format!(
            "const b = document.querySelector(\"{open}\"); b.focus(); b.dataset.before = 'yes';"
        ))
        .await;
        let second = ctx.api().trigger("user.updated").await;
        attempt_row(&ctx, second.event_id, "Delivered").await;
        ctx.next_frames().await;
        assert!(
            ctx.focus_is(&format!("{open}:not([data-before])")).await,
            "focus is on the same row's button in the new table, not on {}",
            ctx.focus().await.described
        );
    })
    .await;
}
