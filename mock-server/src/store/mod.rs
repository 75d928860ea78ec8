//! The SQLite store: every read and write the server makes, by intention (`create_endpoint`,
//! `record_tries`), with the schema embedded and applied on open.
//!
//! Every write goes through the one [`writer`]: a thread that owns the write connection and commits
//! whatever has queued up in one transaction, each write in its own savepoint, and answers each
//! caller after the commit. A file database gets WAL mode and a small pool of reader connections, so
//! reads never wait for the writer; `:memory:` is one connection for everything (a second connection
//! would see another, empty database), and its reads run on the writer's thread between batches.
//! Reads run on tokio's blocking pool; no caller ever blocks a thread waiting for the writer.

mod attempts;
mod deliveries;
mod endpoints;
mod read_model;
mod rows;
mod tokens;
mod writer;

use std::sync::{
    Arc, Mutex, RwLock,
    atomic::{AtomicI64, AtomicU64, Ordering as AtomicOrdering},
};

use anyhow::Context;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use tokio::sync::Semaphore;

use self::{
    read_model::{Change, ReadModel},
    writer::{Effects, Writer},
};

pub use attempts::AttemptOrderingSql;
pub use deliveries::{
    DeliveryChange, DeliveryPlan, EventId, Fanout, FinishedTry, NewEvent, PendingDelivery,
};
pub use endpoints::{EndpointChanges, NewEndpoint};
pub use read_model::DeliveryTarget;
pub use tokens::StoredToken;
pub use writer::Subscription;

const SCHEMA: &str = include_str!("schema.sql");
const SCHEMA_VERSION: i64 = 1;
const READERS: usize = 2;

/// The database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Writer,
    readers: Option<ReaderPool>,
    shared: Arc<Shared>,
}

/// What the writer's thread and the callers both reach.
struct Shared {
    /// Every endpoint, for lists and lookups without SQL (see [`read_model`]).
    read_model: RwLock<ReadModel>,
    /// Bumped by [`Store::reset`]: a delivery claimed before a reset must not be recorded after it,
    /// nor an event whose id was reserved before it.
    epoch: AtomicU64,
    /// The last event id handed out by [`Store::reserve_event_id`].
    last_event_id: AtomicI64,
    /// Write batches committed (or failed) so far.
    batches: AtomicU64,
}

impl Shared {
    fn epoch(&self) -> u64 {
        self.epoch.load(AtomicOrdering::SeqCst)
    }
}

struct ReaderPool {
    connections: Mutex<Vec<Connection>>,
    available: Semaphore,
}

/// What [`Store::open`] found.
pub struct Opened {
    pub store: Store,
    /// The database was created just now (and so wants seeding).
    pub fresh: bool,
}

/// A page request: `limit` rows from `offset`.
#[derive(Clone, Copy, Debug)]
pub struct PageWindow {
    pub limit: u64,
    pub offset: u64,
}

