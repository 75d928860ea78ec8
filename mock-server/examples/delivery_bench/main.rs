//! The end-to-end delivery benchmark (`cargo xtask bench delivery`): the release mock-server binary on a
//! file database, driven over HTTP as users drive it, with a receiver in this process that answers 200
//! at once and counts what arrives. Phases (all unless some are named after the two paths):
//! - `ceiling`: the receiver's own ceiling, a plain loop of this process's client posting the payload
//!   to it at 128 connections, so that the figures below are shown not to be the receiver's;
//! - `claim`: in this process, what taking the next due deliveries costs at 20,000, 100,000 and
//!   300,000 pending: the worker's due queue next to the SQL claim it replaced (`claim.rs`);
//! - `ingest`: `POST /__mock/events/` as fast as N connections can (16, 64, 256), 1 and 4 endpoints
//!   subscribed: events accepted and deliveries per second over 20 s after a 5 s warm-up, delivered →
//!   recorded (`recorded.rs`), the backlog left, the time to drain it, peak RSS and threads of the
//!   server;
//! - `latency`: events posted at 100 and 600 per second: POST answered → the receiver has it;
//! - `backlog`: 300,000 deliveries stored while the receiver holds every request, then released:
//!   the drain rate, per 50,000 drained, as the backlog shrinks from 300,000;
//! - `mixed`: 64 connections at once (32 posting events, 16 creating, patching and deleting endpoints,
//!   16 reading lists, endpoints and attempts), next to the same writes and reads on an idle server.
//!
//! Usage: `delivery_bench <mock-server binary> <scratch dir> [--baseline <other binary>] [phase...]`.
//! With a baseline, every phase that starts a server runs each measurement on both binaries in turn,
//! in the same sitting, and their rows sit side by side. Prints Markdown tables.

mod claim;
mod client;
mod load;
mod receiver;
mod recorded;
mod server;

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::body::Bytes;
use hyper::Method;
use mock_server::{clock, delivery::payload};

use crate::{
    client::Connection,
    load::Load,
    receiver::Receiver,
    recorded::RecordedLag,
    server::{Server, db_path, load_average},
};

/// The event every phase posts (its catalog example is the ~2.3 KB payload).
const EVENT_TYPE: &str = "vote.created";
const WARM_UP: Duration = Duration::from_secs(5);
const MEASURED: Duration = Duration::from_secs(20);
const DRAIN_CAP: Duration = Duration::from_secs(30);
const BACKLOG_EVENTS: u64 = 75_000;
const BACKLOG_ENDPOINTS: usize = 4;
const BACKLOG_WINDOW: u64 = 50_000;
const BACKLOG_CAP: Duration = Duration::from_secs(180);

struct Bench {
    /// This build, then the baseline if there is one, each with its name in the tables.
    servers: Vec<(&'static str, PathBuf)>,
    scratch: PathBuf,
    receiver: Receiver,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: delivery_bench <mock-server binary> <scratch dir> [--baseline <binary>] [ceiling|claim|ingest|latency|backlog|mixed]...";
    let binary = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!(usage))?);
    let scratch = PathBuf::from(args.next().ok_or_else(|| anyhow::anyhow!(usage))?);
    let mut servers = vec![("this build", binary)];
    let mut phases: Vec<String> = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--baseline" {
            let baseline = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
            servers.push(("baseline", baseline.into()));
        } else {
            phases.push(arg);
        }
    }
    if phases.is_empty() {
        phases = ["ceiling", "claim", "ingest", "latency", "backlog", "mixed"]
            .map(str::to_owned)
            .to_vec();
    }
    std::fs::create_dir_all(&scratch)?;
    for (name, binary) in &servers {
        println!("{name}: {}", binary.display());
    }
    let bench = Bench {
        servers,
        scratch,
        receiver: Receiver::start().await?,
    };
    println!(
        "payload: {} bytes ({EVENT_TYPE}); load average at start: {}",
        payload_bytes().len(),
        load_average()
    );
    for phase in &phases {
        println!("\n==> {phase} (load average {})", load_average());
        match phase.as_str() {
            "ceiling" => bench.ceiling().await?,
            "claim" => claim::run(&bench.scratch, &payload_bytes())?,
            "ingest" => bench.ingest().await?,
            "latency" => {
                for (name, binary) in &bench.servers {
                    bench.latency(name, binary).await?;
                }
            }
            "backlog" => {
                for (name, binary) in &bench.servers {
                    bench.backlog(name, binary).await?;
                }
            }
            "mixed" => {
                for (name, binary) in &bench.servers {
                    bench.mixed(name, binary).await?;
                }
            }
            other => anyhow::bail!("unknown phase `{other}`; {usage}"),
        }
    }
    println!("\nload average at the end: {}", load_average());
    Ok(())
}

