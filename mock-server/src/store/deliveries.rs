//! Events, their fan-out to endpoints, the deliveries still to be sent, and the tries recorded as
//! attempts. What to write (the payload, when a delivery is due, the next retry) comes from
//! [`crate::delivery`]; this module only writes it, and says what each commit did to the pending
//! deliveries ([`DeliveryChange`]), which the delivery worker's due queue follows.

use std::collections::{BTreeSet, HashMap};

use bytes::Bytes;
use rusqlite::{CachedStatement, Connection, params, params_from_iter};
use tokio::sync::oneshot;
use webhook_api::DeliveryError;

use super::{
    Store,
    rows::placeholders,
    writer::{self, Effects, Lane, Subscription, Write},
};
use crate::{clock::Micros, delivery::attempt::TryRecord};

/// An id for a new event, from [`Store::reserve_event_id`]: the payload carries it before the event
/// is written.
#[derive(Clone, Copy, Debug)]
pub struct EventId {
    pub id: i64,
    /// The reset generation it was reserved in.
    epoch: u64,
}

/// An event to store with its payload, and where it goes.
pub struct NewEvent {
    pub id: EventId,
    pub event_type: String,
    pub created_at: Micros,
    pub payload: Bytes,
    pub fanout: Fanout,
}

/// Which endpoints an event is fanned out to.
pub enum Fanout {
    /// Every active endpoint subscribed to its type (only those among the given ones, if given), each
    /// with a delivery scheduled by the plan.
    Subscribers(DeliveryPlan, Option<Vec<i64>>),
    /// These endpoints, with nothing scheduled (the seed's history, whose tries it records itself).
    Endpoints(Vec<i64>),
}

/// How a delivery is scheduled.
#[derive(Clone, Copy, Debug)]
pub struct DeliveryPlan {
    pub try_number: u32,
    /// Whether a failed try is followed by retries.
    pub retries: bool,
    pub due_at: Micros,
}

/// A delivery still to be sent: a row of the deliveries table.
#[derive(Clone, Debug)]
pub struct PendingDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    /// 1 for the first try.
    pub try_number: u32,
    pub retries: bool,
    pub due_at: Micros,
    /// The store's reset generation when the row was written (or read).
    pub epoch: u64,
    /// The event's bytes, when the commit had them at hand (a new event, a try recorded); otherwise
    /// they are read when the delivery is sent ([`Store::event_payloads`]).
    pub payload: Option<Bytes>,
}

/// What a commit did to the pending deliveries, in commit order.
#[derive(Clone, Debug)]
pub enum DeliveryChange {
    /// A delivery is due at its `due_at`: new (fan-out, resend, the seed's retries) or moved on by a
    /// recorded try; or, when a record failed, due again as it was.
    Scheduled(PendingDelivery),
    /// Every pending delivery of the endpoint is gone (it was deactivated or deleted).
    EndpointCancelled(i64),
    /// Every pending delivery is gone (a reset).
    AllCancelled,
}

/// A try the worker finished, to be recorded against its delivery.
#[derive(Clone, Debug)]
pub struct FinishedTry {
    /// The delivery as it was claimed.
    pub delivery: PendingDelivery,
    pub attempt: TryRecord,
}

const INSERT_DELIVERY: &str =
    "INSERT INTO deliveries (endpoint_id, event_id, try_number, retries, due_at)
     VALUES (?, ?, ?, ?, ?)";

const INSERT_ATTEMPT: &str = "INSERT INTO attempts (endpoint_id, event_id, created_at, sent_at,
       signature_header, response_code, response_body, error, duration_ms, next_retry)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

fn insert_attempt(
    insert: &mut CachedStatement<'_>,
    attempt: &TryRecord,
    next_retry: Option<Micros>,
) -> rusqlite::Result<usize> {
    insert.execute(params![
        attempt.endpoint_id,
        attempt.event_id,
        attempt.recorded_at,
        attempt.sent_at,
        attempt.signature_header,
        attempt.response_code,
        attempt.response_body,
        attempt.error.map(DeliveryError::as_str),
        attempt.duration_ms as i64,
        next_retry,
    ])
}

/// Writes a delivery row; the delivery as the worker's queue gets it.
fn insert_delivery(
    connection: &Connection,
    endpoint_id: i64,
    event_id: i64,
    plan: DeliveryPlan,
    epoch: u64,
    payload: Option<Bytes>,
) -> rusqlite::Result<PendingDelivery> {
    connection
        .prepare_cached(INSERT_DELIVERY)?
        .execute(params![
            endpoint_id,
            event_id,
            plan.try_number,
            plan.retries,
            plan.due_at
        ])?;
    Ok(PendingDelivery {
        id: connection.last_insert_rowid(),
        endpoint_id,
        event_id,
        try_number: plan.try_number,
        retries: plan.retries,
        due_at: plan.due_at,
        epoch,
        payload,
    })
}

