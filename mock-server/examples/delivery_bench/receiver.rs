//! The webhook receiver: answers 200 at once (or holds every request until released), counts arrivals,
//! notices duplicates (an event arriving twice at one endpoint), and when asked remembers when each
//! event first arrived.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    routing::post,
};
use tokio::{net::TcpListener, sync::watch};

#[derive(Clone)]
pub struct Receiver {
    shared: Arc<Shared>,
    /// `http://127.0.0.1:<port>`: endpoint n targets `{base}/hook/{n}`.
    pub base: String,
}

/// Endpoints whose arrivals are also counted apart (`/hook/0` to `/hook/15`).
const COUNTED: usize = 16;

struct Shared {
    arrivals: AtomicU64,
    arrivals_by_endpoint: [AtomicU64; COUNTED],
    duplicates: AtomicU64,
    state: Mutex<Seen>,
    held: watch::Sender<bool>,
}

#[derive(Default)]
struct Seen {
    /// Per endpoint (the n of `/hook/n`), a bit per event id.
    delivered: Vec<Vec<u64>>,
    /// The first arrival of each event, when recording.
    first_arrival: Option<HashMap<u64, Instant>>,
    /// When the arrival count passed each multiple of `checkpoint_every`.
    checkpoints: Vec<Instant>,
    checkpoint_every: u64,
}

impl Receiver {
    pub async fn start() -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            arrivals: AtomicU64::new(0),
            arrivals_by_endpoint: std::array::from_fn(|_| AtomicU64::new(0)),
            duplicates: AtomicU64::new(0),
            state: Mutex::new(Seen::default()),
            held: watch::Sender::new(false),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let app = Router::new()
            .route("/hook/{n}", post(receive))
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { shared, base })
    }

    pub fn target(&self, n: usize) -> String {
        format!("{}/hook/{n}", self.base)
    }

    /// Forgets everything seen; `record` keeps each event's first arrival time from now on;
    /// `checkpoint_every` > 0 notes the time at each multiple of that many arrivals.
    pub fn reset(&self, record: bool, checkpoint_every: u64) {
        let mut seen = self.shared.state.lock().unwrap();
        *seen = Seen {
            first_arrival: record.then(HashMap::new),
            checkpoint_every,
            ..Seen::default()
        };
        self.shared.arrivals.store(0, Ordering::SeqCst);
        for count in &self.shared.arrivals_by_endpoint {
            count.store(0, Ordering::SeqCst);
        }
        self.shared.duplicates.store(0, Ordering::SeqCst);
    }

    pub fn arrivals(&self) -> u64 {
        self.shared.arrivals.load(Ordering::SeqCst)
    }

    /// Arrivals at endpoint `n` (`/hook/n`, n < 16).
    pub fn arrivals_at(&self, n: usize) -> u64 {
        self.shared.arrivals_by_endpoint[n].load(Ordering::SeqCst)
    }

    pub fn duplicates(&self) -> u64 {
        self.shared.duplicates.load(Ordering::SeqCst)
    }

    /// Holds every request from now until [`Receiver::release`].
    pub fn hold(&self) {
        self.shared.held.send_replace(true);
    }

    pub fn release(&self) {
        self.shared.held.send_replace(false);
    }

    pub fn first_arrivals(&self) -> HashMap<u64, Instant> {
        let seen = self.shared.state.lock().unwrap();
        seen.first_arrival.clone().unwrap_or_default()
    }

    pub fn checkpoints(&self) -> Vec<Instant> {
        self.shared.state.lock().unwrap().checkpoints.clone()
    }

    /// Whether endpoint `n` got event `event_id`.
    pub fn delivered(&self, n: usize, event_id: u64) -> bool {
        let seen = self.shared.state.lock().unwrap();
        seen.delivered
            .get(n)
            .and_then(|bits| bits.get(event_id as usize / 64))
            .is_some_and(|word| word & (1 << (event_id % 64)) != 0)
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    Path(n): Path<usize>,
    body: Bytes,
) -> &'static str {
    let arrived = Instant::now();
    let event_id = event_id_of(&body);
    {
        let mut seen = shared.state.lock().unwrap();
        if let Some(event_id) = event_id {
            if let Some(first) = &mut seen.first_arrival {
                first.entry(event_id).or_insert(arrived);
            }
            if seen.delivered.len() <= n {
                seen.delivered.resize_with(n + 1, Vec::new);
            }
            let bits = &mut seen.delivered[n];
            let word = event_id as usize / 64;
            if bits.len() <= word {
                bits.resize(word + 1, 0);
            }
            let bit = 1 << (event_id % 64);
            if bits[word] & bit != 0 {
                shared.duplicates.fetch_add(1, Ordering::SeqCst);
            }
            bits[word] |= bit;
        }
        if let Some(count) = shared.arrivals_by_endpoint.get(n) {
            count.fetch_add(1, Ordering::SeqCst);
        }
        let count = shared.arrivals.fetch_add(1, Ordering::SeqCst) + 1;
        if seen.checkpoint_every > 0 && count % seen.checkpoint_every == 0 {
            seen.checkpoints.push(arrived);
        }
    }
    let mut held = shared.held.subscribe();
    let _ = held.wait_for(|held| !held).await;
    r#"{"success": true}"#
}

/// `{"event_id": N, ...` → N, without parsing the whole body.
fn event_id_of(body: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(body.get(..40.min(body.len()))?).ok()?;
    let rest = text.strip_prefix("{\"event_id\": ")?;
    rest.split(',').next()?.parse().ok()
}
