//! The one writer: a thread that owns the write connection and commits whatever writes have queued up
//! in one transaction (group commit), each in its own savepoint, so that a write that fails is rolled
//! back alone and the others still commit. Callers await their answer, which comes only after the
//! commit (contract section 6); no caller holds a thread or a lock while it waits.
//!
//! Two lanes: the delivery worker's records go first, everything else (events, API writes, tokens) in
//! arrival order after them. Records are prioritised, not merely fair: each one frees a delivery slot
//! and ends a row that a crash would send again, and there are never more of them waiting than tries
//! in flight (the worker's limit), so they cannot starve the other lane, whose writes are all in the
//! next batch or the one after ([`MAX_BATCH`]).
//!
//! After a commit, and before anyone is answered, the writer hands the read model what the batch did
//! to endpoints and the delivery feed what it did to pending deliveries, in commit order.

use std::{
    panic::{self, AssertUnwindSafe},
    thread::JoinHandle,
};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::{
    Shared,
    deliveries::{DeliveryChange, PendingDelivery, pending_deliveries},
    read_model::Change,
};

/// The most writes of the ordinary lane in one transaction: a batch stays short enough that the
/// writes behind it do not wait long.
pub const MAX_BATCH: usize = 512;
/// Writes of the ordinary lane that may wait; callers beyond that wait (asynchronously) to queue.
const QUEUE_CAPACITY: usize = 4096;

/// What a committed write did, beyond its rows: for the read model and the delivery feed.
#[derive(Default)]
pub struct Effects {
    pub endpoints: Vec<Change>,
    pub deliveries: Vec<DeliveryChange>,
}

impl Effects {
    pub fn endpoints(change: Change) -> Self {
        Self {
            endpoints: vec![change],
            deliveries: Vec::new(),
        }
    }

    pub fn deliveries(deliveries: Vec<DeliveryChange>) -> Self {
        Self {
            endpoints: Vec::new(),
            deliveries,
        }
    }
}

/// One write, as the writer runs it.
pub trait Write: Send {
    /// Makes the change, inside the batch's transaction (in a savepoint of its own).
    fn apply(&mut self, connection: &Connection, epoch: u64) -> anyhow::Result<Effects>;

    /// What to tell the read model and the feed when the change did not commit (nothing, mostly),
    /// `epoch` being the store's reset generation then.
    fn fallback(&mut self, epoch: u64) -> Effects {
        let _ = epoch;
        Effects::default()
    }

    /// Answers the caller: `Ok` once committed, or why not.
    fn answer(self: Box<Self>, outcome: anyhow::Result<()>);
}

/// A closure's write: its result goes to the caller once committed.
struct ClosureWrite<F, R> {
    change: Option<F>,
    result: Option<R>,
    reply: oneshot::Sender<anyhow::Result<R>>,
}

impl<F, R> Write for ClosureWrite<F, R>
where
    F: FnOnce(&Connection, u64) -> anyhow::Result<(R, Effects)> + Send,
    R: Send,
{
    fn apply(&mut self, connection: &Connection, epoch: u64) -> anyhow::Result<Effects> {
        let change = self.change.take().expect("a write is applied once");
        let (result, effects) = change(connection, epoch)?;
        self.result = Some(result);
        Ok(effects)
    }

    fn answer(self: Box<Self>, outcome: anyhow::Result<()>) {
        let Self { result, reply, .. } = *self;
        let answer = outcome.and_then(|()| {
            result.ok_or_else(|| anyhow::anyhow!("a committed write without its result"))
        });
        let _ = reply.send(answer);
    }
}

/// What the writer thread is asked to do.
enum Job {
    Write(Box<dyn Write>),
    /// A read on the writer's connection, between batches (`:memory:` has no other connection).
    Read(Box<dyn FnOnce(&Connection) + Send>),
    /// Every pending delivery now, and a feed of what each commit after this one does to them.
    Subscribe(oneshot::Sender<anyhow::Result<Subscription>>),
}

/// The pending deliveries at the moment of subscribing, and every change committed after it.
pub struct Subscription {
    pub pending: Vec<PendingDelivery>,
    pub feed: mpsc::UnboundedReceiver<DeliveryChange>,
}

/// The handle the store keeps; dropping it stops the thread after the batch in hand (and closes the
/// connection).
pub struct Writer {
    records: Option<mpsc::UnboundedSender<Job>>,
    queue: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

/// The lane a write goes in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lane {
    /// The delivery worker's records of finished tries: first in every batch.
    Records,
    /// Everything else, in arrival order.
    Ordinary,
}

