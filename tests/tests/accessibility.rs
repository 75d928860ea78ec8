//! Issue 7, accessibility: axe-core on every screen and every dialog, in the light and the dark theme;
//! no serious or critical violation may remain.

use e2e::{Ctx, browser_test, browser_test_with};
use mock_server::config::RetrySchedule;
use std::time::Duration;
use webhook_api::SinkBehavior;

/// An empty store with one endpoint on the sink `sink`; signs in as the admin on the endpoint's page
/// and waits for it.
async fn on_an_endpoint_page(ctx: &Ctx, sink: &str) -> webhook_api::Endpoint {
    let api = ctx.api();
    api.reset(false).await;
    let endpoint = api
        .create_endpoint(&api.sink_url(sink), &["user.created", "user.updated"])
        .await;
    ctx.goto(&format!("/endpoints/{}", endpoint.id)).await;
    ctx.sign_in("admin", "admin").await;
    ctx.find_text("main h1", &endpoint.target).await;
    endpoint
}

/// Waits for the attempt of `event_id` to show `text` (auto-refresh must be on).
async fn attempt_row(ctx: &Ctx, event_id: u64, text: &str) {
    ctx.find_texts(
        ".attempts-table tbody tr",
        &[&format!("· {event_id}"), text],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_page_passes_axe() {
    browser_test("axe-sign-in", |ctx| async move {
        ctx.goto("/sign-in").await;
        ctx.find("#sign-in-username").await;
        ctx.assert_accessible("sign-in").await;

        ctx.type_into("#sign-in-username", "admin").await;
        ctx.type_into("#sign-in-password", "wrong").await;
        ctx.click("form button[type=submit]").await;
        ctx.find_text(".form-error", "Wrong username or password.")
            .await;
        ctx.click_text("summary", "Another server").await;
        ctx.type_into("#sign-in-server", "not a url").await;
        ctx.assert_accessible("sign-in-errors").await;

        ctx.click_text(".segmented label", "Access token").await;
        ctx.find("#sign-in-token").await;
        ctx.assert_accessible("sign-in-token").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_not_found_page_passes_axe() {
    browser_test("axe-not-found", |ctx| async move {
        ctx.goto("/no/such/page").await;
        ctx.find_text("main h1", "Page not found").await;
        ctx.assert_accessible("not-found").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_role_required_page_passes_axe() {
    browser_test("axe-forbidden", |ctx| async move {
        ctx.goto("/endpoints").await;
        ctx.wait_for_path("/sign-in?next=%2Fendpoints").await;
        ctx.sign_in_with_token("dev-member-token").await;
        ctx.find_text("main h1", "Admin role required").await;
        ctx.assert_accessible("admin-role-required").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_table_and_its_delete_dialog_pass_axe() {
    browser_test("axe-endpoints", |ctx| async move {
        let api = ctx.api();
        api.reset(false).await;
        ctx.sign_in("admin", "admin").await;
        ctx.find_text(".empty-state h2", "No endpoints yet").await;
        ctx.assert_accessible("endpoints-empty").await;

        // The demo data: active and inactive endpoints, verified and not, several pages.
        api.reset(true).await;
        for i in 0..20 {
            api.create_endpoint(&format!("https://hooks{i}.example/in"), &["post.created"])
                .await;
        }
        ctx.goto("/endpoints?size=10").await;
        ctx.find("tbody tr").await;
        ctx.find_text(".pagination-summary", "1–10").await;
        ctx.assert_accessible("endpoints").await;

        ctx.type_into("#endpoint-search", "no-such-target").await;
        ctx.find_text(".empty-state h2", "No match").await;
        ctx.assert_accessible("endpoints-no-match").await;

        ctx.goto("/endpoints").await;
        let delete = ctx.find("tbody button.danger-text").await;
        ctx.click_element(delete, "the first delete button").await;
        ctx.find_text("dialog[open] h2", "Delete this endpoint?")
            .await;
        ctx.assert_accessible("delete-dialog").await;

        ctx.press("\u{E00C}").await;
        ctx.wait_for_absence("dialog", None).await;
        ctx.phone_width().await;
        ctx.find("tbody tr").await;
        ctx.assert_accessible("endpoints-phone").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_form_and_its_unsaved_changes_dialog_pass_axe() {
    browser_test("axe-form", |ctx| async move {
        let api = ctx.api();
        api.reset(false).await;
        let endpoint = api
            .create_endpoint(&api.sink_url("form"), &["comment.created"])
            .await;
        ctx.sign_in("admin", "admin").await;
        ctx.goto("/endpoints/new").await;
        ctx.find(".picker-group").await;
        ctx.assert_accessible("create-form").await;

        ctx.click_text("form button[type=submit]", "Create endpoint")
            .await;
        ctx.find("#endpoint-target-errors .field-error").await;
        ctx.type_into("#endpoint-target", "ftp://not-http").await;
        ctx.click("#endpoint-ssl").await;
        ctx.find_text(".callout.warn", "Verification is off.").await;
        ctx.type_into(".picker-filter input", "zzz").await;
        ctx.find_text(".event-picker p.muted", "No event matches")
            .await;
        ctx.assert_accessible("create-form-errors").await;

        ctx.click_text("header nav a", "Events").await;
        ctx.find_text("dialog[open] h2", "Discard unsaved changes?")
            .await;
        ctx.assert_accessible("unsaved-changes-dialog").await;
        ctx.click_text("dialog[open] button", "Discard changes")
            .await;
        ctx.wait_for_path("/events").await;

        ctx.goto(&format!("/endpoints/{}/edit", endpoint.id)).await;
        ctx.find("input[value='comment.created']").await;
        ctx.assert_accessible("edit-form").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_detail_and_the_signing_secret_dialogs_pass_axe() {
    browser_test("axe-detail", |ctx| async move {
        let endpoint = on_an_endpoint_page(&ctx, "detail").await;
        ctx.find_text(".attempts .empty-state", "No attempts yet")
            .await;
        ctx.assert_accessible("detail").await;

        ctx.click_text(".page-header button", "Deactivate").await;
        ctx.find_text(".toast-text", "Endpoint deactivated").await;
        ctx.find_text(".badges .badge", "Inactive").await;
        ctx.assert_accessible("detail-inactive-with-toast").await;

        ctx.click_text(".secret-panel button", "Reveal").await;
        ctx.type_into("dialog[open] input[type=password]", "wrong")
            .await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.find_text("dialog[open] .field-error", "Invalid password.")
            .await;
        ctx.assert_accessible("reveal-dialog").await;
        ctx.type_into("dialog[open] input[type=password]", "admin")
            .await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.wait_for_absence("dialog", None).await;
        ctx.click_text(".secret-row button", "Show").await;
        ctx.find_text(".secret-row button", "Hide").await;
        ctx.assert_accessible("secret-revealed").await;

        ctx.click_text(".secret-panel button", "Expire").await;
        ctx.type_into("dialog[open] input[type=password]", "admin")
            .await;
        ctx.assert_accessible("expire-dialog").await;
        ctx.click("dialog[open] .confirm-check input").await;
        ctx.click("dialog[open] button[type=submit]").await;
        ctx.find_text("dialog[open] h2", "Secret replaced").await;
        ctx.assert_accessible("secret-replaced-dialog").await;
        ctx.click_text("dialog[open] button", "Close").await;
        ctx.wait_for_absence("dialog", None).await;

        ctx.click_text(".page-header button", "Delete").await;
        ctx.find_text("dialog[open] .modal-body", &endpoint.target)
            .await;
        ctx.assert_accessible("detail-delete-dialog").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_attempts_with_an_open_attempt_and_the_resend_dialogs_pass_axe() {
    browser_test_with(
        "axe-attempts",
        |config| config.retry_schedule = RetrySchedule(vec![Duration::from_secs(300)]),
        |ctx| async move {
            let endpoint = on_an_endpoint_page(&ctx, "attempts").await;
            let api = ctx.api();
            ctx.goto(&format!("/endpoints/{}/attempts", endpoint.id))
                .await;
            ctx.find_text("main h1", "Delivery attempts").await;
            let delivered = api.trigger("user.created").await;
            ctx.click(".attempts .toolbar-actions input[role=switch]")
                .await;
            attempt_row(&ctx, delivered.event_id, "Delivered").await;
            api.sink_behavior(
                "attempts",
                &SinkBehavior {
                    status: 503,
                    ..SinkBehavior::default()
                },
            )
            .await;
            let failing = api.trigger("user.updated").await;
            attempt_row(&ctx, failing.event_id, "Retry scheduled").await;
            ctx.assert_accessible("attempts").await;

            ctx.click_text(".event-open", &format!("· {}", failing.event_id))
                .await;
            ctx.find_text(".attempt-detail .json-key", "\"event_id\"")
                .await;
            ctx.assert_accessible("attempt-detail").await;

            ctx.click_text(".secret-panel button", "Reveal").await;
            ctx.type_into("dialog[open] input[type=password]", "admin")
                .await;
            ctx.click("dialog[open] button[type=submit]").await;
            ctx.wait_for_absence("dialog", None).await;
            ctx.find(".attempt-detail .verdict").await;
            ctx.assert_accessible("attempt-detail-verified").await;

            ctx.click_text(".attempt-detail button", "Resend this event")
                .await;
            ctx.find_text("dialog[open] h2", "Resend this event?").await;
            ctx.assert_accessible("resend-dialog").await;
            ctx.click_text("dialog[open] button", "Cancel").await;
            ctx.wait_for_absence("dialog", None).await;

            ctx.click("thead input[type=checkbox]").await;
            ctx.click_text(".toolbar-actions button", "Resend 2 events")
                .await;
            ctx.find_text("dialog[open] h2", "Resend 2 events?").await;
            ctx.assert_accessible("bulk-resend-dialog").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_event_catalog_passes_axe() {
    browser_test("axe-catalog", |ctx| async move {
        on_an_endpoint_page(&ctx, "catalog").await;
        ctx.click_text("header nav a", "Events").await;
        ctx.find("#event-user\\.created .subscriber-list a").await;
        ctx.click("#event-comment\\.created details summary").await;
        ctx.find_text("#event-comment\\.created .json-key", "\"event_id\"")
            .await;
        ctx.assert_accessible("catalog").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_signature_tool_passes_axe() {
    browser_test("axe-signature-tool", |ctx| async move {
        ctx.sign_in("admin", "admin").await;
        ctx.click_text("header nav a", "Signature tool").await;
        ctx.find("#tool-body").await;
        ctx.assert_accessible("signature-tool-empty").await;

        ctx.type_into("#tool-body", r#"{"event_id": 1}"#).await;
        ctx.type_into(
            "#tool-header",
            &format!("t=1700000000,v0={}", "0f".repeat(32)),
        )
        .await;
        ctx.type_into("#tool-secret", "a secret").await;
        ctx.find_text(".verdict.bad", "does not match").await;
        ctx.click_text("[role=tab]", "Python").await;
        ctx.assert_accessible("signature-tool-result").await;

        ctx.type_into("#tool-header", "not a header").await;
        ctx.find_text(".tool-result .field-error", "cannot be read")
            .await;
        ctx.assert_accessible("signature-tool-bad-header").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_axe_check_finds_a_serious_violation_put_on_the_page() {
    browser_test("axe-finds", |ctx| async move {
        ctx.goto("/no/such/page").await;
        ctx.find_text("main h1", "Page not found").await;
        ctx.eval(
            "const input = document.createElement('input');\
             input.id = 'unlabelled'; document.querySelector('main').append(input);",
        )
        .await;
        let violations = ctx.axe_violations().await;
        let label = violations
            .iter()
            .find(|v| v.rule == "label")
            .unwrap_or_else(|| panic!("no `label` violation in {violations:#?}"));
        assert!(label.is_gated(), "{label}");
        assert_eq!(label.nodes[0].target, ["#unlabelled"]);
    })
    .await;
}