impl Store {
    pub fn open(path: &str) -> anyhow::Result<Opened> {
        let in_memory = path == ":memory:";
        let mut connection = if in_memory {
            Connection::open_in_memory()?
        } else {
            Connection::open(path).with_context(|| format!("cannot open the database {path}"))?
        };
        configure(&connection, in_memory)?;
        let fresh = migrate(&mut connection)?;
        let shared = Arc::new(Shared {
            read_model: RwLock::new(ReadModel::load(&connection)?),
            epoch: AtomicU64::new(0),
            last_event_id: AtomicI64::new(last_event_id(&connection)?),
            batches: AtomicU64::new(0),
        });
        let readers = if in_memory {
            None
        } else {
            let connections = (0..READERS)
                .map(|_| {
                    let connection = Connection::open_with_flags(
                        path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    configure(&connection, false)?;
                    Ok(connection)
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            Some(ReaderPool {
                connections: Mutex::new(connections),
                available: Semaphore::new(READERS),
            })
        };
        Ok(Opened {
            store: Self {
                inner: Arc::new(Inner {
                    writer: Writer::start(connection, Arc::clone(&shared))?,
                    readers,
                    shared,
                }),
            },
            fresh,
        })
    }

    /// Runs `query` on a reader connection (on the writer's, between batches, for `:memory:`).
    async fn read<R, F>(&self, query: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> anyhow::Result<R> + Send + 'static,
    {
        let Some(pool) = &self.inner.readers else {
            return self.inner.writer.read(query).await;
        };
        let _permit = pool.available.acquire().await?;
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let pool = inner.readers.as_ref().expect("a file store has readers");
            let connection = pool
                .connections
                .lock()
                .expect("reader pool lock")
                .pop()
                .expect("a permit means a free connection");
            let result = query(&connection);
            pool.connections
                .lock()
                .expect("reader pool lock")
                .push(connection);
            result
        })
        .await?
    }

    /// Makes `change` in the writer's next batch and returns once it is committed; `change` is given
    /// the reset generation and says what else it did ([`Effects`]).
    async fn write_with<R, F>(&self, change: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection, u64) -> anyhow::Result<(R, Effects)> + Send + 'static,
    {
        self.inner.writer.write(change).await
    }

    /// [`Store::write_with`] for a change to rows only.
    async fn write<R, F>(&self, change: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection, u64) -> anyhow::Result<R> + Send + 'static,
    {
        self.write_with(move |connection, epoch| {
            Ok((change(connection, epoch)?, Effects::default()))
        })
        .await
    }

    /// The current reset generation (see [`Shared::epoch`]).
    pub fn epoch(&self) -> u64 {
        self.inner.shared.epoch()
    }

    /// Empties every table but the tokens and starts the ids again (`POST /__mock/reset/`).
    pub async fn reset(&self) -> anyhow::Result<()> {
        let shared = Arc::clone(&self.inner.shared);
        self.write_with(move |connection, _| {
            connection.execute_batch(
                "DELETE FROM attempts; DELETE FROM deliveries; DELETE FROM fanouts;
                 DELETE FROM subscriptions; DELETE FROM events; DELETE FROM endpoints;
                 DELETE FROM sqlite_sequence WHERE name IN ('attempts', 'events', 'endpoints');",
            )?;
            // Ids first, then the epoch: an id reserved in between is refused with the old epoch
            // (see `reserve_event_id`), so no reservation from before the reset is ever written.
            shared.last_event_id.store(0, AtomicOrdering::SeqCst);
            shared.epoch.fetch_add(1, AtomicOrdering::SeqCst);
            let effects = Effects {
                endpoints: vec![Change::Cleared],
                deliveries: vec![DeliveryChange::AllCancelled],
            };
            Ok(((), effects))
        })
        .await
    }
}

fn configure(connection: &Connection, in_memory: bool) -> anyhow::Result<()> {
    if !in_memory {
        // WAL: readers never wait for the writer. NORMAL: a commit survives a crash of this process
        // (kill -9), which is the durability the contract asks for; only a power cut could lose the last ones.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
    }
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Applies the schema to a new database; returns whether it was new.
fn migrate(connection: &mut Connection) -> anyhow::Result<bool> {
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    match version {
        0 => {
            let transaction = connection.transaction()?;
            transaction.execute_batch(SCHEMA)?;
            transaction.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            transaction.commit()?;
            Ok(true)
        }
        SCHEMA_VERSION => Ok(false),
        other => anyhow::bail!(
            "the database has schema version {other}; this server knows version {SCHEMA_VERSION}"
        ),
    }
}

/// The highest event id ever given (AUTOINCREMENT keeps it even when the rows are gone).
fn last_event_id(connection: &Connection) -> anyhow::Result<i64> {
    let last: Option<i64> = connection
        .prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'")?
        .query_row([], |row| row.get(0))
        .optional()?;
    Ok(last.unwrap_or(0))
}
