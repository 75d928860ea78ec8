//! The delivery worker: a loop that takes due deliveries from its [`DueQueue`], makes each try (bounded
//! overall and per endpoint, so one slow or dead endpoint cannot hold up the others), has the store
//! record it with the retry that follows it, and on cancellation stops taking and drains what is in
//! flight.
//!
//! The store is the truth: a delivery stays in its table until the try that ends it is recorded, so
//! after a crash every pending delivery is sent again (at least once). The queue is that table in
//! memory: read from it when the worker starts, then kept in step by the store's delivery feed, which
//! says what each commit did (an event fanned out, a resend, a try recorded and its retry scheduled,
//! an endpoint deactivated, a reset). What is in flight is known only here.

use std::{collections::HashMap, sync::Arc, time::Duration};

use tokio::{sync::mpsc, task::JoinSet};
use tokio_util::sync::CancellationToken;

use super::{
    Deliveries, Delivery, RetryRule, Sender,
    due::DueQueue,
    pace::{self, Pace},
};
use crate::{
    clock::{self, Micros},
    store::{DeliveryChange, FinishedTry, PendingDelivery, Store, Subscription},
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

/// Tries recorded per write at most.
const RECORD_BATCH: usize = 512;
/// The longest the worker sleeps when nothing is scheduled.
const IDLE: Duration = Duration::from_secs(3600);
/// How long to wait before taking deliveries again after the store failed.
const STORE_ERROR_PAUSE: Duration = Duration::from_secs(1);

pub struct Worker {
    store: Store,
    sender: Sender,
    retry_rule: RetryRule,
    limits: Limits,
    queue: DueQueue,
    in_flight: usize,
    done_tx: mpsc::UnboundedSender<FinishedTry>,
    done_rx: mpsc::UnboundedReceiver<FinishedTry>,
    /// Records handed to the store and not yet committed.
    records: JoinSet<()>,
    /// After the store failed, nothing is taken before this.
    paused_until: Option<Micros>,
    /// Where the worker says which endpoints it is behind with, and what it said last.
    pace: Arc<Pace>,
    behind: Vec<i64>,
}

impl Worker {
    /// A worker for what `deliveries` schedules, sending with `sender`.
    pub fn new(deliveries: &Deliveries, sender: Sender, limits: Limits) -> Self {
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        Self {
            store: deliveries.store.clone(),
            sender,
            retry_rule: deliveries.retry_rule.clone(),
            limits,
            queue: DueQueue::new(limits.per_endpoint),
            in_flight: 0,
            done_tx,
            done_rx,
            records: JoinSet::new(),
            paused_until: None,
            pace: Arc::clone(&deliveries.pace),
            behind: Vec::new(),
        }
    }

    /// Runs until `cancel` fires and every try in flight is recorded.
    pub async fn run(mut self, cancel: CancellationToken) {
        let Some(mut feed) = self.subscribe(&cancel).await else {
            return;
        };
        let mut stopping = false;
        loop {
            // Every commit so far, before taking anything.
            while let Ok(change) = feed.try_recv() {
                self.queue.apply(change);
            }
            let next_due = if stopping {
                None
            } else {
                self.take_due().await
            };
            self.tell_pace();
            // Without anything scheduled, only a commit or a finished try starts the next round.
            let wait = next_due.map_or(IDLE, |due| {
                Duration::from_micros(u64::try_from(due - clock::now()).unwrap_or(0))
            });
            tokio::select! {
                biased;
                () = cancel.cancelled(), if !stopping => {
                    stopping = true;
                    tracing::info!(
                        in_flight = self.in_flight,
                        queued = self.queue.len(),
                        "delivery worker draining"
                    );
                }
                Some(first) = self.done_rx.recv() => self.record(first),
                Some(change) = feed.recv(), if !stopping => self.queue.apply(change),
                Some(_) = self.records.join_next(), if !self.records.is_empty() => {}
                () = tokio::time::sleep(wait), if !stopping => {}
            }
            if stopping && self.in_flight == 0 {
                break;
            }
        }
        self.pace.set_behind([]);
        while self.records.join_next().await.is_some() {}
        tracing::info!("delivery worker stopped");
    }

    /// Says which endpoints have a delivery due for longer than [`pace::BEHIND`] and not started
    /// although they answer (a try ended within [`pace::ANSWERING`]), when that changed.
    fn tell_pace(&mut self) {
        let now = clock::now();
        let behind: Vec<i64> = self
            .queue
            .behind(
                now - clock::micros(pace::BEHIND),
                now - clock::micros(pace::ANSWERING),
                pace::MOST_NAMED,
            )
            .collect();
        if behind != self.behind {
            self.pace.set_behind(behind.iter().copied());
            self.behind = behind;
        }
    }

    /// The store's pending deliveries into the queue, and the feed of what comes next; `None` if
    /// cancelled before the store answered.
    async fn subscribe(
        &mut self,
        cancel: &CancellationToken,
    ) -> Option<mpsc::UnboundedReceiver<DeliveryChange>> {
        loop {
            match self.store.subscribe_deliveries().await {
                Ok(Subscription { pending, feed }) => {
                    tracing::info!(pending = pending.len(), "delivery worker started");
                    for delivery in pending {
                        self.queue.insert(delivery);
                    }
                    return Some(feed);
                }
                Err(error) => {
                    tracing::error!(
                        error = format!("{error:#}"),
                        "reading pending deliveries failed"
                    );
                    tokio::select! {
                        () = cancel.cancelled() => return None,
                        () = tokio::time::sleep(STORE_ERROR_PAUSE) => {}
                    }
                }
            }
        }
    }

    /// Starts every due delivery there is room for; returns when the next one comes due.
    async fn take_due(&mut self) -> Option<Micros> {
        let now = clock::now();
        if let Some(until) = self.paused_until {
            if now < until {
                return Some(until);
            }
            self.paused_until = None;
        }
        let room = self.limits.in_flight.saturating_sub(self.in_flight);
        if room == 0 {
            // A finished try starts the next round.
            return None;
        }
        let due = self.queue.take_due(now, room);
        if !due.is_empty() {
            self.start(due).await;
        }
        self.paused_until.or_else(|| self.queue.next_due())
    }

    /// Starts a try of each delivery (reading the payloads the queue did not keep).
    async fn start(&mut self, due: Vec<PendingDelivery>) {
        let mut missing: Vec<i64> = due
            .iter()
            .filter(|delivery| delivery.payload.is_none())
            .map(|delivery| delivery.event_id)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let payloads = if missing.is_empty() {
            HashMap::new()
        } else {
            match self.store.event_payloads(missing).await {
                Ok(payloads) => payloads,
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "reading payloads failed");
                    // Back in the queue, taken again after a pause.
                    for delivery in due {
                        self.queue.release(delivery.endpoint_id);
                        self.queue.insert(delivery);
                    }
                    self.paused_until = Some(clock::now() + clock::micros(STORE_ERROR_PAUSE));
                    return;
                }
            }
        };
        let epoch = self.store.epoch();
        for mut pending in due {
            let target = self.store.delivery_target(pending.endpoint_id);
            if let Some(payload) = payloads.get(&pending.event_id) {
                pending.payload = Some(payload.clone());
            }
            // From before a reset, or its endpoint or event is gone: its row went with them.
            let (Some(target), Some(payload), true) =
                (target, pending.payload.clone(), pending.epoch == epoch)
            else {
                self.queue.release(pending.endpoint_id);
                continue;
            };
            let delivery = Delivery {
                endpoint_id: pending.endpoint_id,
                event_id: pending.event_id,
                try_number: pending.try_number,
                retries: pending.retries,
                target: target.target,
                signing_secret: target.signing_secret,
                ssl_cert_verification: target.ssl_cert_verification,
                payload,
            };
            self.in_flight += 1;
            let sender = self.sender.clone();
            let retry_rule = self.retry_rule.clone();
            let done = self.done_tx.clone();
            tokio::spawn(async move {
                let attempt = delivery.try_once(clock::now(), &sender, &retry_rule).await;
                let _ = done.send(FinishedTry {
                    delivery: pending,
                    attempt,
                });
            });
        }
    }

    /// Frees the slots of `first` and whatever else has finished, and hands their records to the
    /// store in one write; the retries it schedules come back through the feed.
    fn record(&mut self, first: FinishedTry) {
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
            self.queue
                .finished(finished.delivery.endpoint_id, recorded_at);
        }
        self.in_flight -= batch.len();
        let store = self.store.clone();
        self.records.spawn(async move {
            if let Err(error) = store.record_tries(batch).await {
                // The deliveries stay due in the store and are sent again: a duplicate, never a loss.
                tracing::error!(error = format!("{error:#}"), "recording attempts failed");
            }
        });
    }
}
