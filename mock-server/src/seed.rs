//! Demo data for a fresh database (contract section 1): endpoints of a plausible community, all
//! targeting this server's sink, and a few days of history with successful, failed and pending-retry
//! attempts. The pending retries are real deliveries: the worker sends them when they come due.

use std::time::Duration;

use serde_json::Value;
use webhook_api::{DeliveryError, bytes_literal, catalog, signature};

use crate::{
    AppState,
    clock::{self, Micros},
    delivery::payload,
    secrets::new_signing_secret,
    store::{NewEndpoint, PastAttempt},
};

struct DemoEndpoint {
    sink: &'static str,
    description: &'static str,
    events: &'static [&'static str],
    is_active: bool,
    ssl_cert_verification: bool,
    days_ago: i64,
}

const ENDPOINTS: &[DemoEndpoint] = &[
    DemoEndpoint {
        sink: "crm",
        description: "CRM sync: new and updated members go to the sales team's HubSpot bridge",
        events: &[
            "user.created",
            "user.updated",
            "user.deleted",
            "user.settings_updated",
        ],
        is_active: true,
        ssl_cert_verification: true,
        days_ago: 41,
    },
    DemoEndpoint {
        sink: "moderation",
        description: "Moderation queue: every new post, discussion and comment is screened by the review tool",
        events: &[
            "post.created",
            "post.updated",
            "discussion.created",
            "discussion.updated",
            "comment.created",
            "comment.updated",
        ],
        is_active: true,
        ssl_cert_verification: true,
        days_ago: 33,
    },
    DemoEndpoint {
        sink: "analytics",
        description: "Engagement analytics (staging warehouse behind a self-signed certificate)",
        events: &[
            "vote.created",
            "vote.deleted",
            "poll_vote.created",
            "poll_vote.deleted",
            "category.follow",
            "category.unfollow",
            "discussion.follow",
            "discussion.unfollow",
            "connection.follow",
            "connection.unfollow",
        ],
        is_active: true,
        ssl_cert_verification: false,
        days_ago: 19,
    },
    DemoEndpoint {
        sink: "loyalty",
        description: "Loyalty programme: prize requests to the fulfilment team, points to the rewards ledger",
        events: &[
            "loyalty.prize.created",
            "loyalty.prize.updated",
            "loyalty.prize_request.created",
            "loyalty.prize_request.updated",
            "user.loyalty_points_updated",
            "user.score_updated",
        ],
        is_active: true,
        ssl_cert_verification: true,
        days_ago: 12,
    },
    DemoEndpoint {
        sink: "slack",
        description: "Slack #community-alerts: deletions and new connection requests",
        events: &[
            "post.deleted",
            "discussion.deleted",
            "comment.deleted",
            "user.deleted",
            "connection_request.created",
        ],
        is_active: true,
        ssl_cert_verification: true,
        days_ago: 6,
    },
    DemoEndpoint {
        sink: "newsletter",
        description: "Legacy newsletter list sync (paused while we move to the new mailing platform)",
        events: &["user.created", "user.deleted"],
        is_active: false,
        ssl_cert_verification: true,
        days_ago: 60,
    },
];

