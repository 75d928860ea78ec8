//! Issue 13 end to end: the endpoint page's deliveries by event. States that tell the truth (the
//! seeded failed-then-delivered event, a failing receiver's retry then its end), filters in the URL,
//! "Resend failed events" and the export, live updates, and a deleted endpoint's page.

use std::time::Duration;

use e2e::{Ctx, browser_test, browser_test_with};
use mock_server::config::RetrySchedule;
use webhook_api::SinkBehavior;

/// Signs in on the page of endpoint `id` and waits for it.
async fn on_the_page_of(ctx: &Ctx, id: u64) {
    ctx.endpoint_detail().open(id).await;
    ctx.sign_in_page().sign_in("admin", "admin").await;
    ctx.deliveries().scan_summary("attempt").await;
}

/// A new endpoint on the sink `sink` (subscribed to `user.created`), its page open.
async fn new_endpoint_page(ctx: &Ctx, sink: &str) -> webhook_api::Endpoint {
    let api = ctx.api();
    api.reset(false).await;
    let endpoint = api
        .create_endpoint(&api.sink_url(sink), &["user.created"])
        .await;
    on_the_page_of(ctx, endpoint.id).await;
    endpoint
}

/// The sink answers `status` from now on.
async fn sink_answers(ctx: &Ctx, sink: &str, status: u16) {
    let behavior = SinkBehavior {
        status,
        ..SinkBehavior::default()
    };
    ctx.api().sink_behavior(sink, &behavior).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seeded_event_whose_retry_was_delivered_reads_delivered_with_two_tries() {
    browser_test("by-event-seeded", |ctx| async move {
        let api = ctx.api();
        api.reset(true).await;
        let list = api.get("/api/v2/webhook/endpoint/?limit=100").await;
        let crm = list["results"]
            .as_array()
            .expect("endpoints")
            .iter()
            .find(|e| e["target"].as_str().is_some_and(|t| t.contains("/crm/")))
            .expect("the seeded crm endpoint")["id"]
            .as_u64()
            .expect("an id");
        on_the_page_of(&ctx, crm).await;
        let deliveries = ctx.deliveries();
        let row = deliveries
            .event_saying(&["user.created", "2 tries", "Delivered", "200 OK"])
            .await;
        deliveries.toggle(&row).await;
        let tries = deliveries.tries(2).await;
        assert!(
            tries[0].contains("Try 1")
                && tries[0].contains("Failed, retried")
                && tries[0].contains("502 Bad Gateway"),
            "{tries:?}"
        );
        assert!(
            tries[1].contains("Try 2") && tries[1].contains("Delivered"),
            "{tries:?}"
        );
        let text = ctx
            .eval("return document.querySelector('.deliveries').innerText")
            .await;
        assert!(
            !text.as_str().unwrap().contains("Retry scheduled"),
            "nothing of a delivered history is scheduled: {text}"
        );
        ctx.screenshot("events").await;
        ctx.dark_theme(true).await;
        ctx.screenshot("events-dark").await;
        ctx.phone_width().await;
        ctx.screenshot("events-phone-dark").await;
        ctx.dark_theme(false).await;
        ctx.screenshot("events-phone").await;
        ctx.desktop_width().await;

        // The flat list, one click away, says the same of the failed try.
        deliveries.all_attempts().await;
        ctx.attempts()
            .row_saying(&["502 Bad Gateway", "Failed, retried"])
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_receiver_shows_its_retry_scheduled_then_the_event_failed() {
    browser_test_with(
        "by-event-retry",
        |config| config.retry_schedule = RetrySchedule(vec![Duration::from_secs(8)]),
        |ctx| async move {
            new_endpoint_page(&ctx, "failing").await;
            sink_answers(&ctx, "failing", 503).await;
            let deliveries = ctx.deliveries();
            deliveries.empty("No deliveries in this window").await;
            // Live updates bring the event in without a click.
            let event = ctx.api().trigger("user.created").await;
            deliveries
                .event(event.event_id, &["Retry scheduled", "1 try", "503"])
                .await;
            ctx.screenshot("retry-scheduled").await;
            let row = deliveries
                .event(event.event_id, &["Failed", "2 tries"])
                .await;
            deliveries.toggle(&row).await;
            let tries = deliveries.tries(2).await;
            assert!(tries[0].contains("Failed, retried"), "{tries:?}");
            assert!(
                tries[1].contains("Try 2") && tries[1].contains("Failed"),
                "{tries:?}"
            );
            ctx.screenshot("failed").await;

            // The state filter goes to the URL and comes back from it.
            deliveries.filter_state("Failing").await;
            ctx.wait_for_path(&format!("/endpoints/{}?state=failing", event.endpoints[0]))
                .await;
            ctx.reload().await;
            deliveries.event(event.event_id, &["Failed"]).await;
            deliveries.filter_state("Delivered").await;
            deliveries.empty("No events match").await;
            deliveries.filter_window("1h").await;
            ctx.wait_for_path(&format!(
                "/endpoints/{}?state=delivered&window=1h",
                event.endpoints[0]
            ))
            .await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn recover_resends_exactly_the_failed_events_and_the_export_matches_the_screen() {
    browser_test_with(
        "by-event-recover",
        |config| config.retry_schedule = RetrySchedule(vec![]),
        |ctx| async move {
            let api = ctx.api();
            new_endpoint_page(&ctx, "recover").await;
            sink_answers(&ctx, "recover", 500).await;
            let failed = [
                api.trigger("user.created").await.event_id,
                api.trigger("user.created").await.event_id,
            ];
            let deliveries = ctx.deliveries();
            for id in failed {
                deliveries.event(id, &["Failed"]).await;
            }
            sink_answers(&ctx, "recover", 200).await;
            let delivered = api.trigger("user.created").await.event_id;
            deliveries.event(delivered, &["Delivered"]).await;

            deliveries.recover("Resend 2 failed events").await;
            let dialog = ctx.dialog();
            dialog.titled("Resend 2 failed events?").await;
            ctx.screenshot("recover-dialog").await;
            dialog.confirm_with("admin").await;
            deliveries.recover_note("Sent 2 of 2 events.").await;
            for id in failed {
                deliveries
                    .event(id, &["Delivered", "2 tries", "resent"])
                    .await;
            }
            ctx.screenshot("recovered").await;
            let mut received = ctx.api().sink_event_ids("recover").await;
            received.sort_unstable();
            let mut expected = vec![failed[0], failed[0], failed[1], failed[1], delivered];
            expected.sort_unstable();
            assert_eq!(
                received, expected,
                "each failed event once more, nothing else"
            );

            // The export: one line per attempt of the events on screen.
            let csv = deliveries.export(false).await;
            let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
            assert!(lines[0].starts_with("event_id,event_type,"), "{}", lines[0]);
            assert_eq!(lines.len(), 1 + 5, "a header and 5 attempts: {csv}");
            for id in failed {
                let of_event: Vec<&&str> = lines
                    .iter()
                    .filter(|l| l.starts_with(&format!("{id},")))
                    .collect();
                assert_eq!(of_event.len(), 2, "{csv}");
                assert!(
                    of_event.iter().all(|l| l.contains(",delivered,2,true,")),
                    "{csv}"
                );
                assert!(of_event.iter().any(|l| l.contains(",resend,")), "{csv}");
            }
            let ndjson = deliveries.export(true).await;
            let objects: Vec<serde_json::Value> = ndjson
                .lines()
                .map(|l| serde_json::from_str(l).expect("a JSON line"))
                .collect();
            assert_eq!(objects.len(), 5);
            assert!(objects.iter().all(|o| o["event_state"] == "delivered"));
            assert_eq!(
                objects.iter().filter(|o| o["try_kind"] == "resend").count(),
                2
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_endpoints_page_is_the_not_found_screen() {
    browser_test("by-event-deleted", |ctx| async move {
        let endpoint = new_endpoint_page(&ctx, "deleted").await;
        let (status, _) = ctx
            .api()
            .call(
                reqwest::Method::DELETE,
                &format!("/api/v2/webhook/endpoint/{}/", endpoint.id),
                None,
            )
            .await;
        assert_eq!(status, 204);
        // The next live update meets the 404.
        ctx.shell().heading("No such endpoint").await;
        ctx.screenshot("deleted-while-open").await;
        ctx.reload().await;
        ctx.shell().heading("No such endpoint").await;
        let text = ctx
            .eval("return document.querySelector('main').innerText")
            .await;
        let text = text.as_str().unwrap();
        assert!(!text.contains("Retry") && !text.contains("Live"), "{text}");
        assert_eq!(
            ctx.eval("return document.querySelectorAll('.deliveries, .attempts').length")
                .await,
            0
        );
        ctx.assert_accessible("endpoint-not-found").await;
    })
    .await;
}
