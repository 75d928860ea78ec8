//! Delivering events, in the order an event travels: [`Deliveries::emit_event`] writes its payload
//! ([`payload`]) and fans it out to its subscribers; the [`worker`] follows the store's commits in its
//! [`due`] queue, takes the deliveries that are due and makes each try ([`attempt`]: signed, sent by
//! the HTTP [`sender`], followed by the next retry the [`retry`] rule gives a failure); the store
//! records what it is told.

pub mod attempt;
pub mod due;
mod pace;
pub mod payload;
pub mod retry;
pub mod sender;
mod worker;

use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use crate::{
    clock::{self, Micros},
    store::{DeliveryPlan, Fanout, NewEvent, Store},
};

pub use attempt::{Delivery, TryRecord};
use pace::Pace;
pub use retry::RetryRule;
pub use sender::Sender;
pub use worker::{Limits, Worker};

/// The delivery domain as the API, the simulation and the seed use it. Each call that schedules a
/// delivery stores it; the worker learns of it from the store's delivery feed when it commits.
#[derive(Clone)]
pub struct Deliveries {
    store: Store,
    retry_rule: RetryRule,
    /// Which endpoints the worker is behind with (see [`pace`]).
    pace: Arc<Pace>,
}

/// Which endpoints an event goes to.
pub enum Recipients {
    /// Every active endpoint subscribed to its type, each tried at once and retried by the rule.
    Subscribers,
    /// Those of these endpoints that are active and subscribed to its type, as `Subscribers` (a test
    /// event); the caller checked them, and one that changed meanwhile is left out.
    SubscribersAmong(Vec<i64>),
    /// These endpoints, with nothing scheduled: the caller makes the tries itself (the seed).
    Endpoints(Vec<i64>),
}

/// An event as stored.
pub struct EmittedEvent {
    pub id: i64,
    pub event_type: String,
    pub created_at: Micros,
    /// The bytes every try sends.
    pub payload: Bytes,
    /// The endpoints it was fanned out to.
    pub endpoints: Vec<i64>,
}

impl Deliveries {
    pub fn new(store: Store, retry_rule: RetryRule) -> Self {
        Self {
            store,
            retry_rule,
            pace: Arc::default(),
        }
    }

    pub fn retry_rule(&self) -> &RetryRule {
        &self.retry_rule
    }

    /// Stores an event of `event_type` created at `created_at`, with `data` (the catalog's example
    /// when `None`), and fans it out to `recipients`. Returns once it is stored and, if the worker is
    /// behind with one of its subscribers, once it has caught up (at most [`pace::MOST_WAIT`] later).
    pub async fn emit_event(
        &self,
        event_type: String,
        data: Option<Value>,
        created_at: Micros,
        recipients: Recipients,
    ) -> anyhow::Result<EmittedEvent> {
        let data = match data {
            Some(data) => payload::data_json(&data).into(),
            None => payload::example_data_json(&event_type),
        };
        let first_try = DeliveryPlan {
            try_number: 1,
            retries: true,
            due_at: created_at,
        };
        // The payload carries the event's id, so the id comes first; a reset before the write
        // voids it, and the event is written again with an id of the new generation.
        loop {
            let id = self.store.reserve_event_id();
            let payload = Bytes::from(payload::assemble(id.id, &event_type, created_at, &data));
            let fanout = match &recipients {
                Recipients::Subscribers => Fanout::Subscribers(first_try, None),
                Recipients::SubscribersAmong(among) => {
                    Fanout::Subscribers(first_try, Some(among.clone()))
                }
                Recipients::Endpoints(endpoints) => Fanout::Endpoints(endpoints.clone()),
            };
            let stored = self
                .store
                .create_event(NewEvent {
                    id,
                    event_type: event_type.clone(),
                    created_at,
                    payload: payload.clone(),
                    fanout,
                })
                .await?;
            let Some(endpoints) = stored else {
                continue;
            };
            if !matches!(recipients, Recipients::Endpoints(_)) {
                self.pace.keep_up(&endpoints).await;
            }
            return Ok(EmittedEvent {
                id: id.id,
                event_type,
                created_at,
                payload,
                endpoints,
            });
        }
    }

    /// One immediate try of each event to the endpoint, without retries (resend).
    pub async fn resend(&self, endpoint_id: i64, event_ids: Vec<i64>) -> anyhow::Result<()> {
        let plan = DeliveryPlan {
            try_number: 1,
            retries: false,
            due_at: clock::now(),
        };
        self.store
            .enqueue_deliveries(endpoint_id, event_ids, plan)
            .await
    }

    /// Schedules `delivery`'s try at `due_at`, retried by the rule (the seed's pending retries).
    pub async fn schedule(&self, delivery: &Delivery, due_at: Micros) -> anyhow::Result<()> {
        let plan = DeliveryPlan {
            try_number: delivery.try_number,
            retries: delivery.retries,
            due_at,
        };
        self.store
            .enqueue_deliveries(delivery.endpoint_id, vec![delivery.event_id], plan)
            .await
    }
}
