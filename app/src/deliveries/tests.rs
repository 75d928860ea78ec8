use webhook_api::{AttemptEvent, DeliveryError};

use super::{scan::Loaded, *};
use crate::time::iso8601;

/// 2024-05-01T10:00:00Z: the tests' times are seconds after it.
const T0: f64 = 1_714_557_600_000.0;
const S: f64 = 1000.0;

fn at(seconds: f64) -> String {
    iso8601(T0 + seconds * S)
}

/// Attempt `id` of event `event` (happened at 0 s), sent at `sent` s, answered `code` (`None`: no
/// answer, timed out), with a retry due at `retry` s.
fn attempt(id: u64, event: u64, sent: f64, code: Option<u16>, retry: Option<f64>) -> Attempt {
    Attempt {
        id,
        created_at: at(sent + 0.5),
        event: AttemptEvent {
            id: Some(event),
            event_type: "user.created".into(),
            added_at: at(-86_400.0),
        },
        sent_at: Some(at(sent)),
        http_request_body: format!(
            r#"{{"event_id": {event}, "type": "user.created", "created": {}.000000, "data": {{}}}}"#,
            (T0 / S) as u64
        ),
        http_request_signature_header: "t=1,v0=00".into(),
        http_response_code: code,
        http_response_body: None,
        next_retry: retry.map(at),
        error: code.is_none().then_some(DeliveryError::Timeout),
        duration_ms: Some(40),
    }
}

/// The attempts as a newest-first scan from the start loads them; `everything` when it reached the end.
fn events(attempts: Vec<Attempt>, everything: bool) -> Vec<EventDeliveries> {
    let mut loaded = Loaded::default();
    let mut newest_first = attempts;
    newest_first.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    let times = loaded.add_older(newest_first);
    let coverage = Coverage {
        complete_after: times.iter().copied().reduce(f64::min),
        everything,
        later_loaded: true,
    };
    by_event(loaded.rows(), coverage)
}