fn payload_bytes() -> Vec<u8> {
    payload::serialize(
        1,
        EVENT_TYPE,
        clock::now(),
        &webhook_api::catalog::example_data(EVENT_TYPE).unwrap_or_default(),
    )
}

/// Polls `done` every 5 ms for at most `cap`; how long it took, or `None` if it never held.
async fn wait_until(cap: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let begun = Instant::now();
    while !done() {
        if begun.elapsed() > cap {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Some(begun.elapsed())
}

/// The p-th quantile of sorted values.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// `b - a` in milliseconds, negative when `b` came first.
fn signed_millis(a: Instant, b: Instant) -> f64 {
    if b >= a {
        millis(b - a)
    } else {
        -millis(a - b)
    }
}

impl Bench {
    async fn server(&self, binary: &Path, name: &str, extra: &[&str]) -> anyhow::Result<Server> {
        Server::start(binary, &db_path(&self.scratch, name), extra).await
    }

    async fn ceiling(&self) -> anyhow::Result<()> {
        const CONNECTIONS: usize = 128;
        self.receiver.reset(false, 0);
        let addr = self.receiver.base.trim_start_matches("http://").to_owned();
        let body = Bytes::from(payload_bytes());
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for _ in 0..CONNECTIONS {
            let mut connection = Connection::open(&addr).await?;
            let (body, stop) = (body.clone(), Arc::clone(&stop));
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if connection
                        .send(Method::POST, "/hook/0", Some(body.clone()))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (begun, before) = (Instant::now(), self.receiver.arrivals());
        tokio::time::sleep(Duration::from_secs(5)).await;
        let rate = (self.receiver.arrivals() - before) as f64 / begun.elapsed().as_secs_f64();
        stop.store(true, Ordering::Relaxed);
        for task in tasks {
            let _ = task.await;
        }
        println!(
            "receiver ceiling: {rate:.0} requests/s (this process's client, {CONNECTIONS} connections, the same payload)"
        );
        Ok(())
    }

    async fn ingest(&self) -> anyhow::Result<()> {
        println!(
            "\n| server | endpoints | connections | events accepted/s | deliveries/s | deliveries / (accepted × endpoints) | delivered → recorded p50 ms | p99 ms | backlog at end | drain time s | undelivered after drain | duplicates | failed POSTs | peak RSS MB | max threads |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for endpoints in [1, 4] {
            for connections in [16, 64, 256] {
                for (name, binary) in &self.servers {
                    self.ingest_run(name, binary, endpoints, connections)
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn ingest_run(
        &self,
        name: &str,
        binary: &Path,
        endpoints: usize,
        connections: usize,
    ) -> anyhow::Result<()> {
        let server = self.server(binary, "ingest", &[]).await?;
        let mut admin = Connection::open(&server.addr).await?;
        let mut first = None;
        for n in 0..endpoints {
            let id = admin
                .create_endpoint(&self.receiver.target(n), &[EVENT_TYPE])
                .await?;
            first.get_or_insert(id);
        }
        self.receiver.reset(false, 0);
        let load = Load::start(&server.addr, connections, EVENT_TYPE, u64::MAX).await?;
        tokio::time::sleep(WARM_UP).await;
        let (begun, accepted_before, delivered_before) =
            (Instant::now(), load.accepted(), self.receiver.arrivals());
        let recorded = RecordedLag::start(
            &server.addr,
            self.receiver.clone(),
            0,
            first.expect("one endpoint at least"),
        )
        .await?;
        tokio::time::sleep(MEASURED).await;
        let (accepted_after, delivered_after) = (load.accepted(), self.receiver.arrivals());
        let seconds = begun.elapsed().as_secs_f64();
        let recorded = recorded.stop().await;
        let finished = load.stop().await;
        let fanout = endpoints as u64;
        let backlog = (accepted_after * fanout).saturating_sub(delivered_after);
        let expected = finished.accepted * fanout;
        let drained = wait_until(DRAIN_CAP, || self.receiver.arrivals() >= expected).await;
        let undelivered: u64 = (0..endpoints)
            .map(|n| {
                finished
                    .event_ids
                    .iter()
                    .filter(|&&id| !self.receiver.delivered(n, id))
                    .count() as u64
            })
            .sum();
        let accepted_rate = (accepted_after - accepted_before) as f64 / seconds;
        let delivered_rate = (delivered_after - delivered_before) as f64 / seconds;
        println!(
            "| {name} | {endpoints} | {connections} | {accepted_rate:.0} | {delivered_rate:.0} | {:.0} % | {:.1} | {:.1} | {backlog} | {} | {undelivered} | {} | {} | {:.1} | {} |",
            delivered_rate / (accepted_rate * endpoints as f64) * 100.0,
            quantile(&recorded, 0.5),
            quantile(&recorded, 0.99),
            drained.map_or_else(
                || format!("> {}", DRAIN_CAP.as_secs()),
                |d| format!("{:.1}", d.as_secs_f64())
            ),
            self.receiver.duplicates(),
            finished.failed,
            server.peak_rss_mb(),
            server.max_threads(),
        );
        server.stop().await;
        Ok(())
    }

    async fn latency(&self, name: &str, binary: &Path) -> anyhow::Result<()> {
        let server = self.server(binary, "latency", &[]).await?;
        let mut admin = Connection::open(&server.addr).await?;
        admin
            .create_endpoint(&self.receiver.target(0), &[EVENT_TYPE])
            .await?;
        println!(
            "\n| server | events/s | events | POST answered → receiver p50 ms | p99 ms | max ms | POST sent → receiver p50 ms | p99 ms | max ms |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for rate in [100u64, 600] {
            self.latency_run(name, &server, rate, 10).await?;
        }
        server.stop().await;
        Ok(())
    }

    async fn latency_run(
        &self,
        name: &str,
        server: &Server,
        rate: u64,
        seconds: u64,
    ) -> anyhow::Result<()> {
        self.receiver.reset(true, 0);
        let pool: Arc<Mutex<Vec<Connection>>> = Arc::default();
        for _ in 0..8 {
            let connection = Connection::open(&server.addr).await?;
            pool.lock().unwrap().push(connection);
        }
        let posted: Arc<Mutex<Vec<(u64, Instant, Instant)>>> = Arc::default();
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
        let mut tasks = Vec::new();
        for _ in 0..rate * seconds {
            tick.tick().await;
            let (pool, posted, addr) =
                (Arc::clone(&pool), Arc::clone(&posted), server.addr.clone());
            tasks.push(tokio::spawn(async move {
                let taken = pool.lock().unwrap().pop();
                let mut connection = match taken {
                    Some(connection) => connection,
                    None => Connection::open(&addr).await.expect("a connection"),
                };
                let sent = Instant::now();
                let answer = connection.trigger(EVENT_TYPE).await.expect("an answer");
                if let Some(id) = client::event_id_of_answer(&answer.body) {
                    posted.lock().unwrap().push((id, sent, answer.returned));
                }
                pool.lock().unwrap().push(connection);
            }));
        }
        for task in tasks {
            task.await?;
        }
        let posted = std::mem::take(&mut *posted.lock().unwrap());
        let count = posted.len();
        wait_until(DRAIN_CAP, || self.receiver.arrivals() >= count as u64).await;
        let arrivals = self.receiver.first_arrivals();
        let mut from_answer = Vec::new();
        let mut from_send = Vec::new();
        for (id, sent, returned) in posted {
            if let Some(&arrived) = arrivals.get(&id) {
                from_answer.push(signed_millis(returned, arrived));
                from_send.push(signed_millis(sent, arrived));
            }
        }
        from_answer.sort_by(f64::total_cmp);
        from_send.sort_by(f64::total_cmp);
        let max = |values: &[f64]| values.last().copied().unwrap_or(f64::NAN);
        println!(
            "| {name} | {rate} | {} of {count} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            from_answer.len(),
            quantile(&from_answer, 0.5),
            quantile(&from_answer, 0.99),
            max(&from_answer),
            quantile(&from_send, 0.5),
            quantile(&from_send, 0.99),
            max(&from_send),
        );
        Ok(())
    }

    async fn backlog(&self, name: &str, binary: &Path) -> anyhow::Result<()> {
        // Held requests must not time out while the backlog is built.
        let server = self
            .server(binary, "backlog", &["--delivery-timeout", "900"])
            .await?;
        let mut admin = Connection::open(&server.addr).await?;
        for n in 0..BACKLOG_ENDPOINTS {
            admin
                .create_endpoint(&self.receiver.target(n), &[EVENT_TYPE])
                .await?;
        }
        self.receiver.reset(false, BACKLOG_WINDOW);
        self.receiver.hold();
        let begun = Instant::now();
        let finished = Load::start(&server.addr, 64, EVENT_TYPE, BACKLOG_EVENTS)
            .await?
            .finished()
            .await;
        let stored_in = begun.elapsed();
        let total = finished.accepted * BACKLOG_ENDPOINTS as u64;
        let held = self.receiver.arrivals();
        let released = Instant::now();
        self.receiver.release();
        let drained = wait_until(BACKLOG_CAP, || self.receiver.arrivals() >= total).await;
        let arrived = self.receiver.arrivals();
        let checkpoints = self.receiver.checkpoints();
        println!(
            "{name}: {} events stored in {:.1} s ({:.0} events/s, {} failed) while the receiver held {held} requests; {total} deliveries",
            finished.accepted,
            stored_in.as_secs_f64(),
            finished.accepted as f64 / stored_in.as_secs_f64(),
            finished.failed,
        );
        match drained {
            Some(took) => println!(
                "{name}: drained in {:.1} s: {:.0} deliveries/s; peak RSS {:.1} MB, max threads {}",
                took.as_secs_f64(),
                (total - held) as f64 / took.as_secs_f64(),
                server.peak_rss_mb(),
                server.max_threads()
            ),
            None => println!(
                "{name}: not drained after {} s: {arrived} of {total} arrived ({:.0} deliveries/s); peak RSS {:.1} MB, max threads {}",
                BACKLOG_CAP.as_secs(),
                (arrived - held) as f64 / BACKLOG_CAP.as_secs_f64(),
                server.peak_rss_mb(),
                server.max_threads()
            ),
        }
        println!(
            "\n| server | backlog at the window's start | drained in the window | deliveries/s |"
        );
        println!("|---|---:|---:|---:|");
        let mut start = (released, held);
        for (index, &at) in checkpoints.iter().enumerate() {
            let reached = (index as u64 + 1) * BACKLOG_WINDOW;
            let rate = (reached - start.1) as f64 / (at - start.0).as_secs_f64();
            println!(
                "| {name} | {} | {} | {rate:.0} |",
                total.saturating_sub(start.1),
                reached - start.1
            );
            start = (at, reached);
        }
        server.stop().await;
        Ok(())
    }

    async fn mixed(&self, name: &str, binary: &Path) -> anyhow::Result<()> {
        const OTHERS: usize = 200;
        let server = self.server(binary, "mixed", &[]).await?;
        let mut admin = Connection::open(&server.addr).await?;
        let delivering = admin
            .create_endpoint(&self.receiver.target(0), &[EVENT_TYPE])
            .await?;
        for _ in 0..OTHERS {
            admin
                .create_endpoint(&self.receiver.target(9), &["user.created"])
                .await?;
        }
        let target = self.receiver.target(9);
        let api = Arc::new(Api {
            target,
            delivering,
            measuring: AtomicBool::new(true),
            stop: AtomicBool::new(false),
            writes: Mutex::default(),
            reads: Mutex::default(),
            server_errors: AtomicU64::new(0),
        });
        // Idle: one connection, one request at a time.
        for round in 0..100 {
            api.write_cycle(&mut admin).await;
            api.read_cycle(&mut admin, round).await;
        }
        let idle = api.take();
        println!(
            "\n| server | load | writes | p50 ms | p99 ms | reads | p50 ms | p99 ms | events accepted/s | deliveries/s | 5xx | undelivered after drain |"
        );
        println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        idle.print(name, "idle, 1 connection", None);

        self.receiver.reset(false, 0);
        api.measuring.store(false, Ordering::SeqCst);
        let load = Load::start(&server.addr, 32, EVENT_TYPE, u64::MAX).await?;
        let mut tasks = Vec::new();
        for worker in 0..32u64 {
            let mut connection = Connection::open(&server.addr).await?;
            let api = Arc::clone(&api);
            tasks.push(tokio::spawn(async move {
                let mut round = worker * 17;
                while !api.stop.load(Ordering::Relaxed) {
                    if worker % 2 == 0 {
                        api.write_cycle(&mut connection).await;
                    } else {
                        api.read_cycle(&mut connection, round).await;
                    }
                    round += 1;
                }
            }));
        }
        tokio::time::sleep(WARM_UP).await;
        api.measuring.store(true, Ordering::SeqCst);
        let (begun, accepted_before, delivered_before) =
            (Instant::now(), load.accepted(), self.receiver.arrivals());
        tokio::time::sleep(MEASURED).await;
        api.measuring.store(false, Ordering::SeqCst);
        let (accepted_after, delivered_after) = (load.accepted(), self.receiver.arrivals());
        let seconds = begun.elapsed().as_secs_f64();
        api.stop.store(true, Ordering::SeqCst);
        let finished = load.stop().await;
        for task in tasks {
            let _ = task.await;
        }
        let expected = finished.accepted;
        wait_until(DRAIN_CAP, || self.receiver.arrivals() >= expected).await;
        let undelivered = finished
            .event_ids
            .iter()
            .filter(|&&id| !self.receiver.delivered(0, id))
            .count();
        let mixed = api.take();
        mixed.print(
            name,
            "64 connections: 32 posting events, 16 writing, 16 reading",
            Some((
                (accepted_after - accepted_before) as f64 / seconds,
                (delivered_after - delivered_before) as f64 / seconds,
                api.server_errors.load(Ordering::SeqCst) + finished.server_errors,
                undelivered,
            )),
        );
        server.stop().await;
        Ok(())
    }
}

/// The API half of the mixed load: endpoint writes and reads, timed while `measuring`.
struct Api {
    target: String,
    delivering: u64,
    measuring: AtomicBool,
    stop: AtomicBool,
    writes: Mutex<Vec<f64>>,
    reads: Mutex<Vec<f64>>,
    server_errors: AtomicU64,
}

struct Latencies {
    writes: Vec<f64>,
    reads: Vec<f64>,
}

impl Api {
    async fn timed(
        &self,
        connection: &mut Connection,
        write: bool,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Option<Bytes> {
        let sent = Instant::now();
        let answer = connection
            .send(method, path, body.map(Bytes::from))
            .await
            .ok()?;
        if answer.status.is_server_error() {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
        if self.measuring.load(Ordering::Relaxed) {
            let took = millis(answer.returned - sent);
            if write {
                self.writes.lock().unwrap().push(took);
            } else {
                self.reads.lock().unwrap().push(took);
            }
        }
        answer.status.is_success().then_some(answer.body)
    }

    /// Creates an endpoint, patches it, deletes it.
    async fn write_cycle(&self, connection: &mut Connection) {
        let body = format!(
            r#"{{"target": "{}", "events": [{{"type": "user.created"}}]}}"#,
            self.target
        );
        let Some(created) = self
            .timed(
                connection,
                true,
                Method::POST,
                "/api/v2/webhook/endpoint/",
                Some(body),
            )
            .await
        else {
            return;
        };
        let Some(id) = serde_json::from_slice::<serde_json::Value>(&created)
            .ok()
            .and_then(|endpoint| endpoint["id"].as_u64())
        else {
            return;
        };
        let path = format!("/api/v2/webhook/endpoint/{id}/");
        self.timed(
            connection,
            true,
            Method::PATCH,
            &path,
            Some(r#"{"description": "patched"}"#.to_owned()),
        )
        .await;
        self.timed(connection, true, Method::DELETE, &path, None)
            .await;
    }

    /// A list page, an endpoint, a page of attempts.
    async fn read_cycle(&self, connection: &mut Connection, round: u64) {
        let offset = round * 37 % 180;
        for path in [
            format!("/api/v2/webhook/endpoint/?limit=20&offset={offset}"),
            format!("/api/v2/webhook/endpoint/{}/", self.delivering),
            format!(
                "/api/v2/webhook/endpoint/{}/attempt/?limit=20",
                self.delivering
            ),
        ] {
            self.timed(connection, false, Method::GET, &path, None)
                .await;
        }
    }

    fn take(&self) -> Latencies {
        let mut writes = std::mem::take(&mut *self.writes.lock().unwrap());
        let mut reads = std::mem::take(&mut *self.reads.lock().unwrap());
        writes.sort_by(f64::total_cmp);
        reads.sort_by(f64::total_cmp);
        Latencies { writes, reads }
    }
}

impl Latencies {
    fn print(&self, server: &str, load: &str, ingest: Option<(f64, f64, u64, usize)>) {
        let (accepted, delivered, errors, undelivered) = match ingest {
            Some((accepted, delivered, errors, undelivered)) => (
                format!("{accepted:.0}"),
                format!("{delivered:.0}"),
                errors.to_string(),
                undelivered.to_string(),
            ),
            None => ("–".into(), "–".into(), "–".into(), "–".into()),
        };
        println!(
            "| {server} | {load} | {} | {:.2} | {:.2} | {} | {:.2} | {:.2} | {accepted} | {delivered} | {errors} | {undelivered} |",
            self.writes.len(),
            quantile(&self.writes, 0.5),
            quantile(&self.writes, 0.99),
            self.reads.len(),
            quantile(&self.reads, 0.5),
            quantile(&self.reads, 0.99),
        );
    }
}
