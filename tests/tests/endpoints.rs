//! Issue 5 end to end: sign-in, the endpoint table, create, edit, delete, roles and the session.

use std::time::Duration;

use e2e::{Ctx, browser_test, browser_test_with, pages::EndpointListPage};

/// WebDriver's key code for Escape.
const ESCAPE: &str = "\u{E00C}";

/// An empty store with `n` endpoints on the sink, created in order (`hooks00` first).
async fn endpoints_on_the_sink(ctx: &Ctx, n: usize) -> Vec<webhook_api::Endpoint> {
    let api = ctx.api();
    api.reset(false).await;
    let mut created = Vec::new();
    for i in 0..n {
        let target = format!("{}?hooks{i:02}", api.sink_url("shop"));
        created.push(
            api.create_endpoint(&target, &["comment.created", "user.created"])
                .await,
        );
    }
    created
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_with_the_password_shows_the_user_and_the_endpoints() {
    browser_test("sign-in-password", |ctx| async move {
        let list = ctx.endpoint_list();
        list.open("").await;
        ctx.sign_in_page().shown().await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        ctx.wait_for_path("/endpoints").await;
        assert_eq!(ctx.shell().role().await, "admin");
        let seeded = ctx.api().get("/api/v2/webhook/endpoint/").await["count"]
            .as_u64()
            .unwrap();
        assert_eq!(list.row_count().await as u64, seeded.min(20));
        list.summary(&format!("of {seeded} endpoints")).await;
        ctx.screenshot("endpoints").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_says_so_on_the_sign_in_page() {
    browser_test("sign-in-wrong", |ctx| async move {
        let page = ctx.sign_in_page();
        page.open().await;
        page.submit_password("admin", "not-the-password").await;
        page.error("Wrong username or password.").await;
        assert_eq!(ctx.path().await, "/sign-in");
        ctx.screenshot("wrong-password").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_created_through_the_form_appears_in_the_table() {
    browser_test("create-endpoint", |ctx| async move {
        ctx.api().reset(false).await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let list = ctx.endpoint_list();
        list.empty("No endpoints yet").await;
        ctx.screenshot("empty").await;
        list.follow_empty_link("Create the first endpoint").await;
        ctx.wait_for_path("/endpoints/new").await;

        let form = ctx.endpoint_form();
        let target = ctx.api().sink_url("orders");
        form.type_target(&target).await;
        form.type_description("Order sync").await;
        form.toggle_group("comment").await;
        form.toggle_event("user.created").await;
        form.selected("5 of 38 selected").await;
        ctx.screenshot("form").await;
        form.submit("Create endpoint").await;
        ctx.shell().toast(&format!("Created {target}")).await;

        list.open("").await;
        let text = list.row(&target).await;
        assert!(
            text.contains("Order sync") && text.contains("5 events"),
            "{text}"
        );
        let stored = ctx.api().get("/api/v2/webhook/endpoint/").await;
        let events: Vec<&str> = stored["results"][0]["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap())
            .collect();
        assert_eq!(events.len(), 5);
        assert!(events.contains(&"comment.restored") && events.contains(&"user.created"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sorting_paging_and_searching_live_in_the_url() {
    browser_test("sort-page-search", |ctx| async move {
        endpoints_on_the_sink(&ctx, 25).await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let list = ctx.endpoint_list();
        list.summary("1–20 of 25 endpoints").await;
        assert!(
            list.first_row()
                .await
                .text()
                .await
                .unwrap()
                .contains("hooks24"),
            "newest first"
        );

        list.sort_by("created").await;
        ctx.wait_for_path("/endpoints?ordering=created_at").await;
        list.first_target("hooks00").await;
        assert_eq!(list.sort_of("created").await.as_deref(), Some("ascending"));

        list.next_page().await;
        ctx.wait_for_path("/endpoints?ordering=created_at&offset=20")
            .await;
        list.summary("21–25 of 25 endpoints").await;
        list.first_target("hooks20").await;
        ctx.screenshot("page-2").await;

        list.page_size("10").await;
        ctx.wait_for_path("/endpoints?ordering=created_at&offset=20&size=10")
            .await;
        list.summary("21–25 of 25 endpoints").await;

        list.search("hooks1").await;
        ctx.wait_for_path("/endpoints?search=hooks1&ordering=created_at&size=10")
            .await;
        list.summary("1–10 of 10 endpoints").await;
        list.first_target("hooks10").await;

        ctx.reload().await;
        list.summary("1–10 of 10 endpoints").await;
        assert_eq!(list.search_text().await, "hooks1");

        ctx.client.back().await.unwrap();
        ctx.wait_for_path("/endpoints?ordering=created_at&offset=20&size=10")
            .await;
        list.summary("21–25 of 25 endpoints").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_active_switch_asks_before_turning_off_and_patches_the_endpoint_in_place() {
    browser_test("active-switch", |ctx| async move {
        let endpoint = endpoints_on_the_sink(&ctx, 1).await.remove(0);
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let (list, dialog) = (ctx.endpoint_list(), ctx.dialog());
        assert_eq!(list.switch_checked().await.as_deref(), Some("true"));
        let events = list.events_of_first().await;
        assert_eq!(events.len(), endpoint.events.len(), "{events:?}");
        ctx.screenshot("table").await;

        // A stray click only asks; Cancel leaves it on, on the server too.
        list.click_switch().await;
        dialog.titled("Turn this endpoint off?").await;
        ctx.screenshot("turn-off").await;
        dialog.press("Cancel").await;
        dialog.closed().await;
        assert_eq!(list.switch_checked().await.as_deref(), Some("true"));
        assert!(ctx.api().endpoint(endpoint.id).await.is_active);

        list.click_switch().await;
        dialog.press("Turn off").await;
        dialog.closed().await;
        list.switch_says("Off").await;
        assert!(!ctx.api().endpoint(endpoint.id).await.is_active);

        ctx.reload().await;
        assert_eq!(list.switch_checked().await.as_deref(), Some("false"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn editing_an_endpoint_saves_the_new_values() {
    browser_test("edit-endpoint", |ctx| async move {
        let endpoint = endpoints_on_the_sink(&ctx, 1).await.remove(0);
        ctx.sign_in_page().sign_in("admin", "admin").await;
        ctx.endpoint_list().edit_first().await;
        ctx.wait_for_path(&format!("/endpoints/{}/edit", endpoint.id))
            .await;
        let form = ctx.endpoint_form();
        form.event_shown("comment.created").await;
        form.type_description("Renamed by the e2e test").await;
        form.toggle_event("user.created").await;
        form.toggle_ssl_verification().await;
        form.ssl_warning().await;
        ctx.screenshot("form").await;
        form.submit("Save changes").await;
        ctx.shell().toast("Saved").await;

        let saved = ctx.api().endpoint(endpoint.id).await;
        assert_eq!(saved.description, "Renamed by the e2e test");
        assert!(!saved.ssl_cert_verification);
        let types: Vec<_> = saved.events.iter().map(|s| s.event_type.as_str()).collect();
        assert_eq!(types, ["comment.created"]);
    })
    .await;
}

/// Replaces the target of the next endpoint create with one the server refuses, as a server whose
/// rules are stricter than the console's would.
const REWRITE_TARGET_JS: &str = r#"
const original = window.fetch;
window.fetch = async (input, init) => {
  if (input instanceof Request && input.method === "POST" && input.url.endsWith("/api/v2/webhook/endpoint/")) {
    const body = JSON.parse(await input.text());
    body.target = "ftp://refused.example/";
    input = new Request(input.url, { method: "POST", headers: input.headers, body: JSON.stringify(body) });
  }
  return original(input, init);
};
"#;

#[tokio::test(flavor = "multi_thread")]
async fn a_field_error_from_the_server_shows_next_to_its_field() {
    browser_test("server-field-error", |ctx| async move {
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let form = ctx.endpoint_form();
        form.open_new().await;
        ctx.eval(REWRITE_TARGET_JS).await;
        form.type_target("https://accepted.example/hook").await;
        form.toggle_event("post.created").await;
        form.submit("Create endpoint").await;
        form.target_error("Enter a valid URL.").await;
        form.form_error("Some fields need attention.").await;
        assert_eq!(
            form.target().await,
            "https://accepted.example/hook",
            "what was typed stays"
        );
        assert_eq!(ctx.path().await, "/endpoints/new");
        ctx.screenshot("field-error").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_asks_first_names_the_target_and_removes_the_row() {
    browser_test("delete-endpoint", |ctx| async move {
        let endpoints = endpoints_on_the_sink(&ctx, 2).await;
        let doomed = &endpoints[1];
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let (list, dialog) = (ctx.endpoint_list(), ctx.dialog());

        list.delete(&doomed.target).await;
        dialog.says(&doomed.target).await;
        ctx.screenshot("confirm").await;
        ctx.press(ESCAPE).await;
        dialog.closed().await;
        let focused = ctx
            .eval("return document.activeElement.getAttribute('aria-label')")
            .await;
        assert_eq!(
            focused.as_str(),
            Some(EndpointListPage::delete_label(&doomed.target).as_str())
        );

        list.delete(&doomed.target).await;
        dialog.press("Delete endpoint").await;
        ctx.shell()
            .toast(&format!("Deleted {}", doomed.target))
            .await;
        list.no_row(&doomed.target).await;
        list.row(&endpoints[0].target).await;
        let (status, _) = ctx
            .api()
            .call(
                reqwest::Method::GET,
                &format!("/api/v2/webhook/endpoint/{}/", doomed.id),
                None,
            )
            .await;
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_token_sees_the_admin_role_required_page() {
    browser_test("member-token", |ctx| async move {
        ctx.endpoint_list().open("").await;
        ctx.wait_for_path("/sign-in?next=%2Fendpoints").await;
        ctx.sign_in_page()
            .sign_in_with_token("dev-member-token")
            .await;
        ctx.shell().heading("Admin role required").await;
        ctx.shell().paragraph("You are signed in as member").await;
        ctx.screenshot("forbidden").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_keeps_the_page_and_the_session_in_session_storage_only() {
    browser_test("reload-session", |ctx| async move {
        endpoints_on_the_sink(&ctx, 12).await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let list = ctx.endpoint_list();
        list.open("?offset=10&size=10").await;
        list.summary("11–12 of 12 endpoints").await;
        ctx.reload().await;
        list.summary("11–12 of 12 endpoints").await;
        ctx.shell().signed_in_as("admin").await;
        assert_eq!(ctx.path().await, "/endpoints?offset=10&size=10");
        let storage = ctx
            .eval("return [sessionStorage.getItem('webhook-console.session') !== null, localStorage.length]")
            .await;
        assert_eq!(storage, serde_json::json!([true, 0]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_the_server_refuses_signs_in_again_and_returns_to_the_page() {
    browser_test("expired-session", |ctx| async move {
        endpoints_on_the_sink(&ctx, 3).await;
        let (page, list) = (ctx.sign_in_page(), ctx.endpoint_list());
        page.sign_in("admin", "admin").await;
        list.open("?size=10").await;
        list.first_row().await;
        ctx.eval(
            "const key = 'webhook-console.session';\
             const s = JSON.parse(sessionStorage.getItem(key)); s.access_token = 'revoked';\
             sessionStorage.setItem(key, JSON.stringify(s));",
        )
        .await;
        ctx.reload().await;
        ctx.wait_for_path("/sign-in?next=%2Fendpoints%3Fsize%3D10")
            .await;
        page.notice("Your session has ended").await;
        ctx.screenshot("signed-out").await;
        page.sign_in("admin", "admin").await;
        ctx.wait_for_path("/endpoints?size=10").await;
        list.first_row().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_that_ends_on_save_keeps_the_form_for_after_signing_in() {
    browser_test_with(
        "kept-draft",
        |config| config.access_token_lifetime = Duration::from_secs(6),
        |ctx| async move {
            // A pasted token is never refreshed: once it expires, the next request is a 401.
            let grant = ctx
                .api()
                .post(
                    "/oauth/token/",
                    serde_json::json!({ "grant_type": "password", "username": "admin", "password": "admin" }),
                )
                .await;
            let token = grant["access_token"].as_str().unwrap().to_owned();
            let (page, form) = (ctx.sign_in_page(), ctx.endpoint_form());
            page.sign_in_with_token(&token).await;
            ctx.shell().signed_in_as("admin").await;
            form.open_new().await;
            let target = ctx.api().sink_url("kept");
            form.type_target(&target).await;
            form.type_description("Typed before the session ended")
                .await;
            form.toggle_event("user.created").await;
            form.selected("1 of 38 selected").await;
            wait_until_refused(&ctx, &token).await;

            form.submit("Create endpoint").await;
            ctx.wait_for_path("/sign-in?next=%2Fendpoints%2Fnew").await;
            page.sign_in("admin", "admin").await;
            ctx.wait_for_path("/endpoints/new").await;
            form.restored_notice().await;
            assert_eq!(form.target().await, target);
            assert_eq!(
                form.description().await,
                "Typed before the session ended"
            );
            form.selected("1 of 38 selected").await;
            ctx.screenshot("restored").await;
            form.submit("Create endpoint").await;
            ctx.shell().toast(&format!("Created {target}")).await;
            let stored = ctx.api().get("/api/v2/webhook/endpoint/?limit=100").await;
            let created: Vec<&serde_json::Value> = stored["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["target"] == target.as_str())
                .collect();
            assert_eq!(created.len(), 1, "created once: {stored}");
            assert_eq!(created[0]["description"], "Typed before the session ended");
        },
    )
    .await;
}

/// Waits for the server to refuse `token` (it expired), asking it every 100 ms.
async fn wait_until_refused(ctx: &Ctx, token: &str) {
    let api = ctx.api().with_token(token);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _) = api
            .call(reqwest::Method::GET, "/api/v2/user/me/", None)
            .await;
        if status == 401 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the token never expired"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn leaving_a_form_with_unsaved_changes_asks_first() {
    browser_test("unsaved-changes", |ctx| async move {
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let (form, dialog) = (ctx.endpoint_form(), ctx.dialog());
        form.open_new().await;
        form.type_target("https://half-typed.example").await;
        ctx.shell().go_to("Endpoints").await;
        dialog.titled("Discard unsaved changes?").await;
        dialog.press("Cancel").await;
        dialog.closed().await;
        assert_eq!(ctx.path().await, "/endpoints/new");
        assert_eq!(form.target().await, "https://half-typed.example");
        ctx.shell().go_to("Endpoints").await;
        dialog.press("Discard changes").await;
        ctx.wait_for_path("/endpoints").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_browsers_back_button_asks_before_leaving_unsaved_changes() {
    browser_test("unsaved-changes-back", |ctx| async move {
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let (list, form, dialog) = (ctx.endpoint_list(), ctx.endpoint_form(), ctx.dialog());
        list.first_row().await;
        list.new_endpoint().await;
        ctx.wait_for_path("/endpoints/new").await;
        form.type_target("https://half-typed.example").await;

        ctx.client.back().await.unwrap();
        dialog.titled("Discard unsaved changes?").await;
        ctx.wait_for_path("/endpoints/new").await;
        dialog.press("Cancel").await;
        dialog.closed().await;
        assert_eq!(ctx.path().await, "/endpoints/new");
        assert_eq!(
            form.target().await,
            "https://half-typed.example",
            "what was typed stays"
        );

        ctx.client.back().await.unwrap();
        dialog.press("Discard changes").await;
        ctx.wait_for_path("/endpoints").await;
        list.first_row().await;
        // Back means back: the form is the next entry forward, as it would be without the question.
        ctx.client.forward().await.unwrap();
        ctx.wait_for_path("/endpoints/new").await;
        assert_eq!(form.target().await, "");
    })
    .await;
}

/// Calls back with the session's access token as soon as it differs from `old`, and when (epoch ms):
/// the app writes the session to sessionStorage after each refresh.
const WAIT_FOR_NEW_TOKEN_JS: &str = r#"
const [old, done] = arguments;
const key = "webhook-console.session";
const token = () => (JSON.parse(sessionStorage.getItem(key) || "null") || {}).access_token;
if (token() !== old) { done([token(), Date.now()]); return; }
const setItem = Storage.prototype.setItem;
Storage.prototype.setItem = function (...args) {
  setItem.apply(this, args);
  if (token() !== old) { Storage.prototype.setItem = setItem; done([token(), Date.now()]); }
};
"#;

/// The session the app keeps in sessionStorage.
async fn stored_session(ctx: &Ctx) -> serde_json::Value {
    ctx.eval("return JSON.parse(sessionStorage.getItem('webhook-console.session'));")
        .await
}

/// Waits for the app to replace the access token `old`; the new token and when it was stored.
async fn next_token(ctx: &Ctx, old: &str) -> (String, f64) {
    let (token, at): (String, f64) = serde_json::from_value(
        ctx.client
            .execute_async(WAIT_FOR_NEW_TOKEN_JS, vec![old.into()])
            .await
            .expect("waiting for a refreshed token"),
    )
    .expect("a token and a time");
    (token, at)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_short_lived_token_is_refreshed_before_it_expires_and_the_session_goes_on() {
    browser_test_with(
        "token-refresh",
        |config| config.access_token_lifetime = Duration::from_secs(4),
        |ctx| async move {
            ctx.sign_in_page().sign_in("admin", "admin").await;
            ctx.endpoint_list().first_row().await;
            let session = stored_session(&ctx).await;
            let first = session["access_token"].as_str().unwrap().to_owned();
            let expires_at = session["expires_at"].as_f64().unwrap();

            let (second, refreshed_at) = next_token(&ctx, &first).await;
            assert!(
                refreshed_at < expires_at,
                "refreshed {} ms after the token expired",
                refreshed_at - expires_at
            );
            // The next refresh comes after the first token's expiry: by then only fresh tokens work.
            next_token(&ctx, &second).await;
            let (status, _) = ctx
                .api()
                .with_token(&first)
                .call(reqwest::Method::GET, "/api/v2/user/me/", None)
                .await;
            assert_eq!(status, 401, "the first token has expired");

            ctx.shell().go_to("Events").await;
            ctx.event_catalog().card_shown("user.created").await;
            assert_eq!(ctx.path().await, "/events", "still signed in");
            ctx.shell().signed_in_as("admin").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_screens_fit_a_phone_and_follow_the_dark_theme() {
    browser_test("phone-dark", |ctx| async move {
        let (list, form) = (ctx.endpoint_list(), ctx.endpoint_form());
        ctx.phone_width().await;
        ctx.sign_in_page().open().await;
        ctx.screenshot("sign-in-phone").await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        list.first_row().await;
        let overflow = ctx
            .eval("return document.documentElement.scrollWidth > window.innerWidth")
            .await;
        assert_eq!(
            overflow,
            serde_json::Value::Bool(false),
            "nothing sticks out sideways at 360 px"
        );
        ctx.screenshot("endpoints-phone").await;
        form.open_new().await;
        ctx.screenshot("form-phone").await;

        ctx.dark_theme(true).await;
        list.open("").await;
        list.first_row().await;
        let background = ctx
            .eval("return getComputedStyle(document.body).backgroundColor")
            .await;
        assert_eq!(background.as_str(), Some("rgb(15, 18, 23)"));
        ctx.screenshot("endpoints-phone-dark").await;
        ctx.desktop_width().await;
        ctx.screenshot("endpoints-dark").await;
        form.open_new().await;
        ctx.screenshot("form-dark").await;
    })
    .await;
}
