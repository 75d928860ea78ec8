//! An attempt as loaded, with what the derivation reads from it worked out once: which event it
//! delivered, when that event happened, when the try was made.

use std::sync::Arc;

use webhook_api::Attempt;

use crate::{
    json_tree::{self, Json},
    time::{self, EpochMs},
};

/// Which event an attempt delivered: its id, or (when neither the attempt nor its payload names it)
/// its payload's bytes, which every attempt of one event sends unchanged (contract §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKey {
    Id(u64),
    /// A hash of the payload (FNV-1a).
    Payload(u64),
}

impl EventKey {
    /// A short text for element keys and `data-` attributes.
    pub fn text(self) -> String {
        match self {
            Self::Id(id) => format!("e{id}"),
            Self::Payload(hash) => format!("p{hash:x}"),
        }
    }
}

/// An attempt and what the derivation needs of it.
#[derive(Clone, Debug)]
pub struct LoadedAttempt {
    pub attempt: Arc<Attempt>,
    pub key: EventKey,
    /// The event's id (the attempt's `event.id`, else its payload's `event_id`).
    pub event_id: Option<u64>,
    /// When the event happened: its payload's `created`.
    pub happened: Option<EpochMs>,
    /// `created_at` (0 if the server wrote something else).
    pub created: EpochMs,
    /// When the try started: `sent_at`, else `created_at`.
    pub started: EpochMs,
}

impl LoadedAttempt {
    pub fn new(attempt: Arc<Attempt>) -> Self {
        let payload = json_tree::parse(&attempt.http_request_body).ok();
        let member = |name: &str| match payload.as_ref().and_then(|p| p.get(name)) {
            Some(Json::Number(text)) => Some(text.as_str()),
            _ => None,
        };
        let event_id = attempt
            .event
            .id
            .or_else(|| member("event_id")?.parse().ok());
        let happened = member("created").and_then(unix_seconds_ms);
        let key = match event_id {
            Some(id) => EventKey::Id(id),
            None => EventKey::Payload(fnv1a(&attempt.http_request_body)),
        };
        let created = time::parse_iso8601(&attempt.created_at).unwrap_or(0.0);
        let started = attempt
            .sent_at
            .as_deref()
            .and_then(time::parse_iso8601)
            .unwrap_or(created);
        Self {
            attempt,
            key,
            event_id,
            happened,
            created,
            started,
        }
    }
}

/// The id of the event `attempt` delivered, which resend takes: the attempt's `event.id` (an addition of
/// the contract, which mock-server sends), else the `event_id` of the payload it sent (the platform's
/// payloads carry it), so that resend works against a server without the addition too.
pub fn event_id(attempt: &Attempt) -> Option<u64> {
    attempt.event.id.or_else(|| {
        match json_tree::parse(&attempt.http_request_body)
            .ok()?
            .get("event_id")?
        {
            Json::Number(text) => text.parse().ok(),
            _ => None,
        }
    })
}

/// Unix seconds with up to six decimals ("1616682106.481539") as epoch milliseconds, without a float
/// parser (the .wasm has a size budget).
fn unix_seconds_ms(text: &str) -> Option<EpochMs> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let seconds: u64 = whole.parse().ok()?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut micros = 0;
    for (i, digit) in fraction.bytes().take(6).enumerate() {
        micros += u32::from(digit - b'0') * 10u32.pow(5 - i as u32);
    }
    Some(seconds as f64 * 1000.0 + f64::from(micros) / 1000.0)
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
