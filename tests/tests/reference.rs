//! Issue 12 end to end: the console in front of a server that is the platform's reference alone (the
//! proxy of `e2e::reference`: no `event.id`, `error` or `duration_ms` on attempts, no `/user/me/`, no
//! mock routes, pages of at most 5). Sign-in, the endpoint table at every page size, the attempts,
//! resend and bulk resend must all work, and every row must be reachable and counted right.

use e2e::{Ctx, reference::ProxyServer, reference_test};
use webhook_api::{Attempt, Page};

/// The reference server's page size (the proxy's `max_limit`).
const NOTE: &str = "the server sends 5 per page";

/// An empty store with 12 endpoints on the sink, created in order (`hooks00` first); the first 7 have
/// "blue" in their target, the others "green". Their targets, newest first (the table's order).
async fn twelve_endpoints(ctx: &Ctx) -> Vec<String> {
    let api = ctx.api();
    api.reset(false).await;
    let mut targets = Vec::new();
    for i in 0..12 {
        let colour = if i < 7 { "blue" } else { "green" };
        let target = format!("{}?hooks{i:02}-{colour}", api.sink_url("shop"));
        api.create_endpoint(&target, &["user.created"]).await;
        targets.insert(0, target);
    }
    targets
}

/// An empty store with one endpoint on the sink `sink` and `n` events delivered to it; signs in and
/// opens the endpoint's attempts, with auto-refresh on until all `n` attempts are listed (then off).
/// The endpoint and the events, in the order they happened.
async fn attempts_of(ctx: &Ctx, sink: &str, n: usize) -> (webhook_api::Endpoint, Vec<u64>) {
    let api = ctx.api();
    api.reset(false).await;
    let endpoint = api
        .create_endpoint(&api.sink_url(sink), &["user.created"])
        .await;
    let mut events = Vec::new();
    for _ in 0..n {
        events.push(api.trigger("user.created").await.event_id);
    }
    ctx.sign_in_page().sign_in("admin", "admin").await;
    let attempts = ctx.attempts();
    attempts.open_page(endpoint.id).await;
    attempts.set_live(true).await;
    // An attempt is listed once its try is over.
    ctx.pagination().summary(&format!("of {n} attempts")).await;
    attempts.set_live(false).await;
    (endpoint, events)
}

