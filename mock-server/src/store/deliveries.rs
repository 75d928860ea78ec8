//! Events, their fan-out to endpoints, and the deliveries still to be sent.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params, params_from_iter};
use webhook_api::DeliveryError;

use super::{Store, rows::placeholders};
use crate::clock::{self, Micros};

/// A delivery that is due, with everything needed to send it.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    pub try_number: u32,
    pub target: String,
    pub signing_secret: String,
    pub ssl_cert_verification: bool,
    pub payload: Vec<u8>,
}

/// What one try of a delivery did, to be recorded as an attempt.
#[derive(Clone, Debug)]
pub struct TryRecord {
    pub delivery_id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    /// The store's reset generation when the delivery was claimed.
    pub epoch: u64,
    pub sent_at: Micros,
    pub signature_header: String,
    pub response_code: Option<u16>,
    pub response_body: Option<String>,
    pub error: Option<DeliveryError>,
    pub duration_ms: u64,
    pub succeeded: bool,
}

/// An endpoint's pending deliveries, as the worker plans its next round.
pub struct PendingEndpoint {
    pub endpoint_id: i64,
    pub earliest_due: Micros,
    pub next_due_after_now: Option<Micros>,
}

impl Store {
    /// Stores an event (its payload built by `payload(id)`) and fans it out, in one transaction, to every
    /// active endpoint subscribed to its type; returns its id and those endpoints' ids.
    pub async fn create_event<F>(
        &self,
        event_type: String,
        created_at: Micros,
        payload: F,
    ) -> anyhow::Result<(i64, Vec<i64>)>
    where
        F: FnOnce(i64) -> Vec<u8> + Send + 'static,
    {
        self.write(move |tx, _| {
            tx.prepare_cached("INSERT INTO events (type, created_at, payload) VALUES (?, ?, x'')")?
                .execute(params![event_type, created_at])?;
            let event_id = tx.last_insert_rowid();
            tx.prepare_cached("UPDATE events SET payload = ? WHERE id = ?")?
                .execute(params![payload(event_id), event_id])?;
            let endpoints: Vec<i64> = tx
                .prepare_cached(
                    "SELECT e.id FROM endpoints e JOIN subscriptions s ON s.endpoint_id = e.id
                     WHERE s.event_type = ? AND e.is_active = 1 ORDER BY e.id",
                )?
                .query_map([&event_type], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            let mut fanout =
                tx.prepare_cached("INSERT INTO fanouts (endpoint_id, event_id) VALUES (?, ?)")?;
            let mut deliver = tx.prepare_cached(
                "INSERT INTO deliveries (endpoint_id, event_id, try_number, retries, due_at)
                 VALUES (?, ?, 1, 1, ?)",
            )?;
            for endpoint_id in &endpoints {
                fanout.execute(params![endpoint_id, event_id])?;
                deliver.execute(params![endpoint_id, event_id, created_at])?;
            }
            Ok((event_id, endpoints))
        })
        .await
    }

    /// Stores an event that was fanned out in the past to `endpoints`, without scheduling anything
    /// (the seed's history).
    pub async fn create_past_event<F>(
        &self,
        event_type: String,
        created_at: Micros,
        endpoints: Vec<i64>,
        payload: F,
    ) -> anyhow::Result<i64>
    where
        F: FnOnce(i64) -> Vec<u8> + Send + 'static,
    {
        self.write(move |tx, _| {
            tx.prepare_cached("INSERT INTO events (type, created_at, payload) VALUES (?, ?, x'')")?
                .execute(params![event_type, created_at])?;
            let event_id = tx.last_insert_rowid();
            tx.prepare_cached("UPDATE events SET payload = ? WHERE id = ?")?
                .execute(params![payload(event_id), event_id])?;
            let mut fanout =
                tx.prepare_cached("INSERT INTO fanouts (endpoint_id, event_id) VALUES (?, ?)")?;
            for endpoint_id in endpoints {
                fanout.execute(params![endpoint_id, event_id])?;
            }
            Ok(event_id)
        })
        .await
    }

    /// The bytes every attempt of an event sends.
    pub async fn event_payload(&self, event_id: i64) -> anyhow::Result<Vec<u8>> {
        self.read(move |connection| {
            Ok(connection
                .prepare_cached("SELECT payload FROM events WHERE id = ?")?
                .query_row([event_id], |row| row.get(0))?)
        })
        .await
    }

    /// Schedules try `try_number` of an event to an endpoint at `due_at`, with retries after it.
    pub async fn schedule_retry(
        &self,
        endpoint_id: i64,
        event_id: i64,
        try_number: u32,
        due_at: Micros,
    ) -> anyhow::Result<()> {
        self.write(move |tx, _| {
            tx.prepare_cached(
                "INSERT INTO deliveries (endpoint_id, event_id, try_number, retries, due_at)
                 VALUES (?, ?, ?, 1, ?)",
            )?
            .execute(params![endpoint_id, event_id, try_number, due_at])?;
            Ok(())
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

    /// Schedules one immediate try, with no retries, of each event to the endpoint (resend).
    pub async fn enqueue_resends(
        &self,
        endpoint_id: i64,
        event_ids: Vec<i64>,
    ) -> anyhow::Result<()> {
        self.write(move |tx, _| {
            let now = clock::now();
            let mut insert = tx.prepare_cached(
                "INSERT INTO deliveries (endpoint_id, event_id, try_number, retries, due_at)
                 VALUES (?, ?, 1, 0, ?)",
            )?;
            for event_id in event_ids {
                insert.execute(params![endpoint_id, event_id, now])?;
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
                    "SELECT d.id, d.endpoint_id, d.event_id, d.try_number, e.target,
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
                        endpoint_id: row.get(1)?,
                        event_id: row.get(2)?,
                        try_number: row.get(3)?,
                        target: row.get(4)?,
                        signing_secret: row.get(5)?,
                        ssl_cert_verification: row.get(6)?,
                        payload: row.get(7)?,
                    })
                })?
                .collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Records tries as attempts and schedules what follows each, in one transaction: a failed try
    /// with retries left is due again at `sent_at` + the schedule's entry for its number; anything
    /// else ends the delivery. A try whose delivery was cancelled meanwhile (endpoint deactivated) is
    /// recorded without a retry; one whose endpoint was deleted, or from before a reset, is dropped.
    pub async fn record_tries(
        &self,
        tries: Vec<TryRecord>,
        retry_schedule: std::sync::Arc<Vec<Micros>>,
    ) -> anyhow::Result<()> {
        self.write(move |tx, epoch| {
            let mut endpoint_exists = tx.prepare_cached("SELECT 1 FROM endpoints WHERE id = ?")?;
            let mut delivery =
                tx.prepare_cached("SELECT try_number, retries FROM deliveries WHERE id = ?")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO attempts (endpoint_id, event_id, created_at, sent_at, signature_header,
                   response_code, response_body, error, duration_ms, next_retry)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )?;
            let mut reschedule = tx.prepare_cached(
                "UPDATE deliveries SET try_number = try_number + 1, due_at = ? WHERE id = ?",
            )?;
            let mut finish = tx.prepare_cached("DELETE FROM deliveries WHERE id = ?")?;
            let now = clock::now();
            for attempt in tries {
                if attempt.epoch != epoch || !endpoint_exists.exists([attempt.endpoint_id])? {
                    continue;
                }
                let pending: Option<(u32, bool)> = delivery
                    .query_row([attempt.delivery_id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()?;
                let next_retry = match pending {
                    Some((try_number, true)) if !attempt.succeeded => retry_schedule
                        .get(try_number as usize - 1)
                        .map(|delay| attempt.sent_at + delay),
                    _ => None,
                };
                insert.execute(params![
                    attempt.endpoint_id,
                    attempt.event_id,
                    now,
                    attempt.sent_at,
                    attempt.signature_header,
                    attempt.response_code,
                    attempt.response_body,
                    attempt.error.map(DeliveryError::as_str),
                    attempt.duration_ms as i64,
                    next_retry,
                ])?;
                match next_retry {
                    Some(due_at) => reschedule.execute(params![due_at, attempt.delivery_id])?,
                    None => finish.execute([attempt.delivery_id])?,
                };
            }
            Ok(())
        })
        .await
    }
}