fn one(attempts: Vec<Attempt>) -> EventDeliveries {
    let mut all = events(attempts, true);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn kinds(event: &EventDeliveries) -> Vec<TryKind> {
    event.tries.iter().map(|t| t.kind).collect()
}

fn outcomes(event: &EventDeliveries, now: f64) -> Vec<Outcome> {
    event
        .tries
        .iter()
        .map(|t| t.outcome(T0 + now * S))
        .collect()
}

fn state(event: &EventDeliveries, now: f64) -> DeliveryState {
    event.state(T0 + now * S)
}

#[test]
fn a_first_try_that_got_a_2xx_is_delivered_in_one_try() {
    let event = one(vec![attempt(1, 7, 1.0, Some(200), None)]);
    assert_eq!(state(&event, 60.0), DeliveryState::Delivered);
    assert_eq!(event.tries_label(), "1 try");
    assert_eq!(kinds(&event), [TryKind::First]);
    assert_eq!(event.tries[0].number, Some(1));
    assert_eq!(event.event_id, Some(7));
    assert_eq!(event.happened, Some(T0));
}

#[test]
fn a_failure_whose_retry_delivered_is_delivered_and_the_failure_reads_retried() {
    // The seeded crm story: a 502, its retry 30 s later delivered; read a day later.
    let event = one(vec![
        attempt(1, 7, 1.0, Some(502), Some(31.0)),
        attempt(2, 7, 31.2, Some(200), None),
    ]);
    let a_day_later = 86_400.0;
    assert_eq!(state(&event, a_day_later), DeliveryState::Delivered);
    assert_eq!(event.tries_label(), "2 tries");
    assert_eq!(kinds(&event), [TryKind::First, TryKind::Retry]);
    assert_eq!(
        outcomes(&event, a_day_later),
        [Outcome::Retried, Outcome::Delivered]
    );
    assert_eq!(event.next_due, None);
}

#[test]
fn a_failure_with_its_retry_ahead_has_a_retry_scheduled() {
    let event = one(vec![attempt(1, 7, 1.0, Some(503), Some(301.0))]);
    assert_eq!(state(&event, 10.0), DeliveryState::RetryScheduled);
    assert_eq!(outcomes(&event, 10.0), [Outcome::RetryScheduled]);
    assert_eq!(event.next_due, Some(T0 + 301.0 * S));
}

#[test]
fn a_retry_whose_time_passed_without_a_later_try_is_overdue() {
    let event = one(vec![
        attempt(1, 7, 1.0, None, Some(6.0)),
        attempt(2, 7, 6.1, Some(500), Some(31.0)),
    ]);
    assert_eq!(state(&event, 40.0), DeliveryState::RetryOverdue);
    assert_eq!(
        outcomes(&event, 40.0),
        [Outcome::Retried, Outcome::RetryOverdue]
    );
}

#[test]
fn the_moment_a_retry_is_due_it_is_no_longer_scheduled() {
    let event = one(vec![attempt(1, 7, 1.0, Some(500), Some(31.0))]);
    assert_eq!(state(&event, 30.999), DeliveryState::RetryScheduled);
    assert_eq!(state(&event, 31.0), DeliveryState::RetryOverdue);
    assert_eq!(outcomes(&event, 31.0), [Outcome::RetryOverdue]);
}

#[test]
fn a_retry_made_a_little_before_its_recorded_time_still_answers_it() {
    // `sent_at` and `next_retry` are rounded differently by some servers.
    let event = one(vec![
        attempt(1, 7, 1.0, Some(500), Some(31.0)),
        attempt(2, 7, 30.4, Some(200), None),
    ]);
    assert_eq!(kinds(&event), [TryKind::First, TryKind::Retry]);
}

#[test]
fn a_last_failure_with_no_retry_left_has_failed() {
    let event = one(vec![
        attempt(1, 7, 1.0, Some(500), Some(6.0)),
        attempt(2, 7, 6.0, Some(500), None),
    ]);
    assert_eq!(state(&event, 3_600.0), DeliveryState::Failed);
    assert_eq!(
        outcomes(&event, 3_600.0),
        [Outcome::Retried, Outcome::Failed]
    );
    // Deactivating the endpoint sets every next_retry to null: failed as well.
    let cancelled = one(vec![attempt(1, 7, 1.0, Some(500), None)]);
    assert_eq!(state(&cancelled, 2.0), DeliveryState::Failed);
}

#[test]
fn a_2xx_whose_body_timed_out_is_not_delivered() {
    let mut a = attempt(1, 7, 1.0, Some(200), None);
    a.error = Some(DeliveryError::Timeout);
    let event = one(vec![a]);
    assert_eq!(state(&event, 20.0), DeliveryState::Failed);
}

#[test]
fn a_try_no_retry_pointed_at_is_a_resend() {
    // Failed for good; the admin resends a day later and it is delivered.
    let event = one(vec![
        attempt(1, 7, 1.0, Some(404), None),
        attempt(2, 7, 86_400.0, Some(200), None),
    ]);
    assert_eq!(kinds(&event), [TryKind::First, TryKind::Resend]);
    assert_eq!(state(&event, 86_401.0), DeliveryState::Delivered);
}

#[test]
fn a_resend_before_the_retry_is_due_leaves_the_retry_scheduled() {
    let first = attempt(1, 7, 1.0, Some(500), Some(26.0));
    let resend = attempt(2, 7, 10.0, Some(500), None);
    let event = one(vec![first.clone(), resend.clone()]);
    assert_eq!(kinds(&event), [TryKind::First, TryKind::Resend]);
    assert_eq!(state(&event, 12.0), DeliveryState::RetryScheduled);
    assert_eq!(
        outcomes(&event, 12.0),
        [Outcome::RetryScheduled, Outcome::Failed]
    );
    // Then the retry comes: it answers the first try's next_retry, not the resend.
    let event = one(vec![first, resend, attempt(3, 7, 26.0, Some(200), None)]);
    assert_eq!(
        kinds(&event),
        [TryKind::First, TryKind::Resend, TryKind::Retry]
    );
    assert_eq!(
        outcomes(&event, 30.0),
        [Outcome::Retried, Outcome::Failed, Outcome::Delivered]
    );
}

#[test]
fn a_resend_that_delivers_while_a_retry_is_scheduled_makes_the_event_delivered() {
    let event = one(vec![
        attempt(1, 7, 1.0, Some(500), Some(26.0)),
        attempt(2, 7, 5.0, Some(200), None),
    ]);
    assert_eq!(state(&event, 6.0), DeliveryState::Delivered);
    // The server keeps the retry (a resend cancels nothing): it is still due.
    assert_eq!(event.next_due, Some(T0 + 26.0 * S));
}

#[test]
fn an_event_whose_first_tries_are_beyond_the_loaded_attempts_says_so() {
    // The scan reached back to 20 s only: the event happened at 0 s, its first try is not loaded.
    let mut loaded = Loaded::default();
    let times = loaded.add_older(vec![
        attempt(3, 7, 31.0, Some(500), Some(156.0)),
        attempt(2, 7, 6.0, Some(500), Some(31.0)),
    ]);
    let coverage = Coverage {
        complete_after: Some(T0 + 20.0 * S),
        everything: false,
        later_loaded: true,
    };
    assert_eq!(times.len(), 2);
    let event = by_event(loaded.rows(), coverage).remove(0);
    assert!(!event.complete);
    assert_eq!(event.tries_label(), "2+ tries");
    assert_eq!(kinds(&event), [TryKind::Unknown, TryKind::Retry]);
    assert_eq!(
        event.tries.iter().map(|t| t.number).collect::<Vec<_>>(),
        [None, None]
    );
    assert_eq!(state(&event, 60.0), DeliveryState::RetryScheduled);
    // Loaded back past the event's time, the history is whole.
    let coverage = Coverage {
        complete_after: Some(T0 - S),
        ..coverage
    };
    let event = by_event(loaded.rows(), coverage).remove(0);
    assert!(event.complete);
    assert_eq!(event.tries_label(), "2 tries");
}

#[test]
fn an_event_that_happened_exactly_at_the_oldest_loaded_time_may_miss_tries() {
    let mut loaded = Loaded::default();
    loaded.add_older(vec![attempt(1, 7, 1.0, Some(200), None)]);
    let coverage = |after: f64| Coverage {
        complete_after: Some(after),
        everything: false,
        later_loaded: true,
    };
    assert!(!by_event(loaded.rows(), coverage(T0))[0].complete);
    assert!(by_event(loaded.rows(), coverage(T0 - 1.0))[0].complete);
}

#[test]
fn on_a_page_that_may_lack_newer_tries_a_passed_retry_is_only_due() {
    // Page 2 of the flat list: the retry may be on page 1.
    let attempts: Vec<Arc<Attempt>> = vec![Arc::new(attempt(1, 7, 1.0, Some(500), Some(6.0)))];
    let tries = tries_of(&attempts, false);
    assert_eq!(tries[0].outcome(T0 + 60.0 * S), Outcome::RetryDue);
    assert_eq!(tries[0].outcome(T0 + 2.0 * S), Outcome::RetryScheduled);
    // On the first page nothing newer exists: overdue.
    let tries = tries_of(&attempts, true);
    assert_eq!(tries[0].outcome(T0 + 60.0 * S), Outcome::RetryOverdue);
}

#[test]
fn a_page_of_the_flat_list_keeps_its_order_with_each_attempts_outcome() {
    let attempts: Vec<Arc<Attempt>> = [
        attempt(4, 8, 40.0, Some(200), None),
        attempt(3, 7, 31.0, Some(200), None),
        attempt(2, 8, 2.0, Some(502), Some(40.0)),
        attempt(1, 7, 1.0, Some(502), Some(31.0)),
    ]
    .into_iter()
    .map(Arc::new)
    .collect();
    let tries = tries_of(&attempts, true);
    assert_eq!(
        tries.iter().map(|t| t.attempt.id).collect::<Vec<_>>(),
        [4, 3, 2, 1]
    );
    assert_eq!(
        tries
            .iter()
            .map(|t| t.outcome(T0 + 60.0 * S))
            .collect::<Vec<_>>(),
        [
            Outcome::Delivered,
            Outcome::Delivered,
            Outcome::Retried,
            Outcome::Retried
        ]
    );
}

#[test]
fn events_are_grouped_by_id_newest_first() {
    let all = events(
        vec![
            attempt(1, 7, 1.0, Some(500), Some(6.0)),
            attempt(2, 8, 3.0, Some(200), None),
            attempt(3, 7, 6.0, Some(200), None),
        ],
        true,
    );
    assert_eq!(
        all.iter().map(|e| e.event_id).collect::<Vec<_>>(),
        [Some(7), Some(8)]
    );
    assert_eq!(all[0].tries.len(), 2);
}

#[test]
fn without_event_ids_the_payload_groups_the_tries_of_one_event() {
    // The platform's reference: no event.id, and payloads without event_id.
    let strip = |mut a: Attempt, created: &str| {
        a.event.id = None;
        a.http_request_body =
            format!(r#"{{"type": "vote.created", "created": {created}, "data": {{}}}}"#);
        a
    };
    let all = events(
        vec![
            strip(
                attempt(1, 7, 1.0, Some(500), Some(6.0)),
                "1714557600.000001",
            ),
            strip(attempt(2, 8, 3.0, Some(200), None), "1714557602.5"),
            strip(attempt(3, 7, 6.0, Some(200), None), "1714557600.000001"),
        ],
        true,
    );
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].tries.len(), 2);
    assert_eq!(all[0].event_id, None);
    assert!(matches!(all[0].key, EventKey::Payload(_)));
    assert_eq!(all[1].happened, Some(T0 + 2_500.0));
    assert_eq!(state(&all[0], 10.0), DeliveryState::Delivered);
}

