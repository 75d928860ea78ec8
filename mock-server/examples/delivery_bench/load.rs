//! Closed-loop ingest: N connections, each posting the next event as soon as the last one is answered.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::task::JoinHandle;

use crate::client::{Connection, event_id_of_answer};

/// Events posted by `connections` tasks until stopped or until `limit` have been sent.
pub struct Load {
    counters: Arc<Counters>,
    tasks: Vec<JoinHandle<()>>,
}

#[derive(Default)]
struct Counters {
    started: AtomicU64,
    accepted: AtomicU64,
    /// Answers other than 201, and broken connections.
    failed: AtomicU64,
    server_errors: AtomicU64,
    stop: AtomicBool,
    /// The ids of the accepted events.
    event_ids: Mutex<Vec<u64>>,
}

impl Load {
    pub async fn start(
        addr: &str,
        connections: usize,
        event_type: &'static str,
        limit: u64,
    ) -> anyhow::Result<Self> {
        let counters = Arc::new(Counters::default());
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let mut connection = Connection::open(addr).await?;
            let counters = Arc::clone(&counters);
            let addr = addr.to_owned();
            tasks.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                while !counters.stop.load(Ordering::Relaxed)
                    && counters.started.fetch_add(1, Ordering::Relaxed) < limit
                {
                    match connection.trigger(event_type).await {
                        Ok(answer) if answer.status == 201 => {
                            counters.accepted.fetch_add(1, Ordering::Relaxed);
                            if let Some(id) = event_id_of_answer(&answer.body) {
                                ids.push(id);
                            }
                        }
                        Ok(answer) => {
                            counters.failed.fetch_add(1, Ordering::Relaxed);
                            if answer.status.is_server_error() {
                                counters.server_errors.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Err(_) => {
                            counters.failed.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            if let Ok(fresh) = Connection::open(&addr).await {
                                connection = fresh;
                            }
                        }
                    }
                }
                counters.event_ids.lock().unwrap().extend(ids);
            }));
        }
        Ok(Self { counters, tasks })
    }

    pub fn accepted(&self) -> u64 {
        self.counters.accepted.load(Ordering::Relaxed)
    }

    /// Waits for every task to finish (after its limit, or [`Load::stop`]).
    pub async fn finished(self) -> Finished {
        for task in self.tasks {
            let _ = task.await;
        }
        let mut event_ids = std::mem::take(&mut *self.counters.event_ids.lock().unwrap());
        event_ids.sort_unstable();
        Finished {
            accepted: self.counters.accepted.load(Ordering::Relaxed),
            failed: self.counters.failed.load(Ordering::Relaxed),
            server_errors: self.counters.server_errors.load(Ordering::Relaxed),
            event_ids,
        }
    }

    /// Stops posting (each connection finishes the request it is in) and waits for the tasks.
    pub async fn stop(self) -> Finished {
        self.counters.stop.store(true, Ordering::Relaxed);
        self.finished().await
    }
}

pub struct Finished {
    pub accepted: u64,
    pub failed: u64,
    pub server_errors: u64,
    pub event_ids: Vec<u64>,
}