/// The attempts mock-server holds for `endpoint` (with the contract's `event.id`), by event.
async fn attempt_of_event(ctx: &Ctx, endpoint: u64, event: u64) -> u64 {
    let page: Page<Attempt> = serde_json::from_value(
        ctx.api()
            .get(&format!(
                "/api/v2/webhook/endpoint/{endpoint}/attempt/?limit=100"
            ))
            .await,
    )
    .expect("a page of attempts");
    page.results
        .iter()
        .find(|attempt| attempt.event.id == Some(event))
        .map(|attempt| attempt.id)
        .expect("an attempt of the event")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_proxy_answers_in_the_references_shapes_only() {
    let server = e2e::TestServer::start().await;
    server.api().reset(true).await;
    let proxy = ProxyServer::start(&server.url).await;
    let http = reqwest::Client::new();
    let get = async |url: &str| -> reqwest::Response {
        http.get(url)
            .bearer_auth("dev-admin-token")
            .send()
            .await
            .expect("the proxy answers")
    };
    for path in [
        "/api/v2/user/me/",
        "/openapi.json",
        "/health",
        "/__mock/sink/shop/requests/",
    ] {
        assert_eq!(
            get(&format!("{}{path}", proxy.url)).await.status(),
            404,
            "{path}"
        );
    }

    // Every endpoint by the next links, 5 at a time whatever the limit asked; their attempts without
    // the contract's additions.
    let mut next = Some(format!("{}/api/v2/webhook/endpoint/?limit=20", proxy.url));
    let (mut endpoints, mut count, mut attempts) = (Vec::new(), 0, 0);
    while let Some(url) = next {
        let page: serde_json::Value = get(&url).await.json().await.expect("a page");
        let results = page["results"].as_array().expect("results");
        count = page["count"].as_u64().expect("a count");
        next = page["next"].as_str().map(str::to_owned);
        if let Some(link) = &next {
            assert_eq!(results.len(), 5);
            assert!(
                link.starts_with(&proxy.url) && link.contains("limit=5"),
                "{link}"
            );
        }
        endpoints.extend(results.iter().map(|e| e["id"].as_u64().expect("an id")));
    }
    assert!(count > 5, "the demo data has more than a page of 5");
    assert_eq!(endpoints.len() as u64, count);
    for id in endpoints {
        let url = format!("{}/api/v2/webhook/endpoint/{id}/attempt/", proxy.url);
        let page: serde_json::Value = get(&url).await.json().await.expect("a page");
        for attempt in page["results"].as_array().expect("results") {
            assert!(attempt.get("error").is_none() && attempt.get("duration_ms").is_none());
            assert!(attempt["event"].get("id").is_none() && attempt["event"]["type"].is_string());
            assert!(attempt["http_request_body"].is_string());
            attempts += 1;
        }
    }
    assert!(attempts > 0, "the demo data has attempts");

    let app = get(&format!("{}/endpoints", proxy.url)).await;
    assert_eq!(app.status(), 200);
    assert!(app.headers().contains_key("content-security-policy"));
    proxy.stop().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_user_me_signing_in_shows_the_name_typed_and_the_role_unknown() {
    reference_test("reference-sign-in", |ctx, _| async move {
        let seeded = ctx.api().get("/api/v2/webhook/endpoint/").await["count"]
            .as_u64()
            .unwrap();
        ctx.endpoint_list().open("").await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        ctx.wait_for_path("/endpoints").await;
        let shell = ctx.shell();
        shell.role_unknown().await;
        assert_eq!(shell.role_badges().await, 0);
        ctx.pagination()
            .summary(&format!("1–5 of {seeded} endpoints · {NOTE}"))
            .await;
        ctx.screenshot("admin").await;

        // Without a role the webhook routes decide: the member's 403 shows the role page.
        shell.sign_out().await;
        ctx.sign_in_page().sign_in("member", "member").await;
        shell.heading("Admin role required").await;
        shell.paragraph("You are signed in as member").await;
        shell.role_unknown().await;
        ctx.screenshot("member").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_endpoint_is_reachable_and_counted_right_at_every_page_size() {
    reference_test("reference-endpoints", |ctx, _| async move {
        let targets = twelve_endpoints(&ctx).await;
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let (list, pages) = (ctx.endpoint_list(), ctx.pagination());
        pages
            .summary(&format!("1–5 of 12 endpoints · {NOTE}"))
            .await;
        ctx.assert_accessible("table-20-by-5").await;

        let sizes = pages.sizes().await;
        assert_eq!(sizes, ["10", "20", "50", "100"]);
        for size in &sizes {
            pages.choose_size(size).await;
            let at = |offset: u64| match (offset, size.as_str()) {
                (0, "20") => "/endpoints".to_owned(),
                (0, _) => format!("/endpoints?size={size}"),
                (_, "20") => format!("/endpoints?offset={offset}"),
                _ => format!("/endpoints?offset={offset}&size={size}"),
            };
            let mut shown = Vec::new();
            for (offset, range) in [(0, "1–5"), (5, "6–10"), (10, "11–12")] {
                pages
                    .summary(&format!("{range} of 12 endpoints · {NOTE}"))
                    .await;
                ctx.wait_for_path(&at(offset)).await;
                let rows = list.targets().await;
                assert_eq!(
                    rows.len(),
                    if offset < 10 { 5 } else { 2 },
                    "{size}: {range}"
                );
                shown.extend(rows);
                assert_eq!(pages.page_numbers().await, ["1", "2", "3"]);
                if offset < 10 {
                    pages.next_to(&at(offset + 5)).await;
                }
            }
            assert!(!pages.has_next().await, "{size}: nothing after 12");
            assert_eq!(
                shown, targets,
                "every endpoint once, in order, at {size} per page"
            );

            pages.previous().await;
            pages
                .summary(&format!("6–10 of 12 endpoints · {NOTE}"))
                .await;
            pages.page(1).await;
            pages
                .summary(&format!("1–5 of 12 endpoints · {NOTE}"))
                .await;
            ctx.wait_for_path(&at(0)).await;
        }

        // The search route pages the same way.
        pages.choose_size("20").await;
        list.search("blue").await;
        ctx.wait_for_path("/endpoints?search=blue").await;
        pages.summary(&format!("1–5 of 7 endpoints · {NOTE}")).await;
        let mut found = list.targets().await;
        pages.next().await;
        pages.summary(&format!("6–7 of 7 endpoints · {NOTE}")).await;
        ctx.wait_for_path("/endpoints?search=blue&offset=5").await;
        found.extend(list.targets().await);
        assert!(!pages.has_next().await);
        assert_eq!(found, targets[5..], "the 7 blue endpoints, newest first");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_attempt_is_reachable_and_shows_the_payloads_event_without_durations() {
    reference_test("reference-attempts", |ctx, _| async move {
        let (endpoint, events) = attempts_of(&ctx, "attempts", 7).await;
        let (attempts, pages) = (ctx.attempts(), ctx.pagination());
        let columns = attempts.columns().await;
        assert!(
            !columns.iter().any(|c| c.contains("Duration")),
            "no durations from the server, no column: {columns:?}"
        );
        ctx.screenshot("attempts").await;

        for size in pages.sizes().await {
            pages.choose_size(&size).await;
            let mut labels = Vec::new();
            let mut ids = Vec::new();
            let second = match size.as_str() {
                "20" => format!("/endpoints/{}/attempts?offset=5", endpoint.id),
                _ => format!("/endpoints/{}/attempts?offset=5&size={size}", endpoint.id),
            };
            for range in ["1–5", "6–7"] {
                if range == "6–7" {
                    pages.next_to(&second).await;
                }
                pages
                    .summary(&format!("{range} of 7 attempts · {NOTE}"))
                    .await;
                ids.extend(attempts.ids().await);
                labels.extend(attempts.event_labels().await);
            }
            assert!(!pages.has_next().await);
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), 7, "{size} per page: every attempt once");
            // Each names the event of its payload (the attempt itself names none here), every event once.
            // Not in event order: the worker delivers concurrently, so the attempts' order (newest first)
            // may swap two events sent together.
            let mut expected: Vec<String> = events
                .iter()
                .map(|event| format!("user.created · {event}"))
                .collect();
            expected.sort_unstable();
            labels.sort_unstable();
            assert_eq!(labels, expected, "{size} per page");
            pages.page(1).await;
            pages.summary(&format!("1–5 of 7 attempts · {NOTE}")).await;
        }

        // No test events on the platform: the endpoint page asks once, and stays as it was.
        let page = ctx.endpoint_detail();
        page.open(endpoint.id).await;
        page.shown(&endpoint.target).await;
        assert!(!ctx.test_event().shown_once_asked().await);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resend_and_bulk_resend_send_exactly_the_chosen_events() {
    reference_test("reference-resend", |ctx, _| async move {
        let (_, events) = attempts_of(&ctx, "resend", 3).await;
        let (attempts, dialog) = (ctx.attempts(), ctx.dialog());
        let before = ctx.api().sink_event_ids("resend").await;
        assert_eq!(before.len(), 3);

        attempts.open(events[1]).await;
        // The new attempt is listed once delivered: auto-refresh brings it (rows are ticked without it,
        // so that none is redrawn under the click).
        attempts.set_live(true).await;
        attempts.panel_action("Resend this event").await;
        dialog.titled("Resend this event?").await;
        dialog.confirm_with("admin").await;
        ctx.shell()
            .toast(&format!("Resent event {}", events[1]))
            .await;
        ctx.pagination().summary("of 4 attempts").await;
        attempts.set_live(false).await;
        let after_one = ctx.api().sink_event_ids("resend").await;
        assert_eq!(after_one[..1], [events[1]], "exactly the event chosen");
        assert_eq!(after_one[1..], before);

        attempts.tick_event(events[0]).await;
        attempts.tick_event(events[2]).await;
        attempts.set_live(true).await;
        attempts.resend_selected("Resend 2 events").await;
        dialog
            .says(&format!("Events {}, {}", events[0], events[2]))
            .await;
        dialog.confirm_with("admin").await;
        ctx.shell().toast("Resent 2 events").await;
        ctx.pagination().summary("of 6 attempts").await;
        let after_bulk = ctx.api().sink_event_ids("resend").await;
        let mut resent = after_bulk[..2].to_vec();
        resent.sort_unstable();
        assert_eq!(resent, [events[0], events[2]], "exactly the events ticked");
        assert_eq!(after_bulk[2..], after_one);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_resend_says_why_when_ticked_attempts_carry_no_event_id() {
    reference_test("reference-bulk-reason", |ctx, proxy| async move {
        let api = ctx.api();
        api.reset(false).await;
        let endpoint = api
            .create_endpoint(&api.sink_url("reason"), &["user.created"])
            .await;
        let mut events = Vec::new();
        for _ in 0..3 {
            events.push(api.trigger("user.created").await.event_id);
        }
        // The first two carry no event id anywhere, not even in their payloads.
        proxy.hide_event_ids(&events[..2]);
        ctx.sign_in_page().sign_in("admin", "admin").await;
        let attempts = ctx.attempts();
        attempts.open_page(endpoint.id).await;
        attempts.set_live(true).await;
        ctx.pagination().summary("of 3 attempts").await;
        attempts.row(events[2], "Delivered").await;
        attempts.set_live(false).await;
        let mut ids = Vec::new();
        for &event in &events {
            ids.push(attempt_of_event(&ctx, endpoint.id, event).await);
        }
        let before = ctx.api().sink_event_ids("reason").await;

        attempts.tick(ids[0]).await;
        attempts.resend_selected_disabled("Resend selected").await;
        attempts
            .bulk_note("Resend needs the event's id, and neither the ticked attempt nor its payload carries one.")
            .await;
        attempts.tick(ids[1]).await;
        attempts
            .bulk_note("Resend needs the events' ids, and none of the 2 ticked attempts or their payloads carries one.")
            .await;
        attempts.resend_selected_disabled("Resend selected").await;
        ctx.assert_accessible("bulk-resend-reason").await;

        attempts.tick(ids[2]).await;
        attempts
            .bulk_note("1 of the 3 ticked attempts can be resent; the others carry no event id.")
            .await;
        ctx.assert_accessible("bulk-resend-some").await;
        attempts.set_live(true).await;
        attempts.resend_selected("Resend 1 event").await;
        ctx.dialog().confirm_with("admin").await;
        ctx.shell().toast("Resent 1 event").await;
        ctx.pagination().summary("of 4 attempts").await;
        let after = ctx.api().sink_event_ids("reason").await;
        assert_eq!(after[..1], [events[2]], "only the event that has an id");
        assert_eq!(after[1..], before);
    })
    .await;
}
