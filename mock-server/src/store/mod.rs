//! The SQLite store: every read and write the server makes, by intention (`create_endpoint`,
//! `due_deliveries`), with the schema embedded and applied on open.
//!
//! A file database gets WAL mode, one writer connection and a small pool of readers, so lists are served
//! while deliveries are recorded. `:memory:` is one connection for everything (a second connection would
//! see another, empty database). Every call runs on tokio's blocking pool.

mod attempts;
mod deliveries;
mod endpoints;
mod read_model;
mod rows;
mod tokens;

use std::sync::{
    Arc, Mutex, RwLock,
    atomic::{AtomicI64, AtomicU64, Ordering as AtomicOrdering},
};

use anyhow::Context;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction};
use tokio::sync::Semaphore;

use self::read_model::{Change, ReadModel};

pub use attempts::AttemptOrderingSql;
pub use deliveries::{DeliveryPlan, DueDelivery, EventId, Fanout, FinishedTry, NewEvent};
pub use endpoints::{EndpointChanges, NewEndpoint};
pub use tokens::StoredToken;

const SCHEMA: &str = include_str!("schema.sql");
const SCHEMA_VERSION: i64 = 1;
const READERS: usize = 2;

/// The database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    readers: Option<ReaderPool>,
    /// Every endpoint, for lists and lookups without SQL (see [`read_model`]).
    read_model: RwLock<ReadModel>,
    /// Bumped by [`Store::reset`]: a delivery claimed before a reset must not be recorded after it,
    /// nor an event whose id was reserved before it.
    epoch: AtomicU64,
    /// The last event id handed out by [`Store::reserve_event_id`].
    last_event_id: AtomicI64,
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
        let mut writer = if in_memory {
            Connection::open_in_memory()?
        } else {
            Connection::open(path).with_context(|| format!("cannot open the database {path}"))?
        };
        configure(&writer, in_memory)?;
        let fresh = migrate(&mut writer)?;
        let read_model = ReadModel::load(&writer)?;
        let last_event_id = last_event_id(&writer)?;
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
                    writer: Mutex::new(writer),
                    readers,
                    read_model: RwLock::new(read_model),
                    epoch: AtomicU64::new(0),
                    last_event_id: AtomicI64::new(last_event_id),
                }),
            },
            fresh,
        })
    }

    /// Runs `query` on a reader connection.
    async fn read<R, F>(&self, query: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> anyhow::Result<R> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let Some(pool) = &self.inner.readers else {
            return tokio::task::spawn_blocking(move || {
                let connection = inner.writer.lock().expect("writer lock");
                query(&connection)
            })
            .await?;
        };
        let _permit = pool.available.acquire().await?;
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

    /// Runs `change` in one transaction on the writer connection, committed before this returns.
    async fn write<R, F>(&self, change: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Transaction<'_>, u64) -> anyhow::Result<R> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut connection = inner.writer.lock().expect("writer lock");
            let transaction = connection.transaction()?;
            let epoch = inner.epoch.load(AtomicOrdering::SeqCst);
            let result = change(&transaction, epoch)?;
            transaction.commit()?;
            Ok(result)
        })
        .await?
    }

    /// Like [`Store::write`] for changes to endpoints: after the commit, with the writer lock still held,
    /// the read model is handed what `change` says it did.
    async fn write_endpoints<R, F>(&self, change: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> anyhow::Result<(R, Change)> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut connection = inner.writer.lock().expect("writer lock");
            let transaction = connection.transaction()?;
            let (result, done) = change(&transaction)?;
            transaction.commit()?;
            inner
                .read_model
                .write()
                .expect("read model lock")
                .apply(done);
            Ok(result)
        })
        .await?
    }

    /// The current reset generation (see [`Inner::epoch`]).
    pub fn epoch(&self) -> u64 {
        self.inner.epoch.load(AtomicOrdering::SeqCst)
    }

    /// Empties every table but the tokens and starts the ids again (`POST /__mock/reset/`).
    pub async fn reset(&self) -> anyhow::Result<()> {
        let inner = Arc::clone(&self.inner);
        self.write_endpoints(move |tx| {
            tx.execute_batch(
                "DELETE FROM attempts; DELETE FROM deliveries; DELETE FROM fanouts;
                 DELETE FROM subscriptions; DELETE FROM events; DELETE FROM endpoints;
                 DELETE FROM sqlite_sequence WHERE name IN ('attempts', 'events', 'endpoints');",
            )?;
            // Ids first, then the epoch: an id reserved in between is refused with the old epoch
            // (see `reserve_event_id`), so no reservation from before the reset is ever written.
            inner.last_event_id.store(0, AtomicOrdering::SeqCst);
            inner.epoch.fetch_add(1, AtomicOrdering::SeqCst);
            Ok(((), Change::Cleared))
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
