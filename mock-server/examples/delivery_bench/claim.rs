//! What picking the next due deliveries costs as the backlog grows, in this process: the worker's due
//! queue (`DueQueue::take_due`) next to the claim it replaced, the two queries `Worker::claim` ran on
//! every wake-up before issue 17 (a GROUP BY over every pending delivery, then each endpoint's due
//! rows), on a file database holding the same pending deliveries.

use std::{path::Path, time::Instant};

use mock_server::{delivery::due::DueQueue, store::PendingDelivery};
use rusqlite::{Connection, params};

/// Endpoints the pending deliveries are spread over, and the worker's limits.
const ENDPOINTS: i64 = 4;
const PER_ENDPOINT: usize = 32;
const MAX_IN_FLIGHT: usize = 256;
const ROUNDS: usize = 200;

/// The pre-issue-17 claim, as `Worker::claim` and `Store::pending_by_endpoint` /
/// `Store::due_deliveries` had it.
const PENDING_BY_ENDPOINT: &str =
    "SELECT endpoint_id, min(due_at), min(CASE WHEN due_at > ?1 THEN due_at END)
     FROM deliveries GROUP BY endpoint_id";
const DUE_DELIVERIES: &str =
    "SELECT d.id, d.endpoint_id, d.event_id, d.try_number, d.retries, e.target,
            e.signing_secret, e.ssl_cert_verification, ev.payload
     FROM deliveries d
     JOIN endpoints e ON e.id = d.endpoint_id
     JOIN events ev ON ev.id = d.event_id
     WHERE d.endpoint_id = ? AND d.due_at <= ?
     ORDER BY d.due_at, d.id LIMIT ?";

pub fn run(scratch: &Path, payload: &[u8]) -> anyhow::Result<()> {
    println!(
        "every delivery due, over {ENDPOINTS} endpoints, every slot free: a batch is {} deliveries ({PER_ENDPOINT} per endpoint); {ROUNDS} batches per figure",
        ENDPOINTS as usize * PER_ENDPOINT
    );
    println!(
        "\n| pending deliveries | due queue: take a batch µs p50 | p99 | per delivery taken µs | SQL claim (before) ms p50 | p99 |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    let mut database = SqlBacklog::create(&scratch.join("delivery-claim.sqlite3"), payload)?;
    for pending in [20_000i64, 100_000, 300_000] {
        let (queue_p50, queue_p99, per_delivery) = due_queue(pending);
        database.fill_to(pending)?;
        let (sql_p50, sql_p99) = database.claim_times()?;
        println!(
            "| {pending} | {queue_p50:.1} | {queue_p99:.1} | {per_delivery:.2} | {sql_p50:.1} | {sql_p99:.1} |"
        );
    }
    Ok(())
}

fn pending(id: i64, due_at: i64) -> PendingDelivery {
    PendingDelivery {
        id,
        endpoint_id: 1 + id % ENDPOINTS,
        event_id: id,
        try_number: 1,
        retries: true,
        due_at,
        epoch: 0,
        payload: None,
    }
}

/// Fills a queue with `count` due deliveries, then, `ROUNDS` times, takes a batch as the worker does
/// (timed), ends its tries and queues them again (so the queue keeps its size): p50 and p99 of a take
/// in µs, and the mean per delivery taken.
fn due_queue(count: i64) -> (f64, f64, f64) {
    let mut queue = DueQueue::new(PER_ENDPOINT);
    for id in 0..count {
        queue.insert(pending(id, id));
    }
    let mut next_id = count;
    let mut times = Vec::with_capacity(ROUNDS);
    let mut taken_total = 0;
    for now in (count..).take(ROUNDS) {
        let begun = Instant::now();
        let taken = queue.take_due(now, MAX_IN_FLIGHT);
        times.push(begun.elapsed().as_secs_f64() * 1e6);
        taken_total += taken.len();
        for delivery in taken {
            queue.finished(delivery.endpoint_id, now);
            queue.insert(pending(next_id, now));
            next_id += 1;
        }
    }
    assert_eq!(queue.len(), count as usize, "the queue kept its size");
    let mean = times.iter().sum::<f64>() / taken_total as f64;
    times.sort_by(f64::total_cmp);
    (
        crate::quantile(&times, 0.5),
        crate::quantile(&times, 0.99),
        mean,
    )
}

/// The deliveries table of a file database, as the server keeps it (its schema, WAL).
struct SqlBacklog {
    connection: Connection,
    rows: i64,
}

impl SqlBacklog {
    fn create(path: &Path, payload: &[u8]) -> anyhow::Result<Self> {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.execute_batch(include_str!("../../src/store/schema.sql"))?;
        for endpoint in 1..=ENDPOINTS {
            connection.execute(
                "INSERT INTO endpoints (id, created_at, updated_at, is_active, target, target_folded,
                     description, ssl_cert_verification, signing_secret)
                 VALUES (?1, 0, 0, 1, 'http://127.0.0.1/', 'http://127.0.0.1/', '', 1, 'whsec_x')",
                [endpoint],
            )?;
        }
        connection.execute(
            "INSERT INTO events (id, type, created_at, payload) VALUES (1, 'vote.created', 0, ?)",
            [payload],
        )?;
        Ok(Self {
            connection,
            rows: 0,
        })
    }

    /// Adds due deliveries (all of one event: the claim's cost is in the deliveries table) until
    /// there are `count`.
    fn fill_to(&mut self, count: i64) -> anyhow::Result<()> {
        let transaction = self.connection.transaction()?;
        {
            let mut insert = transaction.prepare(
                "INSERT INTO deliveries (id, endpoint_id, event_id, try_number, retries, due_at)
                 VALUES (?1, ?2, 1, 1, 1, ?1)",
            )?;
            for id in self.rows + 1..=count {
                insert.execute(params![id, 1 + id % ENDPOINTS])?;
            }
        }
        transaction.commit()?;
        self.rows = count;
        Ok(())
    }

    /// `ROUNDS` claims as the old worker made them with every slot free: the GROUP BY, then up to
    /// `PER_ENDPOINT` rows of each endpoint with something due. p50 and p99 in ms.
    fn claim_times(&self) -> anyhow::Result<(f64, f64)> {
        let now = self.rows + 1;
        let mut times = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let begun = Instant::now();
            let endpoints: Vec<(i64, i64)> = self
                .connection
                .prepare_cached(PENDING_BY_ENDPOINT)?
                .query_map([now], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let mut claimed = 0;
            for (endpoint_id, earliest_due) in endpoints {
                if earliest_due > now {
                    continue;
                }
                let mut statement = self.connection.prepare_cached(DUE_DELIVERIES)?;
                let mut rows = statement.query(params![endpoint_id, now, PER_ENDPOINT as i64])?;
                while let Some(row) = rows.next()? {
                    let _: Vec<u8> = row.get(8)?;
                    claimed += 1;
                }
            }
            times.push(begun.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(
                claimed == ENDPOINTS as usize * PER_ENDPOINT,
                "the SQL claim found {claimed} due deliveries"
            );
        }
        times.sort_by(f64::total_cmp);
        Ok((crate::quantile(&times, 0.5), crate::quantile(&times, 0.99)))
    }
}
