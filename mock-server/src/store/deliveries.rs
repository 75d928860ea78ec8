//! Events, their fan-out to endpoints, the deliveries still to be sent, and the tries recorded as
//! attempts. What to write (the payload, when a delivery is due, the next retry) comes from
//! [`crate::delivery`]; this module only writes it.

use std::collections::BTreeSet;

use rusqlite::{CachedStatement, params, params_from_iter};
use webhook_api::DeliveryError;

use super::{Store, rows::placeholders};
use crate::{
    clock::Micros,
    delivery::attempt::{Delivery, TryRecord},
};

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
    pub payload: Vec<u8>,
    pub fanout: Fanout,
}

/// Which endpoints an event is fanned out to.
pub enum Fanout {
    /// Every active endpoint subscribed to its type, each with a delivery scheduled by the plan.
    Subscribers(DeliveryPlan),
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

/// A delivery that is due, with everything needed to send it.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub id: i64,
    pub delivery: Delivery,
}

/// A try the worker finished, to be recorded against its delivery.
#[derive(Clone, Debug)]
pub struct FinishedTry {
    pub delivery_id: i64,
    /// The store's reset generation when the delivery was claimed.
    pub epoch: u64,
    pub attempt: TryRecord,
}

/// An endpoint's pending deliveries, as the worker plans its next round.
pub struct PendingEndpoint {
    pub endpoint_id: i64,
    pub earliest_due: Micros,
    pub next_due_after_now: Option<Micros>,
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

impl Store {
    /// An id for an event about to be written. Ids are handed out in order and start again after a
    /// reset; one reserved before a reset is refused by [`Store::create_event`].
    pub fn reserve_event_id(&self) -> EventId {
        use std::sync::atomic::Ordering::SeqCst;
        // The epoch before the id: a reset in between leaves this reservation with the old epoch.
        let epoch = self.inner.epoch.load(SeqCst);
        let id = self.inner.last_event_id.fetch_add(1, SeqCst) + 1;
        EventId { id, epoch }
    }