/// Every pending delivery (for the worker's due queue, when it subscribes).
pub(super) fn pending_deliveries(
    connection: &Connection,
    epoch: u64,
) -> anyhow::Result<Vec<PendingDelivery>> {
    Ok(connection
        .prepare_cached(
            "SELECT id, endpoint_id, event_id, try_number, retries, due_at FROM deliveries",
        )?
        .query_map([], |row| {
            Ok(PendingDelivery {
                id: row.get(0)?,
                endpoint_id: row.get(1)?,
                event_id: row.get(2)?,
                try_number: row.get(3)?,
                retries: row.get(4)?,
                due_at: row.get(5)?,
                epoch,
                payload: None,
            })
        })?
        .collect::<Result<_, _>>()?)
}

impl Store {
    /// An id for an event about to be written. Ids are handed out in order and start again after a
    /// reset; one reserved before a reset is refused by [`Store::create_event`].
    pub fn reserve_event_id(&self) -> EventId {
        use std::sync::atomic::Ordering::SeqCst;
        // The epoch before the id: a reset in between leaves this reservation with the old epoch.
        let shared = &self.inner.shared;
        let epoch = shared.epoch.load(SeqCst);
        let id = shared.last_event_id.fetch_add(1, SeqCst) + 1;
        EventId { id, epoch }
    }

    /// Stores an event and fans it out, in one transaction; returns the endpoints it went to, or
    /// `None` (nothing written) when a reset came after its id was reserved.
    pub async fn create_event(&self, event: NewEvent) -> anyhow::Result<Option<Vec<i64>>> {
        self.write_with(move |tx, epoch| {
            if event.id.epoch != epoch {
                return Ok((None, Effects::default()));
            }
            let event_id = event.id.id;
            tx.prepare_cached(
                "INSERT INTO events (id, type, created_at, payload) VALUES (?, ?, ?, ?)",
            )?
            .execute(params![
                event_id,
                event.event_type,
                event.created_at,
                &event.payload[..]
            ])?;
            let (endpoints, plan) = match event.fanout {
                Fanout::Endpoints(endpoints) => (endpoints, None),
                Fanout::Subscribers(plan, among) => {
                    let mut subscribers: Vec<i64> = tx
                        .prepare_cached(
                            "SELECT e.id FROM endpoints e
                             JOIN subscriptions s ON s.endpoint_id = e.id
                             WHERE s.event_type = ? AND e.is_active = 1 ORDER BY e.id",
                        )?
                        .query_map([&event.event_type], |row| row.get(0))?
                        .collect::<Result<_, _>>()?;
                    if let Some(among) = among {
                        subscribers.retain(|id| among.contains(id));
                    }
                    (subscribers, Some(plan))
                }
            };
            let mut fanout =
                tx.prepare_cached("INSERT INTO fanouts (endpoint_id, event_id) VALUES (?, ?)")?;
            let mut scheduled = Vec::new();
            for &endpoint_id in &endpoints {
                fanout.execute(params![endpoint_id, event_id])?;
                if let Some(plan) = plan {
                    let payload = Some(event.payload.clone());
                    let delivery =
                        insert_delivery(tx, endpoint_id, event_id, plan, epoch, payload)?;
                    scheduled.push(DeliveryChange::Scheduled(delivery));
                }
            }
            Ok((Some(endpoints), Effects::deliveries(scheduled)))
        })
        .await
    }

    /// Which of `event_ids` were fanned out to the endpoint (the ones resend accepts).
    pub async fn fanned_out_events(
        &self,
        endpoint_id: i64,
        event_ids: Vec<i64>,
    ) -> anyhow::Result<BTreeSet<i64>> {
        self.read(move |connection| {
            let mut known = BTreeSet::new();
            for chunk in event_ids.chunks(100) {
                let sql = format!(
                    "SELECT event_id FROM fanouts WHERE endpoint_id = ? AND event_id IN ({})",
                    placeholders(chunk.len())
                );
                let mut statement = connection.prepare_cached(&sql)?;
                let rows = statement.query_map(
                    params_from_iter(std::iter::once(&endpoint_id).chain(chunk)),
                    |row| row.get(0),
                )?;
                for row in rows {
                    known.insert(row?);
                }
            }
            Ok(known)
        })
        .await
    }

    /// Schedules a delivery of each event to the endpoint, as `plan` says.
    pub async fn enqueue_deliveries(
        &self,
        endpoint_id: i64,
        event_ids: Vec<i64>,
        plan: DeliveryPlan,
    ) -> anyhow::Result<()> {
        self.write_with(move |tx, epoch| {
            let scheduled = event_ids
                .into_iter()
                .map(|event_id| {
                    insert_delivery(tx, endpoint_id, event_id, plan, epoch, None)
                        .map(DeliveryChange::Scheduled)
                })
                .collect::<Result<_, _>>()?;
            Ok(((), Effects::deliveries(scheduled)))
        })
        .await
    }

