//! Demo data for a fresh database (contract section 1): endpoints of a plausible community, all
//! targeting this server's sink, and a few days of history with successful, failed and pending-retry
//! attempts. The history goes through the delivery code the worker uses (events, signed tries, the
//! retry rule), with the seed's own clock and answers scripted instead of sent. The pending retries
//! are real deliveries: the worker sends them when they come due.

use std::time::Duration;

use webhook_api::DeliveryError;

use crate::{
    AppState, clock,
    delivery::{
        Delivery, Recipients,
        attempt::{Exchange, Posted, Transport},
    },
    secrets::new_signing_secret,
    store::NewEndpoint,
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
    RecoveredAfter(&'static [Reply]),
    /// Failed tries, the last of them waiting for its retry.
    PendingRetry(&'static [Reply]),
    /// Every try the retry rule allows failed like this.
    GaveUp(Reply),
}

/// What the sink answered one try.
#[derive(Clone, Copy)]
enum Reply {
    Status(u16, &'static str),
    NoResponse(DeliveryError),
}

const DELIVERED: Reply = Reply::Status(200, r#"{"success":true}"#);
const BAD_GATEWAY: Reply = Reply::Status(
    502,
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n",
);
const LOCKED: Reply = Reply::Status(500, r#"{"error":"database is locked","retry":true}"#);
const GONE: Reply = Reply::Status(404, "no_service");
const TIMEOUT: Reply = Reply::NoResponse(DeliveryError::Timeout);
const REFUSED: Reply = Reply::NoResponse(DeliveryError::ConnectionRefused);

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
            (4 * 1440, "post.deleted", GaveUp(GONE)),
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

impl Story {
    /// The answers to its tries in order, for at most `most` tries.
    fn replies(&self, most: usize) -> Vec<Reply> {
        match self {
            Self::Delivered => vec![DELIVERED],
            Self::RecoveredAfter(failures) => [*failures, &[DELIVERED]].concat(),
            Self::PendingRetry(failures) => failures.to_vec(),
            Self::GaveUp(failure) => vec![*failure; most],
        }
    }
}

/// The seed's transport: the scripted reply, taking the scripted time.
struct Scripted {
    reply: Reply,
    duration_ms: u64,
}

impl Transport for Scripted {
    async fn post(&self, _: &Delivery, _: &str) -> Posted {
        let exchange = match self.reply {
            Reply::Status(status, body) => Exchange::Answered {
                status,
                body: body.as_bytes().to_vec(),
                error: None,
            },
            Reply::NoResponse(error) => Exchange::NoResponse(error),
        };
        Posted {
            exchange,
            duration_ms: self.duration_ms,
        }
    }
}

/// Fills an empty store with the demo data; endpoints target `state.base_url`'s sink.
pub async fn populate(state: &AppState) -> anyhow::Result<()> {
    let now = clock::now();
    let minute = clock::micros(Duration::from_secs(60));
    let rule = state.deliveries.retry_rule().clone();
    let mut jitter = Jitter(0x5eed);
    for demo in ENDPOINTS {
        let created_at = now - demo.days_ago * 1440 * minute;
        let target = format!("{}/__mock/sink/{}/", state.base_url, demo.sink);
        let signing_secret = new_signing_secret();
        let endpoint = state
            .store
            .create_endpoint_at(
                NewEndpoint {
                    target: target.clone(),
                    description: demo.description.to_owned(),
                    is_active: demo.is_active,
                    ssl_cert_verification: demo.ssl_cert_verification,
                    event_types: demo.events.iter().map(|t| (*t).to_owned()).collect(),
                    signing_secret: signing_secret.clone(),
                },
                created_at,
            )
            .await?;
        let endpoint_id = endpoint.id as i64;
        for (minutes_ago, event_type, story) in history(demo.sink) {
            let event_at = now - minutes_ago * minute - jitter.next(minute);
            let event = state
                .deliveries
                .emit_event(
                    event_type.to_owned(),
                    None,
                    event_at,
                    Recipients::Endpoints(vec![endpoint_id]),
                )
                .await?;
            let mut delivery = Delivery {
                endpoint_id,
                event_id: event.id,
                try_number: 1,
                retries: true,
                target: target.clone(),
                signing_secret: signing_secret.clone(),
                ssl_cert_verification: demo.ssl_cert_verification,
                payload: event.payload,
            };
            let replies = story.replies(rule.most_tries());
            let pending = matches!(story, Story::PendingRetry(_));
            let mut attempts = Vec::new();
            let mut sent_at = event_at + 200_000 + jitter.next(400_000);
            for (index, reply) in replies.iter().enumerate() {
                let last = index + 1 == replies.len();
                if last
                    && pending
                    && let Some(delay) = rule.delay_after(delivery.try_number)
                {
                    // Sent a while ago, its retry still ahead.
                    sent_at = sent_at.max(now - delay / 3 - jitter.next(delay / 3 + 1));
                }
                let duration_ms = match reply {
                    Reply::NoResponse(DeliveryError::Timeout) => 10_000,
                    Reply::NoResponse(_) => 2 + jitter.next(6) as u64,
                    Reply::Status(200..=299, _) => 35 + jitter.next(260) as u64,
                    Reply::Status(..) => 80 + jitter.next(900) as u64,
                };
                let script = Scripted {
                    reply: *reply,
                    duration_ms,
                };
                let attempt = delivery.try_once(sent_at, &script, &rule).await;
                let next_retry = attempt.next_retry;
                attempts.push(attempt);
                let Some(due_at) = next_retry else {
                    break;
                };
                delivery.try_number += 1;
                sent_at = due_at + jitter.next(900_000);
            }
            let retry_due = attempts.last().and_then(|attempt| attempt.next_retry);
            state.store.record_attempts(attempts).await?;
            // A story that ends waiting for a retry leaves it to the worker.
            if let Some(due_at) = retry_due {
                state.deliveries.schedule(&delivery, due_at).await?;
            }
        }
    }
    Ok(())
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