    /// Stores an event and fans it out, in one transaction; returns the endpoints it went to, or
    /// `None` (nothing written) when a reset came after its id was reserved.
    pub async fn create_event(&self, event: NewEvent) -> anyhow::Result<Option<Vec<i64>>> {
        self.write(move |tx, epoch| {
            if event.id.epoch != epoch {
                return Ok(None);
            }
            let event_id = event.id.id;
            tx.prepare_cached(
                "INSERT INTO events (id, type, created_at, payload) VALUES (?, ?, ?, ?)",
            )?
            .execute(params![
                event_id,
                event.event_type,
                event.created_at,
                event.payload
            ])?;
            let (endpoints, plan) = match event.fanout {
                Fanout::Endpoints(endpoints) => (endpoints, None),
                Fanout::Subscribers(plan) => {
                    let subscribers = tx
                        .prepare_cached(
                            "SELECT e.id FROM endpoints e
                             JOIN subscriptions s ON s.endpoint_id = e.id
                             WHERE s.event_type = ? AND e.is_active = 1 ORDER BY e.id",
                        )?
                        .query_map([&event.event_type], |row| row.get(0))?
                        .collect::<Result<Vec<i64>, _>>()?;
                    (subscribers, Some(plan))
                }
            };
            let mut fanout =
                tx.prepare_cached("INSERT INTO fanouts (endpoint_id, event_id) VALUES (?, ?)")?;
            let mut deliver = tx.prepare_cached(INSERT_DELIVERY)?;
            for endpoint_id in &endpoints {
                fanout.execute(params![endpoint_id, event_id])?;
                if let Some(plan) = plan {
                    deliver.execute(params![
                        endpoint_id,
                        event_id,
                        plan.try_number,
                        plan.retries,
                        plan.due_at
                    ])?;
                }
            }
            Ok(Some(endpoints))
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
        self.write(move |tx, _| {
            let mut insert = tx.prepare_cached(INSERT_DELIVERY)?;
            for event_id in event_ids {
                insert.execute(params![
                    endpoint_id,
                    event_id,
                    plan.try_number,
                    plan.retries,
                    plan.due_at
                ])?;
            }
            Ok(())
        })
        .await
    }

    /// Each endpoint with deliveries pending: when its earliest one is due, and when its earliest one not
    /// yet due at `now` comes due (if any).
    pub async fn pending_by_endpoint(&self, now: Micros) -> anyhow::Result<Vec<PendingEndpoint>> {
        self.read(move |connection| {
            Ok(connection
                .prepare_cached(
                    "SELECT endpoint_id, min(due_at), min(CASE WHEN due_at > ?1 THEN due_at END)
                     FROM deliveries GROUP BY endpoint_id",
                )?
                .query_map([now], |row| {
                    Ok(PendingEndpoint {
                        endpoint_id: row.get(0)?,
                        earliest_due: row.get(1)?,
                        next_due_after_now: row.get(2)?,
                    })
                })?
                .collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Up to `limit` of an endpoint's deliveries due at `now`, earliest first.
    pub async fn due_deliveries(
        &self,
        endpoint_id: i64,
        now: Micros,
        limit: usize,
    ) -> anyhow::Result<Vec<DueDelivery>> {
        self.read(move |connection| {
            Ok(connection
                .prepare_cached(
                    "SELECT d.id, d.endpoint_id, d.event_id, d.try_number, d.retries, e.target,
                            e.signing_secret, e.ssl_cert_verification, ev.payload
                     FROM deliveries d
                     JOIN endpoints e ON e.id = d.endpoint_id
                     JOIN events ev ON ev.id = d.event_id
                     WHERE d.endpoint_id = ? AND d.due_at <= ?
                     ORDER BY d.due_at, d.id LIMIT ?",
                )?
                .query_map(params![endpoint_id, now, limit as i64], |row| {
                    Ok(DueDelivery {
                        id: row.get(0)?,
                        delivery: Delivery {
                            endpoint_id: row.get(1)?,
                            event_id: row.get(2)?,
                            try_number: row.get(3)?,
                            retries: row.get(4)?,
                            target: row.get(5)?,
                            signing_secret: row.get(6)?,
                            ssl_cert_verification: row.get(7)?,
                            payload: row.get(8)?,
                        },
                    })
                })?
                .collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Records the worker's tries as attempts, in one transaction, and moves each delivery on: due
    /// again at the try's `next_retry`, or done. A try whose delivery was cancelled meanwhile (its
    /// endpoint deactivated) is recorded without a next retry; one whose endpoint was deleted, or from
    /// before a reset, is dropped.
    pub async fn record_tries(&self, tries: Vec<FinishedTry>) -> anyhow::Result<()> {
        self.write(move |tx, epoch| {
            let mut endpoint_exists = tx.prepare_cached("SELECT 1 FROM endpoints WHERE id = ?")?;
            let mut pending = tx.prepare_cached("SELECT 1 FROM deliveries WHERE id = ?")?;
            let mut insert = tx.prepare_cached(INSERT_ATTEMPT)?;
            let mut reschedule = tx.prepare_cached(
                "UPDATE deliveries SET try_number = try_number + 1, due_at = ? WHERE id = ?",
            )?;
            let mut finish = tx.prepare_cached("DELETE FROM deliveries WHERE id = ?")?;
            for finished in tries {
                let attempt = &finished.attempt;
                if finished.epoch != epoch || !endpoint_exists.exists([attempt.endpoint_id])? {
                    continue;
                }
                if !pending.exists([finished.delivery_id])? {
                    insert_attempt(&mut insert, attempt, None)?;
                    continue;
                }
                insert_attempt(&mut insert, attempt, attempt.next_retry)?;
                match attempt.next_retry {
                    Some(due_at) => reschedule.execute(params![due_at, finished.delivery_id])?,
                    None => finish.execute([finished.delivery_id])?,
                };
            }
            Ok(())
        })
        .await
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

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: EventId) -> NewEvent {
        NewEvent {
            id,
            event_type: "user.created".to_owned(),
            created_at: 0,
            payload: b"{}".to_vec(),
            fanout: Fanout::Endpoints(Vec::new()),
        }
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
