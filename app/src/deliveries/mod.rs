//! What became of each event sent to an endpoint, derived from its attempts alone (the API lists
//! attempts, newest first, and has no events, filters or statistics): the tries of each event in
//! order, which try was an automatic retry and which a manual resend, each try's outcome and the
//! event's delivery state. Plain Rust with plain tests; the endpoint page's deliveries and the endpoint
//! list's health derive states with the same [`by_event`]. [`scan`] loads the attempts of a time
//! window, newest first and bounded, through [`crate::paging`].
//!
//! The contract keeps a failed try's `next_retry` as history after the retry was made, so a
//! `next_retry` alone says nothing about the present: a try whose `next_retry` has come and that a
//! later try of the same event answers was *retried*. A try that no earlier try's `next_retry` points
//! at (it started before any was due) is a manual *resend*.

mod attempt;
pub mod scan;

use std::sync::Arc;

use webhook_api::Attempt;

pub use attempt::{EventKey, LoadedAttempt, event_id};

use crate::time::{self, EpochMs};

/// A retry starts when its predecessor's `next_retry` has come; this much earlier still counts (the
/// server's times are rounded differently in different fields).
const RETRY_SLACK_MS: f64 = 1_000.0;

/// What the loaded attempts cover, which decides what can be known about an event.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Coverage {
    /// Every attempt created after this time is loaded (a newest-first scan's oldest attempt).
    pub complete_after: Option<EpochMs>,
    /// The whole list is loaded.
    pub everything: bool,
    /// Every try newer than the loaded ones is loaded too (a newest-first scan from the start; the
    /// first page in the default order), so a retry that is not among them was not made.
    pub later_loaded: bool,
}

/// An event's delivery state: what an admin wants to know first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryState {
    /// Some try got a 2xx in time.
    Delivered,
    /// No try succeeded; a retry is due in the future.
    RetryScheduled,
    /// No try succeeded; a retry's time has passed and no later try was made.
    RetryOverdue,
    /// No try succeeded and none is due.
    Failed,
    /// Not tried yet.
    Pending,
}

impl DeliveryState {
    /// The class suffix and a stable name (filters, exports, tests).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::RetryScheduled => "retry-scheduled",
            Self::RetryOverdue => "retry-overdue",
            Self::Failed => "failed",
            Self::Pending => "pending",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Delivered => "Delivered",
            Self::RetryScheduled => "Retry scheduled",
            Self::RetryOverdue => "Retry overdue",
            Self::Failed => "Failed",
            Self::Pending => "Pending",
        }
    }

    /// A symbol beside the colour, so the state does not rest on colour alone.
    pub fn icon(self) -> &'static str {
        match self {
            Self::Delivered => "✓",
            Self::RetryScheduled => "↻",
            Self::RetryOverdue => "!",
            Self::Failed => "✕",
            Self::Pending => "…",
        }
    }

    /// Not delivered, and a try failed: what the "failing" filter and the health badge show.
    pub fn is_failing(self) -> bool {
        matches!(
            self,
            Self::RetryScheduled | Self::RetryOverdue | Self::Failed
        )
    }

    /// Nothing more will happen by itself: what "resend failed events" sends again.
    pub fn needs_resend(self) -> bool {
        matches!(self, Self::RetryOverdue | Self::Failed)
    }
}

/// Which try this was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryKind {
    /// The first try (the whole history is loaded).
    First,
    /// An automatic retry: an earlier try's `next_retry` pointed at it.
    Retry,
    /// A manual resend: no earlier try's `next_retry` pointed at it.
    Resend,
    /// The oldest loaded try of an event whose earlier tries are not loaded.
    Unknown,
}

/// What a failed try's `next_retry` became.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Retry {
    /// None was scheduled.
    None,
    /// A later try of the event was its retry.
    Made,
    /// Due at this time, and no later try answers it (every later try is loaded).
    Due(EpochMs),
    /// Due at this time; later tries may be beyond what is loaded.
    Unseen(EpochMs),
}

/// How one try ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TryResult {
    Delivered,
    Failed(Retry),
    /// Not sent yet.
    Pending,
}

