//! Issue 6 end to end: the endpoint detail, the signing secret, attempts with auto-refresh, retries,
//! resend, the event catalog and the signature tool.

use std::time::Duration;

use e2e::{Ctx, browser_test, browser_test_with, pages::Attempts};
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
    ctx.endpoint_detail().open(endpoint.id).await;
    // The app sends the visitor to sign in, remembering this page.
    ctx.wait_for_path(&format!("/sign-in?next=%2Fendpoints%2F{}", endpoint.id))
        .await;
    ctx.sign_in_page().sign_in("admin", "admin").await;
    ctx.endpoint_detail().shown(&endpoint.target).await;
    endpoint
}

/// As [`endpoint_page`], then the flat list of its attempts, one click away.
async fn attempts_page(ctx: &Ctx, sink: &str) -> webhook_api::Endpoint {
    let endpoint = endpoint_page(ctx, sink).await;
    ctx.deliveries().all_attempts().await;
    ctx.wait_for_path(&format!("/endpoints/{}/attempts", endpoint.id))
        .await;
    endpoint
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_page_shows_its_fields_subscriptions_and_actions() {
    browser_test("endpoint-detail", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "detail").await;
        let page = ctx.endpoint_detail();
        page.fact(&endpoint.id.to_string()).await;
        page.subscription("user.updated").await;
        page.subscription("added").await;
        page.action("Deactivate").await;
        ctx.shell().toast("Endpoint deactivated").await;
        page.badge("Inactive").await;
        assert!(!ctx.api().endpoint(endpoint.id).await.is_active);
        ctx.screenshot("detail").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_on_the_endpoint_page_moves_when_its_deliveries_load() {
    browser_test("endpoint-layout", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "layout").await;
        let (page, deliveries) = (ctx.endpoint_detail(), ctx.deliveries());
        let event = ctx.api().trigger("user.created").await;
        deliveries.event(event.event_id, &["Delivered"]).await;
        ctx.record_layout_shifts().await;
        // As it comes (the endpoint's answer first, as a rule), then with the deliveries drawn before
        // the endpoint's answer is let through; on a phone and on a desktop.
        for deliveries_first in [false, true] {
            if deliveries_first {
                page.hold_the_endpoint_until_its_deliveries_show(endpoint.id)
                    .await;
            }
            for phone in [true, false] {
                if phone {
                    ctx.phone_width().await;
                } else {
                    ctx.desktop_width().await;
                }
                page.open(endpoint.id).await;
                page.shown(&endpoint.target).await;
                deliveries.event(event.event_id, &["Delivered"]).await;
                let shifts = ctx.layout_shifts().await;
                assert!(
                    shifts.is_empty(),
                    "the page moved (phone: {phone}, deliveries first: {deliveries_first}): {shifts:#?}"
                );
            }
        }
        ctx.screenshot("desktop").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn revealing_takes_the_password_shows_the_secret_at_once_copies_it_and_hides_it_again() {
    browser_test("reveal-secret", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "reveal").await;
        let (panel, dialog) = (ctx.secret_panel(), ctx.dialog());
        panel.reveal("not-my-password").await;
        dialog.password_error("Invalid password.").await;
        ctx.screenshot("wrong-password").await;
        dialog.confirm_with("admin").await;
        dialog.closed().await;

        // The password was the step that counts: the secret shows without a second click.
        let secret = panel.shown_secret().await;
        ctx.screenshot("revealed").await;
        panel.hide().await;
        let masked = panel.value().await;
        assert!(masked.chars().all(|c| c == '•'), "{masked}");
        panel.show().await;
        assert_eq!(panel.value().await, secret);
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
        panel.copy().await;
        assert_eq!(ctx.clipboard().await, secret);

        // Hidden again by itself after 60 s.
        panel.gone_within(Duration::from_secs(70)).await;
        panel.hidden().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn leaving_the_page_hides_the_secret() {
    browser_test("reveal-leave", |ctx| async move {
        endpoint_page(&ctx, "leave").await;
        let panel = ctx.secret_panel();
        let path = ctx.path().await;
        panel.reveal("admin").await;
        panel.revealed().await;
        ctx.shell().go_to("Events").await;
        ctx.wait_for_path("/events").await;
        ctx.client.back().await.unwrap();
        ctx.wait_for_path(&path).await;
        panel.hidden().await;
        panel.gone().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_an_expire_the_next_delivery_is_signed_with_the_new_secret() {
    browser_test("expire-secret", |ctx| async move {
        let api = ctx.api();
        let endpoint = attempts_page(&ctx, "expire").await;
        let old = api
            .post(
                &format!("/api/v2/webhook/endpoint/{}/secret/reveal/", endpoint.id),
                serde_json::json!({ "password": "admin" }),
            )
            .await["signing_secret"]
            .clone();

        let (panel, dialog, attempts) = (ctx.secret_panel(), ctx.dialog(), ctx.attempts());
        panel.open_expire().await;
        dialog.says("receivers").await;
        dialog.type_password("admin").await;
        assert!(dialog.submit_disabled().await, "needs the confirmation");
        dialog.tick_confirmation().await;
        ctx.screenshot("expire-dialog").await;
        dialog.submit().await;
        dialog.titled("Secret replaced").await;
        dialog.press("Reveal the new secret").await;
        dialog.closed().await;
        let new = panel.shown_secret().await;
        assert_ne!(Some(new.as_str()), old.as_str());

        let event = api.trigger("user.created").await;
        assert!(event.endpoints.contains(&endpoint.id));
        attempts.set_live(true).await;
        let row = attempts.row(event.event_id, "Delivered").await;
        attempts.open_row(&row).await;
        attempts.verdict_ok("Matches").await;
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
        attempts_page(&ctx, "watch").await;
        let attempts = ctx.attempts();
        attempts.empty("No attempts yet").await;
        attempts.set_live(true).await;
        let event = ctx.api().trigger("user.updated").await;
        let row = attempts.row(event.event_id, "200 OK").await;
        attempts.open_row(&row).await;
        attempts.body_key("\"event_id\"").await;
        attempts.signature_fact("Timestamp").await;
        attempts.body_literal("true").await;
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
            let row = ctx.attempts().row(event.event_id, "Retry scheduled").await;
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
            endpoint_page(&ctx, "cancelled").await;
            let fail = SinkBehavior {
                status: 503,
                ..SinkBehavior::default()
            };
            ctx.api().sink_behavior("cancelled", &fail).await;
            let event = ctx.api().trigger("user.created").await;
            let (page, deliveries) = (ctx.endpoint_detail(), ctx.deliveries());
            deliveries.event(event.event_id, &["Retry scheduled"]).await;
            // Live updates off: from here only the page's own reload can change the row.
            deliveries.set_live(false).await;

            page.action("Deactivate").await;
            page.badge("Inactive").await;
            let row = deliveries.event(event.event_id, &["Failed"]).await;
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
        let (page, dialog) = (ctx.endpoint_detail(), ctx.dialog());
        page.updated_at(&endpoint.updated_at).await;

        ctx.secret_panel().open_expire().await;
        dialog.type_password("admin").await;
        dialog.tick_confirmation().await;
        dialog.submit().await;
        dialog.titled("Secret replaced").await;
        let now = ctx
            .api()
            .get(&format!("/api/v2/webhook/endpoint/{}/", endpoint.id))
            .await;
        let updated_at = now["updated_at"].as_str().unwrap().to_owned();
        assert_ne!(updated_at, endpoint.updated_at);
        page.updated_at(&updated_at).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resend_one_event_then_several_through_the_bulk_route() {
    browser_test("resend", |ctx| async move {
        let api = ctx.api();
        let endpoint = attempts_page(&ctx, "resend").await;
        let (attempts, dialog) = (ctx.attempts(), ctx.dialog());
        let first = api.trigger("user.created").await;
        let second = api.trigger("user.updated").await;
        attempts.set_live(true).await;
        attempts.row(first.event_id, "Delivered").await;
        attempts.row(second.event_id, "Delivered").await;
        let sent_before = api.sink_requests("resend").await.len();

        attempts.open(first.event_id).await;
        attempts.panel_action("Resend this event").await;
        dialog.titled("Resend this event?").await;
        dialog.confirm_with("admin").await;
        ctx.shell()
            .toast(&format!("Resent event {}", first.event_id))
            .await;

        attempts.select_all().await;
        attempts.resend_selected("Resend 2 events").await;
        dialog.type_password("admin").await;
        ctx.screenshot("bulk-resend").await;
        dialog.submit().await;
        ctx.shell().toast("Resent 2 events").await;
        attempts.summary("of 5 attempts").await;
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
        let catalog = ctx.event_catalog();
        ctx.shell().go_to("Events").await;
        ctx.wait_for_path("/events").await;
        catalog.subscriber("user.created", &endpoint.target).await;
        assert_eq!(catalog.card_count().await, 38);
        catalog.subscribers_say("post.created", "no endpoint").await;
        catalog.group("loyalty.prize_request").await;
        // The examples are drawn when opened, not with the page.
        assert_eq!(catalog.examples_drawn().await, 0);
        let elements = ctx.count("*").await;
        assert!(
            elements < 2_000,
            "{elements} elements before any example is opened"
        );
        catalog
            .open_example("comment.created", "\"event_id\"")
            .await;
        assert_eq!(catalog.examples_drawn().await, 1);
        ctx.screenshot("catalog").await;

        // The filter (type names and groups) is in the URL: a reload keeps it, back clears it.
        catalog.filter("prize").await;
        ctx.wait_for_path("/events?search=prize").await;
        catalog.no_card_saying("comment.created").await;
        catalog.card_saying("loyalty.prize.created").await;
        catalog.count_says("4 of 38 event types match").await;
        assert_eq!(catalog.card_count().await, 4);
        ctx.reload().await;
        catalog.count_says("4 of 38 event types match").await;
        assert_eq!(catalog.filter_text().await, "prize");
        catalog.no_card_saying("comment.created").await;
        catalog.filter("loyalty.prize_request").await;
        catalog.count_says("2 of 38 event types match").await;
        catalog.filter("zzz").await;
        catalog.count_says("No event type matches.").await;
        ctx.client.back().await.expect("back");
        ctx.wait_for_path("/events").await;
        catalog.count_says("38 event types").await;
        assert_eq!(catalog.filter_text().await, "");
        assert_eq!(catalog.card_count().await, 38);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_signature_tool_checks_a_real_delivery() {
    browser_test("signature-tool", |ctx| async move {
        attempts_page(&ctx, "tool").await;
        let (panel, attempts, tool) = (ctx.secret_panel(), ctx.attempts(), ctx.signature_tool());
        panel.reveal("admin").await;
        let secret = panel.shown_secret().await;
        let event = ctx.api().trigger("user.created").await;
        attempts.set_live(true).await;
        attempts.row(event.event_id, "Delivered").await;
        attempts.open(event.event_id).await;
        attempts.panel_action("Open in the signature tool").await;
        ctx.wait_for_path("/tools/signature").await;
        tool.signed_string(&format!("{{\"event_id\": {}", event.event_id))
            .await;
        tool.type_secret(&secret).await;
        tool.matches("The signature matches.").await;
        assert_eq!(tool.expected().await, tool.received().await);
        ctx.screenshot("match").await;
        tool.type_secret("another secret").await;
        tool.does_not_match("does not match").await;
        tool.snippet_tab("Rust").await;
        tool.snippet("verify_slice").await;
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
    ctx.dialog().submit().await;
    ctx.client
        .execute_async(WAIT_FOR_ANSWERS_JS, vec![count.into()])
        .await
        .expect("waiting for the answer");
    ctx.dialog().submit_ready().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_five_wrong_passwords_the_dialog_says_when_to_try_again() {
    browser_test("reveal-throttled", |ctx| async move {
        endpoint_page(&ctx, "throttle").await;
        let dialog = ctx.dialog();
        ctx.eval(COUNT_REVEAL_ANSWERS_JS).await;
        ctx.secret_panel().open_reveal().await;
        for attempt in 1..=5 {
            dialog.type_password(&format!("wrong-{attempt}")).await;
            submit_and_await_answer(&ctx, attempt).await;
            dialog.password_error("Invalid password.").await;
        }
        dialog.type_password("wrong-6").await;
        submit_and_await_answer(&ctx, 6).await;
        let throttled = dialog.throttled().await;
        assert!(
            throttled.starts_with("Too many attempts. Try again in 1")
                && throttled.contains(" min"),
            "how long to wait, from the server's Retry-After: {throttled}"
        );
        assert!(throttled.contains("(at "), "and at what time: {throttled}");
        ctx.screenshot("throttled").await;

        // Even the right password waits until then.
        dialog.type_password("admin").await;
        assert!(dialog.submit_disabled().await);
        ctx.secret_panel().hidden().await;
    })
    .await;
}

/// On the attempts page of an endpoint whose sink answers 503, live updates on: an event, and its failed
/// first try in the table with a retry scheduled (the test's retry schedule says when).
async fn a_failed_try_with_a_retry_scheduled(
    ctx: &Ctx,
    sink: &str,
) -> (webhook_api::Endpoint, webhook_api::MockEventCreated) {
    let endpoint = attempts_page(ctx, sink).await;
    let fail = SinkBehavior {
        status: 503,
        ..SinkBehavior::default()
    };
    ctx.api().sink_behavior(sink, &fail).await;
    ctx.attempts().set_live(true).await;
    let event = ctx.api().trigger("user.created").await;
    ctx.attempts().row(event.event_id, "Retry scheduled").await;
    (endpoint, event)
}

/// An endpoint whose receiver fails, with a retry five minutes out: its attempt is open in the panel,
/// auto-refresh on. Deactivating the endpoint later cancels the retry, which changes the attempt.
async fn open_failed_attempt(ctx: &Ctx) -> webhook_api::Endpoint {
    let (endpoint, event) = a_failed_try_with_a_retry_scheduled(ctx, "flaky").await;
    ctx.attempts().open(event.event_id).await;
    ctx.attempts().panel_title("Retry scheduled").await;
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
    ctx.attempts().panel_title("Failed").await;
    ctx.next_frames().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_that_changes_the_open_attempt_leaves_focus_where_it_is() {
    browser_test_with(
        "refresh-keeps-focus",
        |config| config.retry_schedule = RetrySchedule(vec![Duration::from_secs(300)]),
        |ctx| async move {
            let endpoint = open_failed_attempt(&ctx).await;
            ctx.attempts().refresh().await;
            assert!(ctx.focus_is(Attempts::REFRESH).await);
            change_the_open_attempt(&ctx, &endpoint).await;
            let focus = ctx.focus().await;
            assert!(
                ctx.focus_is(Attempts::REFRESH).await,
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
            ctx.eval(&format!(
                "document.querySelector('{}').focus();",
                Attempts::RESEND
            ))
            .await;
            change_the_open_attempt(&ctx, &endpoint).await;
            assert!(
                ctx.focus_is(Attempts::RESEND).await,
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
        attempts_page(&ctx, "steady").await;
        let attempts = ctx.attempts();
        attempts.set_live(true).await;
        let first = ctx.api().trigger("user.created").await;
        attempts.row(first.event_id, "Delivered").await;
        attempts.open(first.event_id).await;
        attempts.panel().await;
        ctx.eval(&format!(
            "document.querySelector('{}').dataset.before = 'yes';",
            Attempts::PANEL
        ))
        .await;
        let second = ctx.api().trigger("user.updated").await;
        attempts.row(second.event_id, "Delivered").await;
        ctx.next_frames().await;
        ctx.find(&format!("{}[data-before]", Attempts::PANEL)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_keeps_focus_on_the_same_control_of_the_attempts_table() {
    browser_test("refresh-keeps-row-focus", |ctx| async move {
        attempts_page(&ctx, "rows").await;
        let attempts = ctx.attempts();
        attempts.set_live(true).await;
        let first = ctx.api().trigger("user.created").await;
        let row = attempts.row(first.event_id, "Delivered").await;
        let key = row.attr("data-key").await.unwrap().expect("a row key");
        let open = Attempts::open_in_row(&key);
        ctx.eval(&format!(
            "const b = document.querySelector(\"{open}\"); b.focus(); b.dataset.before = 'yes';"
        ))
        .await;
        let second = ctx.api().trigger("user.updated").await;
        attempts.row(second.event_id, "Delivered").await;
        ctx.next_frames().await;
        assert!(
            ctx.focus_is(&format!("{open}:not([data-before])")).await,
            "focus is on the same row's button in the new table, not on {}",
            ctx.focus().await.described
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_test_event_sent_from_the_page_reaches_the_sink_and_shows_in_the_deliveries() {
    browser_test("test-event", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "test-event").await;
        // Another endpoint on the same type: a test event goes to this one alone.
        let api = ctx.api();
        let other = api
            .create_endpoint(&api.sink_url("test-event-other"), &["user.created"])
            .await;
        let panel = ctx.test_event();
        panel.shown().await;
        assert!(panel.data().await.contains("\"username\""));

        panel.type_data("{\"id\": 7,").await;
        panel.data_error("Not JSON").await;
        panel.send().await;
        assert!(
            api.sink_requests("test-event").await.is_empty(),
            "nothing sent while the data is not JSON"
        );
        ctx.screenshot("invalid").await;

        panel.choose("user.updated").await;
        panel
            .type_data("{\"id\": 7, \"note\": \"from the console\"}")
            .await;
        panel.send().await;
        panel.status("sent").await;
        // The deliveries below show it without a click.
        let event = panel.sent_event().await;
        ctx.deliveries().event(event, &["Delivered"]).await;
        ctx.screenshot("delivered").await;

        let received = api.sink_requests("test-event").await;
        assert_eq!(received.len(), 1, "{received:?}");
        let payload: serde_json::Value = serde_json::from_str(&received[0].body).expect("JSON");
        assert_eq!(payload["type"], "user.updated");
        assert_eq!(
            payload["data"],
            serde_json::json!({"id": 7, "note": "from the console"})
        );
        assert!(received[0].signature_valid);
        assert!(
            api.sink_requests("test-event-other").await.is_empty(),
            "endpoint {} got nothing",
            other.id
        );
        assert_eq!(payload["event_id"], event);
        let _ = endpoint;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_theme_switch_holds_across_a_reload() {
    browser_test("theme", |ctx| async move {
        let endpoint = endpoint_page(&ctx, "theme").await;
        let theme = ctx.theme_switch();
        assert_eq!(theme.chosen().await, "system");
        assert_eq!(theme.page_theme().await, serde_json::Value::Null);
        theme.choose("dark").await;
        assert_eq!(theme.page_theme().await, "dark");
        ctx.reload().await;
        ctx.endpoint_detail().shown(&endpoint.target).await;
        assert_eq!(theme.chosen().await, "dark");
        assert_eq!(theme.page_theme().await, "dark");
        ctx.screenshot("dark").await;
        theme.choose("light").await;
        ctx.reload().await;
        ctx.endpoint_detail().shown(&endpoint.target).await;
        assert_eq!(theme.page_theme().await, "light");
        // The system's theme leaves nothing behind for the next visit.
        theme.choose("system").await;
        ctx.reload().await;
        ctx.endpoint_detail().shown(&endpoint.target).await;
        assert_eq!(theme.page_theme().await, serde_json::Value::Null);
    })
    .await;
}
