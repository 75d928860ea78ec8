//! The delivery worker: a loop that claims due deliveries, makes each try (bounded overall and per
//! endpoint, so one slow or dead endpoint cannot hold up the others), has the store record it with the
//! retry that follows it, and on cancellation stops claiming and drains what is in flight.
//!
//! The store is the truth: a delivery stays in its table until the try that ends it is recorded, so
//! after a crash every due delivery is sent again (at least once). What is in flight is known only here.

use std::{collections::HashMap, time::Duration};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{Deliveries, RetryRule, Sender, WakeUp};
use crate::{
    clock::{self, Micros},
    store::{FinishedTry, Store},
};

/// How many tries may be in flight.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub in_flight: usize,
    pub per_endpoint: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            in_flight: 256,
            per_endpoint: 32,
        }
    }
}

/// Tries recorded per transaction at most.
const RECORD_BATCH: usize = 512;
/// The longest the worker sleeps when nothing is scheduled.
const IDLE: Duration = Duration::from_secs(3600);
/// How long to wait before claiming again after the store failed.
const STORE_ERROR_PAUSE: Duration = Duration::from_secs(1);

pub struct Worker {
    store: Store,
    sender: Sender,
    retry_rule: RetryRule,
    wake_up: WakeUp,
    limits: Limits,
    in_flight: HashMap<i64, i64>,
    busy_endpoints: HashMap<i64, usize>,
    done_tx: mpsc::UnboundedSender<FinishedTry>,
    done_rx: mpsc::UnboundedReceiver<FinishedTry>,
}

impl Worker {
    /// A worker for what `deliveries` schedules, sending with `sender`.
    pub fn new(deliveries: &Deliveries, sender: Sender, limits: Limits) -> Self {
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        Self {
            store: deliveries.store.clone(),
            sender,
            retry_rule: deliveries.retry_rule.clone(),
            wake_up: deliveries.wake_up.clone(),
            limits,
            in_flight: HashMap::new(),
            busy_endpoints: HashMap::new(),
            done_tx,
            done_rx,
        }
    }

    /// Runs until `cancel` fires and every try in flight is recorded.
    pub async fn run(mut self, cancel: CancellationToken) {
        let wake_up = self.wake_up.clone();
        let mut stopping = false;
        loop {
            let next_due = if stopping {
                None
            } else {
                match self.claim().await {
                    Ok(next_due) => next_due,
                    Err(error) => {
                        tracing::error!(error = format!("{error:#}"), "claiming deliveries failed");
                        Some(clock::now() + clock::micros(STORE_ERROR_PAUSE))
                    }
                }
            };
            // Without anything scheduled, only a wake-up or a finished try starts the next round.
            let wait = next_due.map_or(IDLE, |due| {
                Duration::from_micros(u64::try_from(due - clock::now()).unwrap_or(0))
            });
            tokio::select! {
                biased;
                () = cancel.cancelled(), if !stopping => {
                    stopping = true;
                    tracing::info!(in_flight = self.in_flight.len(), "delivery worker draining");
                }
                Some(first) = self.done_rx.recv() => self.record(first).await,
                () = wake_up.woken(), if !stopping => {}
                () = tokio::time::sleep(wait), if !stopping => {}
            }
            if stopping && self.in_flight.is_empty() {
                break;
            }
        }
        tracing::info!("delivery worker stopped");
    }

    /// Starts sending every due delivery there is room for; returns when the next one not yet due is.
    async fn claim(&mut self) -> anyhow::Result<Option<Micros>> {
        if self.in_flight.len() >= self.limits.in_flight {
            return Ok(None);
        }
        let now = clock::now();
        let epoch = self.store.epoch();
        let mut next_due: Option<Micros> = None;
        for pending in self.store.pending_by_endpoint(now).await? {
            let endpoint_id = pending.endpoint_id;
            // Not only the endpoint's earliest delivery: that one may be in flight already, with a
            // retry of the same endpoint due before it ends.
            if let Some(due) = pending.next_due_after_now {
                next_due = Some(next_due.map_or(due, |next: Micros| next.min(due)));
            }
            let busy = self.busy_endpoints.get(&endpoint_id).copied().unwrap_or(0);
            if busy >= self.limits.per_endpoint || pending.earliest_due > now {
                continue;
            }
            let room =
                (self.limits.per_endpoint - busy).min(self.limits.in_flight - self.in_flight.len());
            if room == 0 {
                break;
            }
            // Those already in flight are still in the table: ask for enough to skip them.
            let due = self
                .store
                .due_deliveries(endpoint_id, now, busy + room)
                .await?;
            let claimed: Vec<_> = due
                .into_iter()
                .filter(|delivery| !self.in_flight.contains_key(&delivery.id))
                .take(room)
                .collect();
            for due in claimed {
                self.in_flight.insert(due.id, endpoint_id);
                *self.busy_endpoints.entry(endpoint_id).or_default() += 1;
                let sender = self.sender.clone();
                let retry_rule = self.retry_rule.clone();
                let done = self.done_tx.clone();
                tokio::spawn(async move {
                    let attempt = due
                        .delivery
                        .try_once(clock::now(), &sender, &retry_rule)
                        .await;
                    let _ = done.send(FinishedTry {
                        delivery_id: due.id,
                        epoch,
                        attempt,
                    });
                });
            }
        }
        Ok(next_due)
    }

    /// Records `first` and whatever else has finished, in one transaction.
    async fn record(&mut self, first: FinishedTry) {
        let mut batch = vec![first];
        while batch.len() < RECORD_BATCH {
            match self.done_rx.try_recv() {
                Ok(finished) => batch.push(finished),
                Err(_) => break,
            }
        }
        let recorded_at = clock::now();
        for finished in &mut batch {
            finished.attempt.recorded_at = recorded_at;
        }
        let finished: Vec<i64> = batch.iter().map(|finished| finished.delivery_id).collect();
        if let Err(error) = self.store.record_tries(batch).await {
            // The deliveries stay due in the store and are sent again: a duplicate, never a loss.
            tracing::error!(error = format!("{error:#}"), "recording attempts failed");
        }
        for delivery_id in finished {
            if let Some(endpoint_id) = self.in_flight.remove(&delivery_id)
                && let Some(busy) = self.busy_endpoints.get_mut(&endpoint_id)
            {
                *busy -= 1;
                if *busy == 0 {
                    self.busy_endpoints.remove(&endpoint_id);
                }
            }
        }
    }
}