/// One try's outcome at a given time, in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// It failed and its retry was made.
    Retried,
    RetryScheduled,
    /// Its retry's time passed and no later try was made.
    RetryOverdue,
    /// Its retry's time passed; whether it was made is beyond what is loaded.
    RetryDue,
    Failed,
    Pending,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Retried => "retried",
            Self::RetryScheduled => "retry-scheduled",
            Self::RetryOverdue => "retry-overdue",
            Self::RetryDue => "retry-due",
            Self::Failed => "failed",
            Self::Pending => "pending",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Delivered => "Delivered",
            Self::Retried => "Failed, retried",
            Self::RetryScheduled => "Retry scheduled",
            Self::RetryOverdue => "Retry overdue",
            Self::RetryDue => "Retry due",
            Self::Failed => "Failed",
            Self::Pending => "Pending",
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            Self::Delivered => "✓",
            Self::Retried => "↪",
            Self::RetryScheduled | Self::RetryDue => "↻",
            Self::RetryOverdue => "!",
            Self::Failed => "✕",
            Self::Pending => "…",
        }
    }
}

/// One try of an event.
#[derive(Clone, Debug, PartialEq)]
pub struct Try {
    pub attempt: Arc<Attempt>,
    /// When it was recorded (`created_at`).
    pub created: EpochMs,
    /// 1 for the first try; `None` when earlier tries are not loaded.
    pub number: Option<usize>,
    pub kind: TryKind,
    pub result: TryResult,
}

impl Try {
    /// The outcome at `now` (epoch ms).
    pub fn outcome(&self, now: EpochMs) -> Outcome {
        match self.result {
            TryResult::Delivered => Outcome::Delivered,
            TryResult::Pending => Outcome::Pending,
            TryResult::Failed(Retry::None) => Outcome::Failed,
            TryResult::Failed(Retry::Made) => Outcome::Retried,
            TryResult::Failed(Retry::Due(due) | Retry::Unseen(due)) if due > now => {
                Outcome::RetryScheduled
            }
            TryResult::Failed(Retry::Due(_)) => Outcome::RetryOverdue,
            TryResult::Failed(Retry::Unseen(_)) => Outcome::RetryDue,
        }
    }
}

/// One event's deliveries to the endpoint, from the attempts loaded.
#[derive(Clone, Debug)]
pub struct EventDeliveries {
    pub key: EventKey,
    /// The id resend takes, when the attempts name it.
    pub event_id: Option<u64>,
    pub event_type: String,
    /// When the event happened (its payload's `created`).
    pub happened: Option<EpochMs>,
    /// Oldest first.
    pub tries: Vec<Try>,
    /// Every try of the event is loaded.
    pub complete: bool,
    /// The earliest `next_retry` that no later try answered.
    pub next_due: Option<EpochMs>,
    /// When the newest try was recorded.
    pub latest_at: EpochMs,
}

impl EventDeliveries {
    /// `tries`: the event's loaded attempts, oldest first.
    fn new(tries: &[&LoadedAttempt], coverage: Coverage) -> Self {
        let first = tries[0];
        let latest = tries[tries.len() - 1];
        let happened = tries.iter().find_map(|t| t.happened);
        // The first try comes after the event (or the subscription, whichever the server sends).
        let began = happened.or_else(|| time::parse_iso8601(&first.attempt.event.added_at));
        let complete = coverage.everything
            || matches!((coverage.complete_after, began), (Some(after), Some(began)) if after < began);
        let mut done: Vec<Try> = Vec::with_capacity(tries.len());
        // Failed tries whose `next_retry` no later try has answered yet: (index, due).
        let mut waiting: Vec<(usize, EpochMs)> = Vec::new();
        for (index, loaded) in tries.iter().enumerate() {
            let answered = waiting
                .iter()
                .position(|&(_, due)| due <= loaded.started + RETRY_SLACK_MS);
            let kind = match answered {
                Some(at) => {
                    let (retried, _) = waiting.remove(at);
                    done[retried].result = TryResult::Failed(Retry::Made);
                    TryKind::Retry
                }
                None if index > 0 => TryKind::Resend,
                None if complete => TryKind::First,
                None => TryKind::Unknown,
            };
            let attempt = &loaded.attempt;
            let result = if is_success(attempt) {
                TryResult::Delivered
            } else if attempt.sent_at.is_none()
                && attempt.http_response_code.is_none()
                && attempt.error.is_none()
            {
                TryResult::Pending
            } else {
                match attempt.next_retry.as_deref().and_then(time::parse_iso8601) {
                    Some(due) => {
                        waiting.push((index, due));
                        TryResult::Failed(if coverage.later_loaded {
                            Retry::Due(due)
                        } else {
                            Retry::Unseen(due)
                        })
                    }
                    None => TryResult::Failed(Retry::None),
                }
            };
            done.push(Try {
                attempt: Arc::clone(attempt),
                created: loaded.created,
                number: complete.then_some(index + 1),
                kind,
                result,
            });
        }
        Self {
            key: first.key,
            event_id: tries.iter().find_map(|t| t.event_id),
            event_type: latest.attempt.event.event_type.clone(),
            happened,
            tries: done,
            complete,
            next_due: coverage
                .later_loaded
                .then(|| waiting.iter().map(|&(_, due)| due).reduce(f64::min))
                .flatten(),
            latest_at: latest.created,
        }
    }