/// How one delivery of the history went, try by try.
enum Story {
    Delivered,
    /// Failed tries (with what answered), then success.
    RecoveredAfter(&'static [Failure]),
    /// Failed tries, the last of them waiting for its retry.
    PendingRetry(&'static [Failure]),
    /// Every try failed.
    GaveUp(&'static [Failure]),
}

#[derive(Clone, Copy)]
enum Failure {
    Status(u16, &'static str),
    NoResponse(DeliveryError),
}

const BAD_GATEWAY: Failure = Failure::Status(
    502,
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n",
);
const LOCKED: Failure = Failure::Status(500, r#"{"error":"database is locked","retry":true}"#);
const GONE: Failure = Failure::Status(404, "no_service");
const TIMEOUT: Failure = Failure::NoResponse(DeliveryError::Timeout);
const REFUSED: Failure = Failure::NoResponse(DeliveryError::ConnectionRefused);

/// The history: (minutes ago, event type, story) per endpoint, by sink name.
fn history(sink: &str) -> Vec<(i64, &'static str, Story)> {
    use Story::*;
    match sink {
        "crm" => vec![
            (3 * 1440 + 95, "user.created", Delivered),
            (3 * 1440 + 40, "user.updated", Delivered),
            (2 * 1440 + 610, "user.settings_updated", Delivered),
            (1440 + 300, "user.created", RecoveredAfter(&[BAD_GATEWAY])),
            (1440 + 12, "user.updated", Delivered),
            (185, "user.deleted", Delivered),
            (26, "user.created", Delivered),
        ],
        "moderation" => vec![
            (2 * 1440 + 200, "discussion.created", Delivered),
            (2 * 1440 + 130, "comment.created", Delivered),
            (1440 + 800, "post.created", Delivered),
            (
                1440 + 420,
                "comment.created",
                RecoveredAfter(&[TIMEOUT, BAD_GATEWAY]),
            ),
            (640, "discussion.updated", Delivered),
            (95, "comment.updated", Delivered),
            (41, "post.created", Delivered),
            (9, "comment.created", Delivered),
        ],
        "analytics" => vec![
            (1440 + 900, "vote.created", Delivered),
            (1440 + 60, "poll_vote.created", RecoveredAfter(&[TIMEOUT])),
            (700, "category.follow", Delivered),
            (330, "vote.created", Delivered),
            (55, "discussion.follow", Delivered),
        ],
        "loyalty" => vec![
            (2 * 1440 + 15, "loyalty.prize.created", Delivered),
            (1440 + 500, "user.loyalty_points_updated", Delivered),
            (
                400,
                "loyalty.prize_request.created",
                RecoveredAfter(&[LOCKED]),
            ),
            (
                60,
                "loyalty.prize_request.updated",
                PendingRetry(&[LOCKED, LOCKED, LOCKED, LOCKED]),
            ),
            (20, "user.score_updated", Delivered),
        ],
        "slack" => vec![
            (
                4 * 1440,
                "post.deleted",
                GaveUp(&[GONE, GONE, GONE, GONE, GONE, GONE]),
            ),
            (1440 + 200, "connection_request.created", Delivered),
            (300, "comment.deleted", Delivered),
            (3, "discussion.deleted", PendingRetry(&[REFUSED])),
        ],
        "newsletter" => vec![
            (20 * 1440, "user.created", Delivered),
            (15 * 1440, "user.created", Delivered),
            (12 * 1440, "user.deleted", RecoveredAfter(&[BAD_GATEWAY])),
        ],
        _ => Vec::new(),
    }
}

/// Fills an empty store with the demo data; endpoints target `state.base_url`'s sink.
pub async fn populate(state: &AppState) -> anyhow::Result<()> {
    let now = clock::now();
    let minute = clock::micros(Duration::from_secs(60));
    let schedule: Vec<Micros> = state
        .config
        .retry_schedule
        .0
        .iter()
        .copied()
        .map(clock::micros)
        .collect();
    let mut jitter = Jitter(0x5eed);
    for demo in ENDPOINTS {
        let created_at = now - demo.days_ago * 1440 * minute;
        let endpoint = state
            .store
            .create_endpoint_at(
                NewEndpoint {
                    target: format!("{}/__mock/sink/{}/", state.base_url, demo.sink),
                    description: demo.description.to_owned(),
                    is_active: demo.is_active,
                    ssl_cert_verification: demo.ssl_cert_verification,
                    event_types: demo.events.iter().map(|t| (*t).to_owned()).collect(),
                    signing_secret: new_signing_secret(),
                },
                created_at,
            )
            .await?;
        let endpoint_id = endpoint.id as i64;
        let secret = state
            .store
            .signing_secret(endpoint_id)
            .await?
            .unwrap_or_default();
        for (minutes_ago, event_type, story) in history(demo.sink) {
            let event_at = now - minutes_ago * minute - jitter.next(minute);
            let data = catalog::example_data(event_type).unwrap_or(Value::Null);
            let event_id = state
                .store
                .create_past_event(
                    event_type.to_owned(),
                    event_at,
                    vec![endpoint_id],
                    move |id| payload::serialize(id, event_type, event_at, &data),
                )
                .await?;
            let body = state.store.event_payload(event_id).await?;
            let (failures, ending) = match &story {
                Story::Delivered => (&[][..], Ending::Success),
                Story::RecoveredAfter(failures) => (*failures, Ending::Success),
                Story::PendingRetry(failures) => (*failures, Ending::Pending),
                Story::GaveUp(failures) => (*failures, Ending::Exhausted),
            };
            let mut attempts = Vec::new();
            let mut sent_at = event_at + 200_000 + jitter.next(400_000);
            for (index, failure) in failures.iter().enumerate() {
                let last = index + 1 == failures.len();
                let delay = schedule.get(index).copied();
                let next_retry = match (delay, ending) {
                    (None, _) => None,
                    (Some(_), Ending::Exhausted) if last => None,
                    (Some(delay), Ending::Pending) if last => {
                        // Sent a while ago, its retry still ahead.
                        sent_at = sent_at.max(now - delay / 3 - jitter.next(delay / 3 + 1));
                        Some(sent_at + delay)
                    }
                    (Some(delay), _) => Some(sent_at + delay),
                };
                let duration_ms = match failure {
                    Failure::NoResponse(DeliveryError::Timeout) => 10_000,
                    Failure::NoResponse(_) => 2 + jitter.next(6) as u64,
                    Failure::Status(..) => 80 + jitter.next(900) as u64,
                };
                attempts.push(past_attempt(
                    endpoint_id,
                    event_id,
                    &secret,
                    &body,
                    sent_at,
                    *failure,
                    duration_ms,
                    next_retry,
                ));
                if last && matches!(ending, Ending::Pending) {
                    state
                        .store
                        .schedule_retry(
                            endpoint_id,
                            event_id,
                            index as u32 + 2,
                            next_retry.unwrap_or(now),
                        )
                        .await?;
                }
                sent_at = next_retry.unwrap_or(sent_at) + jitter.next(900_000);
            }
            if matches!(ending, Ending::Success) {
                attempts.push(PastAttempt {
                    endpoint_id,
                    event_id,
                    sent_at,
                    signature_header: signature::header_value(&secret, sent_at / 1_000_000, &body),
                    response_code: Some(200),
                    response_body: Some(bytes_literal::encode(br#"{"success":true}"#)),
                    error: None,
                    duration_ms: 35 + jitter.next(260) as u64,
                    next_retry: None,
                });
            }
            state.store.record_past_attempts(attempts).await?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Ending {
    Success,
    Pending,
    Exhausted,
}

#[allow(clippy::too_many_arguments)]
fn past_attempt(
    endpoint_id: i64,
    event_id: i64,
    secret: &str,
    body: &[u8],
    sent_at: Micros,
    failure: Failure,
    duration_ms: u64,
    next_retry: Option<Micros>,
) -> PastAttempt {
    let (response_code, response_body, error) = match failure {
        Failure::Status(code, text) => (
            Some(code),
            Some(bytes_literal::encode(text.as_bytes())),
            None,
        ),
        Failure::NoResponse(error) => (None, None, Some(error)),
    };
    PastAttempt {
        endpoint_id,
        event_id,
        sent_at,
        signature_header: signature::header_value(secret, sent_at / 1_000_000, body),
        response_code,
        response_body,
        error,
        duration_ms,
        next_retry,
    }
}

/// A tiny deterministic generator, so the demo history looks irregular but is the same every time.
struct Jitter(u64);

impl Jitter {
    fn next(&mut self, below: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        if below <= 0 {
            0
        } else {
            (self.0 % below as u64) as i64
        }
    }
}