impl Writer {
    pub fn start(connection: Connection, shared: std::sync::Arc<Shared>) -> anyhow::Result<Self> {
        let (records, records_rx) = mpsc::unbounded_channel();
        let (queue, queue_rx) = mpsc::channel(QUEUE_CAPACITY);
        let idle = tokio::runtime::Builder::new_current_thread().build()?;
        let thread = std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || {
                Thread {
                    connection,
                    shared,
                    records: records_rx,
                    queue: queue_rx,
                    feed: None,
                    idle,
                }
                .run();
            })?;
        Ok(Self {
            records: Some(records),
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    async fn send(&self, lane: Lane, job: Job) -> anyhow::Result<()> {
        let sent = match lane {
            Lane::Records => self
                .records
                .as_ref()
                .is_some_and(|records| records.send(job).is_ok()),
            Lane::Ordinary => match &self.queue {
                Some(queue) => queue.send(job).await.is_ok(),
                None => false,
            },
        };
        anyhow::ensure!(sent, "the store's writer has stopped");
        Ok(())
    }

    /// Queues `write` in `lane`; it answers through its own channel.
    pub async fn submit(&self, lane: Lane, write: Box<dyn Write>) -> anyhow::Result<()> {
        self.send(lane, Job::Write(write)).await
    }

    /// Queues `change` in the ordinary lane and waits for its commit; its result, or why it failed.
    pub async fn write<R, F>(&self, change: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection, u64) -> anyhow::Result<(R, Effects)> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let write = ClosureWrite {
            change: Some(change),
            result: None,
            reply,
        };
        self.submit(Lane::Ordinary, Box::new(write)).await?;
        answered(answer).await
    }

    /// Runs `query` on the writer's connection, between batches.
    pub async fn read<R, F>(&self, query: F) -> anyhow::Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> anyhow::Result<R> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let read = move |connection: &Connection| {
            let _ = reply.send(query(connection));
        };
        self.send(Lane::Ordinary, Job::Read(Box::new(read))).await?;
        answered(answer).await
    }

    pub async fn subscribe(&self) -> anyhow::Result<Subscription> {
        let (reply, answer) = oneshot::channel();
        self.send(Lane::Ordinary, Job::Subscribe(reply)).await?;
        answered(answer).await
    }
}