    /// The state at `now` (epoch ms).
    pub fn state(&self, now: EpochMs) -> DeliveryState {
        if self.tries.iter().any(|t| t.result == TryResult::Delivered) {
            DeliveryState::Delivered
        } else if let Some(due) = self.next_due {
            if due > now {
                DeliveryState::RetryScheduled
            } else {
                DeliveryState::RetryOverdue
            }
        } else if self.latest().result == TryResult::Pending {
            DeliveryState::Pending
        } else {
            DeliveryState::Failed
        }
    }

    /// The newest try.
    pub fn latest(&self) -> &Try {
        &self.tries[self.tries.len() - 1]
    }

    /// "1 try", "2 tries", "3+ tries" (earlier tries not loaded).
    pub fn tries_label(&self) -> String {
        let n = self.tries.len();
        let more = if self.complete { "" } else { "+" };
        if n == 1 && self.complete {
            "1 try".to_owned()
        } else {
            format!("{n}{more} tries")
        }
    }

    /// Whether a try of the event was recorded between `from` and `to` (epoch ms, both included).
    pub fn active_between(&self, from: EpochMs, to: EpochMs) -> bool {
        self.tries
            .iter()
            .any(|t| t.created >= from && t.created <= to)
    }
}

/// A 2xx whose whole body came in time (a 2xx with an error timed out reading the body: a failure).
pub fn is_success(attempt: &Attempt) -> bool {
    matches!(attempt.http_response_code, Some(200..=299)) && attempt.error.is_none()
}

/// The loaded attempts as one row per event, in the order of each event's first attempt in `loaded`:
/// for a scan, newest first, that is the event with the newest try first.
pub fn by_event(loaded: &[LoadedAttempt], coverage: Coverage) -> Vec<EventDeliveries> {
    // Where each event's tries are, by key (kept sorted, for a binary search).
    let mut index: Vec<(EventKey, usize)> = Vec::new();
    let mut groups: Vec<Vec<&LoadedAttempt>> = Vec::new();
    for attempt in loaded {
        match index.binary_search_by(|(key, _)| key.cmp(&attempt.key)) {
            Ok(at) => groups[index[at].1].push(attempt),
            Err(at) => {
                index.insert(at, (attempt.key, groups.len()));
                groups.push(vec![attempt]);
            }
        }
    }
    groups
        .into_iter()
        .map(|mut tries| {
            oldest_first(&mut tries);
            EventDeliveries::new(&tries, coverage)
        })
        .collect()
}

/// Orders an event's tries oldest first (by `created_at`, then id). The list comes newest first, so
/// reversed it is (nearly) in order already, and an insertion sort is linear; and it keeps the sort
/// routines of the standard library out of the .wasm (size budget).
fn oldest_first(tries: &mut [&LoadedAttempt]) {
    tries.reverse();
    let later = |a: &LoadedAttempt, b: &LoadedAttempt| {
        a.created > b.created || (a.created == b.created && a.attempt.id > b.attempt.id)
    };
    for i in 1..tries.len() {
        let mut j = i;
        while j > 0 && later(tries[j - 1], tries[j]) {
            tries.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Each of `attempts` (a page of the flat list) as a try of its event, in the same order; `later_loaded`
/// when no newer attempt exists beyond them (the first page in the default order).
pub fn tries_of(attempts: &[Arc<Attempt>], later_loaded: bool) -> Vec<Try> {
    let loaded: Vec<LoadedAttempt> = attempts
        .iter()
        .map(|a| LoadedAttempt::new(Arc::clone(a)))
        .collect();
    let coverage = Coverage {
        later_loaded,
        ..Coverage::default()
    };
    let mut tries: Vec<Try> = by_event(&loaded, coverage)
        .into_iter()
        .flat_map(|event| event.tries)
        .collect();
    attempts
        .iter()
        .filter_map(|a| {
            let at = tries.iter().position(|t| t.attempt.id == a.id)?;
            Some(tries.swap_remove(at))
        })
        .collect()
}

#[cfg(test)]
mod tests;
