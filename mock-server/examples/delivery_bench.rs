//! The delivery benchmark (`cargo xtask bench delivery` runs it in release), all in this one process on a
//! file database:
//! 1. the limit: a plain loop of the worker's own HTTP client posting the same payload to a local
//!    receiver that answers 200 at once, as many requests in flight as the worker may have;
//! 2. sustained durable deliveries per second: 5,000 events fanned out to 4 endpoints (20,000
//!    deliveries) stored first, then the worker started and timed until the last attempt is committed;
//! 3. the time from `POST /__mock/events/` (over HTTP) to the receiver getting the request, at 100 events
//!    per second for 10 s.
//!
//! Prints one `name: value` line per figure. Arguments: the scratch directory for the database.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{Router, body::Bytes, extract::State, routing::post};
use mock_server::{
    AppState, Config, clock,
    delivery::{Limits, Recipients, Sender, Worker},
};
use tokio::{net::TcpListener, sync::oneshot};
use tokio_util::sync::CancellationToken;

/// Deliveries for the throughput run: events × endpoints.
const EVENTS: usize = 5_000;
const ENDPOINTS: usize = 4;
const LATENCY_RATE: f64 = 100.0;
const LATENCY_SECONDS: u64 = 10;

/// What the receiver saw: how many requests, and when each event id first arrived.
#[derive(Default)]
struct Seen {
    count: usize,
    arrivals: HashMap<u64, Instant>,
    target: usize,
    /// Told when `count` reaches `target`.
    reached: Option<oneshot::Sender<()>>,
}

#[derive(Clone)]
struct Receiver {
    seen: Arc<Mutex<Seen>>,
}

async fn receive(State(receiver): State<Receiver>, body: Bytes) -> &'static str {
    let event_id = event_id_of(&body);
    let mut seen = receiver.seen.lock().unwrap();
    seen.count += 1;
    if let Some(event_id) = event_id {
        seen.arrivals.entry(event_id).or_insert_with(Instant::now);
    }
    if seen.count == seen.target
        && let Some(reached) = seen.reached.take()
    {
        let _ = reached.send(());
    }
    r#"{"success":true}"#
}

/// `{"event_id": N, ...` → N, without parsing the whole body.
fn event_id_of(body: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(body.get(..40)?).ok()?;
    let rest = text.strip_prefix("{\"event_id\": ")?;
    rest.split(',').next()?.parse().ok()
}

impl Receiver {
    /// Starts counting afresh; the answer resolves when `target` requests have arrived.
    fn expect(&self, target: usize) -> oneshot::Receiver<()> {
        let (reached, wait) = oneshot::channel();
        let mut seen = self.seen.lock().unwrap();
        seen.count = 0;
        seen.arrivals.clear();
        seen.target = target;
        seen.reached = Some(reached);
        wait
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let scratch = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench".to_owned());
    std::fs::create_dir_all(&scratch)?;
    let db = format!("{scratch}/delivery.sqlite3");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }

    let receiver = Receiver {
        seen: Arc::default(),
    };
    let receiver_listener = TcpListener::bind("127.0.0.1:0").await?;
    let receiver_url = format!("http://{}/hook", receiver_listener.local_addr()?);
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(receiver_listener, app).await });

    // The mock server in this process: its API on a port, its worker beside it, a file database.
    let mut config = Config::defaults();
    config.db = db;
    config.no_seed = true;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let server_url = format!("http://{}", listener.local_addr()?);
    let started = AppState::open(config, listener.local_addr()?).await?;
    let state = started.state;
    let sender = Sender::new(Duration::from_secs(10), state.resolver.clone())?;
    let cancel = CancellationToken::new();
    let limits = Limits::default();
    let api = mock_server::app(state.clone());
    tokio::spawn(async move { axum::serve(listener, api).await });

    let client = reqwest::Client::new();
    for _ in 0..ENDPOINTS {
        let response = client
            .post(format!("{server_url}/api/v2/webhook/endpoint/"))
            .bearer_auth("dev-admin-token")
            .json(
                &serde_json::json!({"target": receiver_url, "events": [{"type": "vote.created"}]}),
            )
            .send()
            .await?;
        anyhow::ensure!(response.status() == 201, "could not create an endpoint");
    }
    let body = mock_server::delivery::payload::serialize(
        1,
        "vote.created",
        clock::now(),
        &webhook_api::catalog::example_data("vote.created").unwrap_or_default(),
    );
    println!("payload_bytes: {}", body.len());

    // 1. The limit: the same client posting the same bodies, as many in flight as the worker allows
    //    per endpoint times the endpoints (never more than its overall limit).
    let total = EVENTS * ENDPOINTS;
    let concurrency = (limits.per_endpoint * ENDPOINTS).min(limits.in_flight);
    let plain_done = receiver.expect(total);
    let begun = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut loops = Vec::new();
    for _ in 0..concurrency {
        let client = sender.client().clone();
        let (url, body, next) = (receiver_url.clone(), body.clone(), Arc::clone(&next));
        loops.push(tokio::spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                let response = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("the receiver answers");
                let _ = response.bytes().await;
            }
        }));
    }
    for task in loops {
        task.await?;
    }
    plain_done.await?;
    let plain = total as f64 / begun.elapsed().as_secs_f64();
    println!("plain_loop_requests_per_second: {plain:.0}");

    // 2. Sustained deliveries: a backlog of events stored and fanned out first, then the worker started
    //    and timed until the last attempt is committed (each try recorded, each delivery closed).
    let begun = Instant::now();
    for _ in 0..EVENTS {
        state
            .deliveries
            .emit_event(
                "vote.created".to_owned(),
                None,
                clock::now(),
                Recipients::Subscribers,
            )
            .await?;
    }
    let produced = begun.elapsed();
    let all_received = receiver.expect(total);
    let begun = Instant::now();
    tokio::spawn(Worker::new(&state.deliveries, sender.clone(), limits).run(cancel.clone()));
    all_received.await?;
    loop {
        let recorded = state.store.count_attempts().await?;
        if recorded >= total as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = begun.elapsed();
    let rate = total as f64 / elapsed.as_secs_f64();
    println!(
        "events_stored_per_second: {:.0}",
        EVENTS as f64 / produced.as_secs_f64()
    );
    println!("deliveries: {total}");
    println!("durable_deliveries_per_second: {rate:.0}");
    println!("ratio_to_plain_loop_percent: {:.0}", rate / plain * 100.0);

    // 3. Latency at 100 events per second: POST /__mock/events/ over HTTP, one endpoint subscribed.
    client
        .post(format!("{server_url}/api/v2/webhook/endpoint/"))
        .bearer_auth("dev-admin-token")
        .json(&serde_json::json!({"target": receiver_url, "events": [{"type": "user.created"}]}))
        .send()
        .await?;
    let count = (LATENCY_RATE * LATENCY_SECONDS as f64) as usize;
    let all_received = receiver.expect(count);
    let mut posted: HashMap<u64, Instant> = HashMap::new();
    let gap = Duration::from_secs_f64(1.0 / LATENCY_RATE);
    let mut tick = tokio::time::interval(gap);
    for _ in 0..count {
        tick.tick().await;
        let at = Instant::now();
        let created: serde_json::Value = client
            .post(format!("{server_url}/__mock/events/"))
            .bearer_auth("dev-admin-token")
            .json(&serde_json::json!({"type": "user.created"}))
            .send()
            .await?
            .json()
            .await?;
        posted.insert(created["event_id"].as_u64().unwrap_or_default(), at);
    }
    all_received.await?;
    let arrivals = receiver.seen.lock().unwrap().arrivals.clone();
    let mut latencies: Vec<Duration> = posted
        .iter()
        .filter_map(|(id, at)| arrivals.get(id).map(|arrived| arrived.duration_since(*at)))
        .collect();
    latencies.sort_unstable();
    let percentile = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!("latency_events: {}", latencies.len());
    println!(
        "latency_p50_ms: {:.2}",
        percentile(0.50).as_secs_f64() * 1000.0
    );
    println!(
        "latency_p99_ms: {:.2}",
        percentile(0.99).as_secs_f64() * 1000.0
    );
    cancel.cancel();
    Ok(())
}