    /// Every pending delivery now, and from then on what each commit does to them (the delivery
    /// worker's due queue is built from both). A new subscription replaces the previous one.
    pub async fn subscribe_deliveries(&self) -> anyhow::Result<Subscription> {
        self.inner.writer.subscribe().await
    }

    /// The payloads of these events (those that still exist), by event id.
    pub async fn event_payloads(&self, event_ids: Vec<i64>) -> anyhow::Result<HashMap<i64, Bytes>> {
        self.read(move |connection| {
            let mut select =
                connection.prepare_cached("SELECT payload FROM events WHERE id = ?")?;
            let mut payloads = HashMap::with_capacity(event_ids.len());
            for event_id in event_ids {
                let mut rows = select.query([event_id])?;
                if let Some(row) = rows.next()? {
                    payloads.insert(event_id, Bytes::from(row.get::<_, Vec<u8>>(0)?));
                }
            }
            Ok(payloads)
        })
        .await
    }

    /// Records the worker's tries as attempts and moves each delivery on: due again at the try's
    /// `next_retry`, or done. A try whose delivery was cancelled meanwhile (its endpoint deactivated)
    /// is recorded without a next retry; one whose endpoint was deleted, or from before a reset, is
    /// dropped. Records go ahead of every other write (see [`writer`]); returns once committed. If
    /// they cannot be, the deliveries are due again at once (sent again: at least once).
    pub async fn record_tries(&self, tries: Vec<FinishedTry>) -> anyhow::Result<()> {
        let (reply, answer) = oneshot::channel();
        self.inner
            .writer
            .submit(Lane::Records, Box::new(RecordTries { tries, reply }))
            .await?;
        writer::answered(answer).await
    }

    /// Records tries that no delivery row stands for, as they are (the seed's history).
    pub async fn record_attempts(&self, attempts: Vec<TryRecord>) -> anyhow::Result<()> {
        self.write(move |tx, _| {
            let mut insert = tx.prepare_cached(INSERT_ATTEMPT)?;
            for attempt in &attempts {
                insert_attempt(&mut insert, attempt, attempt.next_retry)?;
            }
            Ok(())
        })
        .await
    }
}

/// The write of [`Store::record_tries`].
struct RecordTries {
    tries: Vec<FinishedTry>,
    reply: oneshot::Sender<anyhow::Result<()>>,
}

impl Write for RecordTries {
    fn apply(&mut self, tx: &Connection, epoch: u64) -> anyhow::Result<Effects> {
        let mut endpoint_exists = tx.prepare_cached("SELECT 1 FROM endpoints WHERE id = ?")?;
        let mut pending = tx.prepare_cached("SELECT 1 FROM deliveries WHERE id = ?")?;
        let mut insert = tx.prepare_cached(INSERT_ATTEMPT)?;
        let mut reschedule = tx.prepare_cached(
            "UPDATE deliveries SET try_number = try_number + 1, due_at = ? WHERE id = ?",
        )?;
        let mut finish = tx.prepare_cached("DELETE FROM deliveries WHERE id = ?")?;
        let mut scheduled = Vec::new();
        for FinishedTry { delivery, attempt } in &self.tries {
            if delivery.epoch != epoch || !endpoint_exists.exists([attempt.endpoint_id])? {
                continue;
            }
            if !pending.exists([delivery.id])? {
                insert_attempt(&mut insert, attempt, None)?;
                continue;
            }
            insert_attempt(&mut insert, attempt, attempt.next_retry)?;
            match attempt.next_retry {
                Some(due_at) => {
                    reschedule.execute(params![due_at, delivery.id])?;
                    scheduled.push(DeliveryChange::Scheduled(PendingDelivery {
                        try_number: delivery.try_number + 1,
                        due_at,
                        ..delivery.clone()
                    }));
                }
                None => {
                    finish.execute([delivery.id])?;
                }
            }
        }
        Ok(Effects::deliveries(scheduled))
    }

    /// Nothing was recorded: the deliveries are still in the table as they were, due (again) at once.
    fn fallback(&mut self, epoch: u64) -> Effects {
        Effects::deliveries(
            self.tries
                .iter()
                .filter(|finished| finished.delivery.epoch == epoch)
                .map(|finished| DeliveryChange::Scheduled(finished.delivery.clone()))
                .collect(),
        )
    }

