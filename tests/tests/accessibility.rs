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
    ctx.endpoint_detail().open(endpoint.id).await;
    ctx.sign_in_page().sign_in("admin", "admin").await;
    ctx.endpoint_detail().shown(&endpoint.target).await;
    endpoint
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_page_passes_axe() {
    browser_test("axe-sign-in", |ctx| async move {
        let page = ctx.sign_in_page();
        page.open().await;
        ctx.assert_accessible("sign-in").await;

        page.submit_password("admin", "wrong").await;
        page.error("Wrong username or password.").await;
        page.type_server("not a url").await;
        ctx.assert_accessible("sign-in-errors").await;

        page.choose_token().await;
        ctx.assert_accessible("sign-in-token").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_not_found_page_passes_axe() {
    browser_test("axe-not-found", |ctx| async move {
        ctx.goto("/no/such/page").await;
        ctx.shell().heading("Page not found").await;
        ctx.assert_accessible("not-found").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_role_required_page_passes_axe() {
    browser_test("axe-forbidden", |ctx| async move {
        ctx.endpoint_list().open("").await;
        ctx.wait_for_path("/sign-in?next=%2Fendpoints").await;
        ctx.sign_in_page()
            .sign_in_with_token("dev-member-token")
            .await;
        ctx.shell().heading("Admin role required").await;
        ctx.assert_accessible("admin-role-required").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_table_and_its_delete_dialog_pass_axe() {
    browser_test("axe-endpoints", |ctx| async move {
        let (api, list) = (ctx.api(), ctx.endpoint_list());
        api.reset(false).await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        list.empty("No endpoints yet").await;
        ctx.assert_accessible("endpoints-empty").await;

        // The demo data: active and inactive endpoints, verified and not, several pages.
        api.reset(true).await;
        for i in 0..20 {
            api.create_endpoint(&format!("https://hooks{i}.example/in"), &["post.created"])
                .await;
        }
        list.open("?size=10").await;
        list.first_row().await;
        list.summary("1–10").await;
        ctx.assert_accessible("endpoints").await;

        list.search("no-such-target").await;
        list.empty("No match").await;
        ctx.assert_accessible("endpoints-no-match").await;

        list.open("").await;
        list.delete_first().await;
        ctx.dialog().titled("Delete this endpoint?").await;
        ctx.assert_accessible("delete-dialog").await;

        ctx.press("\u{E00C}").await;
        ctx.dialog().closed().await;
        list.click_switch().await;
        ctx.dialog().titled("Turn this endpoint off?").await;
        ctx.assert_accessible("turn-off-dialog").await;
        ctx.dialog().press("Cancel").await;
        ctx.dialog().closed().await;
        ctx.phone_width().await;
        list.first_row().await;
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
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let (form, dialog) = (ctx.endpoint_form(), ctx.dialog());
        form.open_new().await;
        ctx.assert_accessible("create-form").await;

        form.submit("Create endpoint").await;
        form.target_has_error().await;
        form.type_target("ftp://not-http").await;
        form.toggle_ssl_verification().await;
        form.ssl_warning().await;
        form.filter_events("zzz").await;
        form.no_event_matches().await;
        ctx.assert_accessible("create-form-errors").await;

        ctx.shell().go_to("Events").await;
        dialog.titled("Discard unsaved changes?").await;
        ctx.assert_accessible("unsaved-changes-dialog").await;
        dialog.press("Discard changes").await;
        ctx.wait_for_path("/events").await;

        form.open_edit(endpoint.id, "comment.created").await;
        ctx.assert_accessible("edit-form").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_endpoint_detail_and_the_signing_secret_dialogs_pass_axe() {
    browser_test("axe-detail", |ctx| async move {
        let endpoint = on_an_endpoint_page(&ctx, "detail").await;
        let (page, panel, dialog) = (ctx.endpoint_detail(), ctx.secret_panel(), ctx.dialog());
        ctx.deliveries().empty("No deliveries in this window").await;
        ctx.test_event().shown().await;
        ctx.assert_accessible("detail").await;
        ctx.test_event().type_data("{\"id\": ").await;
        ctx.test_event().data_error("Not JSON").await;
        ctx.assert_accessible("test-event-invalid").await;
        ctx.phone_width().await;
        ctx.assert_accessible("detail-phone").await;
        ctx.desktop_width().await;

        page.action("Deactivate").await;
        ctx.shell().toast("Endpoint deactivated").await;
        page.badge("Inactive").await;
        ctx.assert_accessible("detail-inactive-with-toast").await;

        panel.reveal("wrong").await;
        dialog.password_error("Invalid password.").await;
        ctx.assert_accessible("reveal-dialog").await;
        dialog.confirm_with("admin").await;
        dialog.closed().await;
        panel.unmasked().await;
        ctx.assert_accessible("secret-revealed").await;

        panel.open_expire().await;
        dialog.type_password("admin").await;
        ctx.assert_accessible("expire-dialog").await;
        dialog.tick_confirmation().await;
        dialog.submit().await;
        dialog.titled("Secret replaced").await;
        ctx.assert_accessible("secret-replaced-dialog").await;
        dialog.press("Close").await;
        dialog.closed().await;

        page.action("Delete").await;
        dialog.says(&endpoint.target).await;
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
            let (api, attempts, dialog) = (ctx.api(), ctx.attempts(), ctx.dialog());
            attempts.open_page(endpoint.id).await;
            let delivered = api.trigger("user.created").await;
            attempts.set_live(true).await;
            attempts.row(delivered.event_id, "Delivered").await;
            api.sink_behavior(
                "attempts",
                &SinkBehavior {
                    status: 503,
                    ..SinkBehavior::default()
                },
            )
            .await;
            let failing = api.trigger("user.updated").await;
            attempts.row(failing.event_id, "Retry scheduled").await;
            ctx.assert_accessible("attempts").await;

            attempts.open(failing.event_id).await;
            attempts.body_key("\"event_id\"").await;
            ctx.assert_accessible("attempt-detail").await;

            ctx.secret_panel().reveal("admin").await;
            dialog.closed().await;
            attempts.verdict().await;
            ctx.assert_accessible("attempt-detail-verified").await;

            attempts.panel_action("Resend this event").await;
            dialog.titled("Resend this event?").await;
            ctx.assert_accessible("resend-dialog").await;
            dialog.press("Cancel").await;
            dialog.closed().await;

            attempts.select_all().await;
            attempts.resend_selected("Resend 2 events").await;
            dialog.titled("Resend 2 events?").await;
            ctx.assert_accessible("bulk-resend-dialog").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_event_catalog_passes_axe() {
    browser_test("axe-catalog", |ctx| async move {
        on_an_endpoint_page(&ctx, "catalog").await;
        let catalog = ctx.event_catalog();
        ctx.shell().go_to("Events").await;
        catalog.has_subscriber("user.created").await;
        catalog
            .open_example("comment.created", "\"event_id\"")
            .await;
        ctx.assert_accessible("catalog").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_signature_tool_passes_axe() {
    browser_test("axe-signature-tool", |ctx| async move {
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let tool = ctx.signature_tool();
        ctx.shell().go_to("Signature tool").await;
        tool.shown().await;
        ctx.assert_accessible("signature-tool-empty").await;

        tool.type_body(r#"{"event_id": 1}"#).await;
        tool.type_header(&format!("t=1700000000,v0={}", "0f".repeat(32)))
            .await;
        tool.type_secret("a secret").await;
        tool.does_not_match("does not match").await;
        tool.snippet_tab("Python").await;
        ctx.assert_accessible("signature-tool-result").await;

        tool.type_header("not a header").await;
        tool.header_error("cannot be read").await;
        ctx.assert_accessible("signature-tool-bad-header").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_axe_check_finds_a_serious_violation_put_on_the_page() {
    browser_test("axe-finds", |ctx| async move {
        ctx.goto("/no/such/page").await;
        ctx.shell().heading("Page not found").await;
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

/// Fails with every text under 12 px on the screen `screen`.
async fn assert_legible(ctx: &Ctx, screen: &str) {
    let small = ctx.text_under_12_px().await;
    ctx.screenshot(&format!("phone-{screen}")).await;
    assert!(
        small.is_empty(),
        "{screen}: text under 12 px on a phone:\n{}",
        small.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_text_on_a_phone_is_at_least_12_px() {
    browser_test("legible-phone", |ctx| async move {
        ctx.phone_width().await;
        ctx.sign_in_page().open().await;
        assert_legible(&ctx, "sign-in").await;

        let endpoint = on_an_endpoint_page(&ctx, "legible").await;
        let (api, deliveries, attempts) = (ctx.api(), ctx.deliveries(), ctx.attempts());
        let event = api.trigger("user.created").await;
        let row = deliveries.event(event.event_id, &["Delivered"]).await;
        deliveries.toggle(&row).await;
        deliveries.tries(1).await;
        deliveries.open_try("Attempt").await;
        attempts.body_key("\"event_id\"").await;
        ctx.secret_panel().reveal("admin").await;
        ctx.dialog().closed().await;
        attempts.verdict().await;
        assert_legible(&ctx, "endpoint").await;

        ctx.endpoint_list().open("").await;
        ctx.endpoint_list().first_target(&endpoint.target).await;
        assert_legible(&ctx, "endpoints").await;

        let catalog = ctx.event_catalog();
        ctx.shell().go_to("Events").await;
        catalog.has_subscriber("user.created").await;
        catalog.open_example("user.created", "\"event_id\"").await;
        assert_legible(&ctx, "events").await;

        let tool = ctx.signature_tool();
        ctx.shell().go_to("Signature tool").await;
        tool.type_body(r#"{"event_id": 1}"#).await;
        tool.type_header(&format!("t=1700000000,v0={}", "0f".repeat(32)))
            .await;
        tool.type_secret("a secret").await;
        tool.does_not_match("does not match").await;
        assert_legible(&ctx, "signature-tool").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_legibility_check_finds_small_text_put_on_the_page() {
    browser_test("legible-finds", |ctx| async move {
        ctx.goto("/no/such/page").await;
        ctx.shell().heading("Page not found").await;
        assert_eq!(ctx.text_under_12_px().await, Vec::<String>::new());
        ctx.eval(
            "const p = document.createElement('p');\
             p.textContent = 'fine print'; p.style.fontSize = '11px';\
             document.querySelector('main').append(p);",
        )
        .await;
        let small = ctx.text_under_12_px().await;
        assert_eq!(small, ["11 px: p \"fine print\""]);
    })
    .await;
}