#[test]
fn states_that_are_failing_and_those_resend_recovers() {
    use DeliveryState::*;
    let failing: Vec<_> = [Delivered, RetryScheduled, RetryOverdue, Failed, Pending]
        .into_iter()
        .filter(|s| s.is_failing())
        .collect();
    assert_eq!(failing, [RetryScheduled, RetryOverdue, Failed]);
    assert!(Failed.needs_resend() && RetryOverdue.needs_resend());
    assert!(!RetryScheduled.needs_resend() && !Delivered.needs_resend());
}

#[test]
fn an_event_is_in_a_window_when_one_of_its_tries_is() {
    let event = one(vec![
        attempt(1, 7, 1.0, Some(500), Some(600.0)),
        attempt(2, 7, 600.0, Some(200), None),
    ]);
    let s = |seconds: f64| T0 + seconds * S;
    assert!(event.active_between(s(500.0), s(700.0)));
    assert!(event.active_between(s(0.0), s(100.0)));
    assert!(!event.active_between(s(100.0), s(500.0)));
    // Both ends belong to the window.
    assert!(event.active_between(s(600.5), s(601.0)));
    assert!(event.active_between(s(0.0), s(1.5)));
}

#[test]
fn the_event_id_is_the_attempts_own_else_the_payloads() {
    let mut a = attempt(1, 3, 1.0, Some(200), None);
    a.http_request_body = r#"{"event_id": 9, "type": "user.created"}"#.into();
    assert_eq!(event_id(&a), Some(3));
    a.event.id = None;
    assert_eq!(event_id(&a), Some(9));
    for body in [
        r#"{"type": "vote.created", "data": {}}"#,
        r#"{"event_id": "12"}"#,
        r#"{"event_id": 1.5}"#,
        r#"{"event_id": -3}"#,
        "not json",
    ] {
        a.http_request_body = body.into();
        assert_eq!(event_id(&a), None, "{body}");
    }
}