    fn answer(self: Box<Self>, outcome: anyhow::Result<()>) {
        let _ = self.reply.send(outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: EventId) -> NewEvent {
        NewEvent {
            id,
            event_type: "user.created".to_owned(),
            created_at: 0,
            payload: Bytes::from_static(b"{}"),
            fanout: Fanout::Endpoints(Vec::new()),
        }
    }

    async fn endpoint(store: &Store) -> i64 {
        let endpoint = store
            .create_endpoint(crate::store::NewEndpoint {
                target: "http://127.0.0.1:9/".to_owned(),
                description: String::new(),
                is_active: true,
                ssl_cert_verification: true,
                event_types: vec!["user.created".to_owned()],
                signing_secret: "secret".to_owned(),
            })
            .await
            .unwrap();
        endpoint.id as i64
    }

    fn subscribers(id: EventId) -> NewEvent {
        NewEvent {
            fanout: Fanout::Subscribers(
                DeliveryPlan {
                    try_number: 1,
                    retries: true,
                    due_at: 5,
                },
                None,
            ),
            ..event(id)
        }
    }

    #[tokio::test]
    async fn the_delivery_feed_follows_every_commit_after_the_pending_deliveries() {
        let store = Store::open(":memory:").unwrap().store;
        let endpoint_id = endpoint(&store).await;
        store
            .create_event(subscribers(store.reserve_event_id()))
            .await
            .unwrap();
        let Subscription { pending, mut feed } = store.subscribe_deliveries().await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            (pending[0].endpoint_id, pending[0].due_at),
            (endpoint_id, 5)
        );

        store
            .create_event(subscribers(store.reserve_event_id()))
            .await
            .unwrap();
        let Ok(DeliveryChange::Scheduled(fresh)) = feed.try_recv() else {
            panic!("a new event's delivery is in the feed once committed");
        };
        assert_eq!((fresh.event_id, fresh.endpoint_id), (2, endpoint_id));
        assert_eq!(fresh.payload.as_deref(), Some(&b"{}"[..]));

        let deactivate = crate::store::EndpointChanges {
            is_active: Some(false),
            ..Default::default()
        };
        store
            .update_endpoint(endpoint_id, deactivate)
            .await
            .unwrap();
        assert!(matches!(
            feed.try_recv(),
            Ok(DeliveryChange::EndpointCancelled(id)) if id == endpoint_id
        ));
        store.reset().await.unwrap();
        assert!(matches!(feed.try_recv(), Ok(DeliveryChange::AllCancelled)));
        assert!(feed.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_record_that_fails_is_answered_with_its_error_and_its_delivery_is_due_again() {
        let store = Store::open(":memory:").unwrap().store;
        let endpoint_id = endpoint(&store).await;
        let Subscription { mut feed, .. } = store.subscribe_deliveries().await.unwrap();
        // An attempt of an event that does not exist breaks the foreign key: the record fails.
        let delivery = PendingDelivery {
            id: 99,
            endpoint_id,
            event_id: 12_345,
            try_number: 1,
            retries: true,
            due_at: 5,
            epoch: store.epoch(),
            payload: None,
        };
        let attempt = TryRecord {
            endpoint_id,
            event_id: 12_345,
            sent_at: 6,
            signature_header: "t=0,v1=x".to_owned(),
            response_code: Some(200),
            response_body: Some("b''".to_owned()),
            error: None,
            duration_ms: 1,
            next_retry: None,
            recorded_at: 7,
        };
        let recorded = store
            .record_tries(vec![FinishedTry { delivery, attempt }])
            .await;
        assert!(recorded.is_err());
        let Ok(DeliveryChange::Scheduled(again)) = feed.try_recv() else {
            panic!("the delivery is due again");
        };
        assert_eq!((again.id, again.due_at), (99, 5));
    }

    #[tokio::test]
    async fn an_event_id_reserved_before_a_reset_is_refused_and_ids_start_again() {
        let store = Store::open(":memory:").unwrap().store;
        let first = store.reserve_event_id();
        assert_eq!(first.id, 1);
        assert!(store.create_event(event(first)).await.unwrap().is_some());
        let stale = store.reserve_event_id();
        assert_eq!(stale.id, 2);
        store.reset().await.unwrap();
        assert_eq!(store.create_event(event(stale)).await.unwrap(), None);
        let fresh = store.reserve_event_id();
        assert_eq!(fresh.id, 1);
        assert!(store.create_event(event(fresh)).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn event_ids_go_on_after_a_reopen() {
        let path =
            std::env::temp_dir().join(format!("mock-server-ids-{}.sqlite3", std::process::id()));
        let path = path.to_str().unwrap().to_owned();
        {
            let store = Store::open(&path).unwrap().store;
            for _ in 0..2 {
                let id = store.reserve_event_id();
                store.create_event(event(id)).await.unwrap();
            }
        }
        let reopened = Store::open(&path).unwrap().store;
        assert_eq!(reopened.reserve_event_id().id, 3);
        drop(reopened);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}