/// The answer a job sent, or an error if the writer went away without one.
pub async fn answered<R>(answer: oneshot::Receiver<anyhow::Result<R>>) -> anyhow::Result<R> {
    answer
        .await
        .map_err(|_| anyhow::anyhow!("the store's writer stopped before answering"))?
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.records.take();
        self.queue.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Thread {
    connection: Connection,
    shared: std::sync::Arc<Shared>,
    records: mpsc::UnboundedReceiver<Job>,
    queue: mpsc::Receiver<Job>,
    feed: Option<mpsc::UnboundedSender<DeliveryChange>>,
    /// Waits for the next job when none is queued (no I/O or timers: the channels wake it).
    idle: tokio::runtime::Runtime,
}

impl Thread {
    fn run(mut self) {
        while let Some(first) = self.next_job() {
            let mut writes = Vec::new();
            let mut after = Vec::new();
            self.sort(first, &mut writes, &mut after);
            // Whatever has queued up meanwhile joins the batch: every record, then the ordinary
            // lane up to its share.
            while let Ok(job) = self.records.try_recv() {
                self.sort(job, &mut writes, &mut after);
            }
            let mut ordinary = 0;
            while ordinary < MAX_BATCH {
                let Ok(job) = self.queue.try_recv() else {
                    break;
                };
                ordinary += 1;
                self.sort(job, &mut writes, &mut after);
            }
            if !writes.is_empty() {
                self.commit(writes);
            }
            for job in after {
                self.between_batches(job);
            }
        }
    }

    /// Blocks until there is work: a record first if any waits; `None` once every handle is gone.
    fn next_job(&mut self) -> Option<Job> {
        if let Ok(job) = self.records.try_recv() {
            return Some(job);
        }
        if let Ok(job) = self.queue.try_recv() {
            return Some(job);
        }
        let records = &mut self.records;
        let queue = &mut self.queue;
        self.idle.block_on(async move {
            tokio::select! {
                biased;
                Some(job) = records.recv() => Some(job),
                Some(job) = queue.recv() => Some(job),
                else => None,
            }
        })
    }

    fn sort(&self, job: Job, writes: &mut Vec<Box<dyn Write>>, after: &mut Vec<Job>) {
        match job {
            Job::Write(write) => writes.push(write),
            other => after.push(other),
        }
    }

    fn commit(&mut self, mut writes: Vec<Box<dyn Write>>) {
        let began = std::time::Instant::now();
        let outcomes = match self.apply_all(&mut writes) {
            Ok(outcomes) => outcomes,
            Err(error) => {
                // The transaction could not begin or commit: nothing of the batch is stored.
                let message = format!("{error:#}");
                tracing::error!(
                    error = message,
                    writes = writes.len(),
                    "a write batch failed"
                );
                writes
                    .iter()
                    .map(|_| Err(anyhow::anyhow!("the batch failed: {message}")))
                    .collect()
            }
        };
        let batch = self
            .shared
            .batches
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        tracing::debug!(
            batch,
            writes = writes.len(),
            micros = began.elapsed().as_micros() as u64,
            "committed"
        );
        let mut answers = Vec::with_capacity(writes.len());
        for (mut write, outcome) in writes.into_iter().zip(outcomes) {
            let outcome = match outcome {
                Ok(effects) => {
                    self.publish(effects);
                    Ok(())
                }
                Err(error) => {
                    let fallback = write.fallback(self.shared.epoch());
                    self.publish(fallback);
                    Err(error)
                }
            };
            answers.push((write, outcome));
        }
        for (write, outcome) in answers {
            write.answer(outcome);
        }
    }

    /// Runs every write in its own savepoint of one transaction and commits it; each write's effects,
    /// or its own error.
    fn apply_all(
        &mut self,
        writes: &mut [Box<dyn Write>],
    ) -> anyhow::Result<Vec<anyhow::Result<Effects>>> {
        let mut transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(writes.len());
        for write in writes.iter_mut() {
            let epoch = self.shared.epoch();
            let mut savepoint = transaction.savepoint()?;
            // A panic in one write fails that write alone, as an error would.
            let applied = panic::catch_unwind(AssertUnwindSafe(|| write.apply(&savepoint, epoch)))
                .unwrap_or_else(|_| Err(anyhow::anyhow!("a write panicked")));
            match applied {
                Ok(effects) => {
                    savepoint.commit()?;
                    outcomes.push(Ok(effects));
                }
                Err(error) => {
                    savepoint.rollback()?;
                    drop(savepoint);
                    outcomes.push(Err(error));
                }
            }
        }
        transaction.commit()?;
        Ok(outcomes)
    }

    /// Hands a committed write's effects on: the read model first (a caller answered next reads its
    /// own write), then the delivery feed.
    fn publish(&mut self, effects: Effects) {
        if !effects.endpoints.is_empty() {
            let mut model = self.shared.read_model.write().expect("read model lock");
            for change in effects.endpoints {
                model.apply(change);
            }
        }
        if let Some(feed) = &self.feed {
            for change in effects.deliveries {
                if feed.send(change).is_err() {
                    self.feed = None;
                    break;
                }
            }
        }
    }

    fn between_batches(&mut self, job: Job) {
        match job {
            Job::Write(_) => unreachable!("writes are committed in batches"),
            Job::Read(read) => {
                // A panicking read drops its reply: its caller gets an error, the writer goes on.
                let _ = panic::catch_unwind(AssertUnwindSafe(|| read(&self.connection)));
            }
            Job::Subscribe(reply) => {
                let subscription =
                    pending_deliveries(&self.connection, self.shared.epoch()).map(|pending| {
                        let (feed, receiver) = mpsc::unbounded_channel();
                        self.feed = Some(feed);
                        Subscription {
                            pending,
                            feed: receiver,
                        }
                    });
                let _ = reply.send(subscription);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc, Mutex, RwLock,
        atomic::{AtomicI64, AtomicU64, Ordering},
    };

    use tokio::task::JoinHandle;

    use super::*;
    use crate::store::read_model::ReadModel;

    struct Harness {
        writer: Arc<Writer>,
        shared: Arc<Shared>,
    }

    fn harness() -> Harness {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch("CREATE TABLE rows (n INTEGER NOT NULL)")
            .unwrap();
        let shared = Arc::new(Shared {
            read_model: RwLock::new(ReadModel::default()),
            epoch: AtomicU64::new(0),
            last_event_id: AtomicI64::new(0),
            batches: AtomicU64::new(0),
        });
        Harness {
            writer: Arc::new(Writer::start(connection, Arc::clone(&shared)).unwrap()),
            shared,
        }
    }

    /// A write of `n` that notes the batch it ran in; it fails after writing when `fail`.
    struct Noted {
        n: i64,
        fail: bool,
        shared: Arc<Shared>,
        batch: Arc<Mutex<Vec<(i64, u64)>>>,
        reply: Option<oneshot::Sender<anyhow::Result<()>>>,
    }

    impl Write for Noted {
        fn apply(&mut self, connection: &Connection, _: u64) -> anyhow::Result<Effects> {
            let batch = self.shared.batches.load(Ordering::SeqCst) + 1;
            self.batch.lock().unwrap().push((self.n, batch));
            connection.execute("INSERT INTO rows (n) VALUES (?)", [self.n])?;
            anyhow::ensure!(!self.fail, "write {} fails", self.n);
            Ok(Effects::default())
        }

        fn answer(mut self: Box<Self>, outcome: anyhow::Result<()>) {
            let _ = self.reply.take().unwrap().send(outcome);
        }
    }

    impl Harness {
        /// Holds the writer's thread until the returned sender is dropped.
        async fn hold(&self) -> (std::sync::mpsc::Sender<()>, JoinHandle<()>) {
            let (release, held) = std::sync::mpsc::channel::<()>();
            let (started, running) = oneshot::channel();
            let writer = Arc::clone(&self.writer);
            let holding = tokio::spawn(async move {
                writer
                    .write(move |_, _| {
                        let _ = started.send(());
                        let _ = held.recv();
                        Ok(((), Effects::default()))
                    })
                    .await
                    .unwrap();
            });
            running.await.unwrap();
            (release, holding)
        }

        /// Queues a [`Noted`] write in `lane`; its answer.
        async fn queue(
            &self,
            lane: Lane,
            n: i64,
            fail: bool,
            batch: &Arc<Mutex<Vec<(i64, u64)>>>,
        ) -> oneshot::Receiver<anyhow::Result<()>> {
            let (reply, answer) = oneshot::channel();
            let write = Noted {
                n,
                fail,
                shared: Arc::clone(&self.shared),
                batch: Arc::clone(batch),
                reply: Some(reply),
            };
            self.writer.submit(lane, Box::new(write)).await.unwrap();
            answer
        }

        async fn rows(&self) -> Vec<i64> {
            self.writer
                .read(|connection| {
                    Ok(connection
                        .prepare("SELECT n FROM rows ORDER BY rowid")?
                        .query_map([], |row| row.get(0))?
                        .collect::<Result<_, _>>()?)
                })
                .await
                .unwrap()
        }
    }

    #[tokio::test]
    async fn a_failing_write_is_rolled_back_alone_and_the_rest_of_its_batch_commits() {
        let harness = harness();
        let batch = Arc::default();
        let (release, holding) = harness.hold().await;
        let answers = [
            harness.queue(Lane::Ordinary, 1, false, &batch).await,
            harness.queue(Lane::Ordinary, 2, true, &batch).await,
            harness.queue(Lane::Ordinary, 3, false, &batch).await,
        ];
        drop(release);
        holding.await.unwrap();
        let mut outcomes = Vec::new();
        for answer in answers {
            outcomes.push(answer.await.unwrap());
        }
        assert!(outcomes[0].is_ok() && outcomes[2].is_ok());
        assert_eq!(
            outcomes[1].as_ref().unwrap_err().to_string(),
            "write 2 fails"
        );
        assert_eq!(harness.rows().await, [1, 3]);
        let batches: Vec<u64> = batch.lock().unwrap().iter().map(|&(_, b)| b).collect();
        assert_eq!(batches, [2, 2, 2], "one batch after the holding one");
    }

    #[tokio::test]
    async fn a_panicking_write_fails_alone_and_the_writer_goes_on() {
        let harness = harness();
        let panicked = harness
            .writer
            .write(|_, _| -> anyhow::Result<((), Effects)> { panic!("a bug") })
            .await;
        assert!(panicked.is_err());
        let batch = Arc::default();
        let answer = harness.queue(Lane::Ordinary, 7, false, &batch).await;
        answer.await.unwrap().unwrap();
        assert_eq!(harness.rows().await, [7]);
    }

    #[tokio::test]
    async fn writes_commit_in_the_order_they_were_queued() {
        let harness = harness();
        let batch = Arc::default();
        let mut answers = Vec::new();
        for n in 1..=50 {
            answers.push(harness.queue(Lane::Ordinary, n, false, &batch).await);
        }
        for answer in answers {
            answer.await.unwrap().unwrap();
        }
        assert_eq!(harness.rows().await, (1..=50).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn the_workers_records_go_ahead_of_every_queued_write() {
        let harness = harness();
        let batch = Arc::default();
        let (release, holding) = harness.hold().await;
        let ordinary = MAX_BATCH as i64 + 10;
        let mut answers = Vec::new();
        for n in 1..=ordinary {
            answers.push(harness.queue(Lane::Ordinary, n, false, &batch).await);
        }
        answers.push(harness.queue(Lane::Records, 0, false, &batch).await);
        drop(release);
        holding.await.unwrap();
        for answer in answers {
            answer.await.unwrap().unwrap();
        }
        let rows = harness.rows().await;
        assert_eq!(rows[0], 0, "the record is written first");
        let batches: std::collections::HashMap<i64, u64> =
            batch.lock().unwrap().iter().copied().collect();
        assert_eq!(batches[&0], 2, "in the first batch after the holding one");
        assert_eq!(batches[&1], 2);
        assert_eq!(
            batches[&(MAX_BATCH as i64 + 1)],
            3,
            "a batch takes at most MAX_BATCH ordinary writes"
        );
    }
}
