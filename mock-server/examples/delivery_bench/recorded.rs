//! Delivered → recorded, seen from outside: how long after the receiver got a delivery its attempt
//! shows in `GET /api/v2/webhook/endpoint/{id}/attempt/` (whose `count` is the endpoint's recorded
//! attempts). A sample notes the arrivals at one endpoint so far and polls the list until its count
//! reaches them; the figure is an upper bound, by at most one poll (one `count(*)` read).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use hyper::Method;
use tokio::task::JoinHandle;

use crate::{client::Connection, receiver::Receiver};

/// Pause between samples, so the sampler's reads stay a small part of the load.
const BETWEEN_SAMPLES: Duration = Duration::from_millis(20);

pub struct RecordedLag {
    stop: Arc<AtomicBool>,
    task: JoinHandle<Vec<f64>>,
}

impl RecordedLag {
    /// Samples endpoint `endpoint_id`, which the receiver knows as `/hook/{n}`.
    pub async fn start(
        addr: &str,
        receiver: Receiver,
        n: usize,
        endpoint_id: u64,
    ) -> anyhow::Result<Self> {
        let mut connection = Connection::open(addr).await?;
        let path = format!("/api/v2/webhook/endpoint/{endpoint_id}/attempt/?limit=1");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let task = tokio::spawn(async move {
            let mut lags = Vec::new();
            'samples: while !stopped.load(Ordering::Relaxed) {
                let (noted, arrived) = (Instant::now(), receiver.arrivals_at(n));
                loop {
                    if stopped.load(Ordering::Relaxed) {
                        break 'samples;
                    }
                    let Ok(answer) = connection.send(Method::GET, &path, None).await else {
                        break 'samples;
                    };
                    let count = serde_json::from_slice::<serde_json::Value>(&answer.body)
                        .ok()
                        .and_then(|list| list["count"].as_u64())
                        .unwrap_or(0);
                    if count >= arrived {
                        break;
                    }
                }
                lags.push(crate::millis(noted.elapsed()));
                tokio::time::sleep(BETWEEN_SAMPLES).await;
            }
            lags
        });
        Ok(Self { stop, task })
    }

    /// Stops sampling (a sample still waiting is dropped); the lags in ms, sorted.
    pub async fn stop(self) -> Vec<f64> {
        self.stop.store(true, Ordering::Relaxed);
        let mut lags = self.task.await.unwrap_or_default();
        lags.sort_by(f64::total_cmp);
        lags
    }
}
