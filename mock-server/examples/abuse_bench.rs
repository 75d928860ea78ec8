//! The abuse benchmark of issue 16 (`cargo xtask bench abuse` runs it in release): the server binary
//! driven from outside over loopback, as an attacker or a careless client would, each scenario on a
//! fresh process (`--db :memory:`), next to a baseline binary in the same run when one is given.
//!
//! 1. 1,000 wrong-password grants at 64 concurrent, then 1,000 right ones (each costs a hash):
//!    statuses, RSS after (and peak), `/health` latency during.
//! 2. 1 GiB to the sink: 1,024 requests of 1 MiB to 1,000 names, 16 concurrent: RSS after.
//! 3. 300 slow or idle connections (100 silent, 100 half a head, 100 half a body) with the server's
//!    file limit at 256: 200 `/health` probes on new connections, each given 1 s.
//! 4. Bulk resend, 4 at once: 20 bodies of 100,000 distinct ids (~690 KB), then 20 of 10,000
//!    (~59 KB): server CPU per request, `/health` latency during.
//! 5. 120 refused requests with a body on keep-alive connections, each followed by `/health` on the
//!    same connection: how many of those fail without the first answer saying `Connection: close`.
//!
//! `/health` latency is measured on a new connection per probe, every 10 ms, from a thread and runtime
//! of its own (started before the flood). Prints a Markdown table.
//! Arguments: the server binary, then optionally a baseline binary.

use std::{
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const TOKEN: &str = "dev-admin-token";

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `binary` on a free port with an in-memory store, its file limit at `nofile` if given.
    async fn start(binary: &str, seed: bool, nofile: Option<u32>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let mut args = vec!["--addr", &addr, "--db", ":memory:"];
        if !seed {
            args.push("--no-seed");
        }
        let limit = nofile.map_or_else(|| "unlimited".to_owned(), |n| n.to_string());
        let child = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "[ {limit} = unlimited ] || ulimit -n {limit}; exec \"$0\" \"$@\""
            ))
            .arg(binary)
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server");
        let started = Instant::now();
        while TcpStream::connect(&addr).await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "no server");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { child, addr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn status_kib(&self, field: &str) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|line| line.starts_with(field))?
                    .split_whitespace()
                    .nth(1)?
                    .parse()
                    .ok()
            })
            .unwrap_or(f64::NAN)
    }

    fn rss_mib(&self) -> f64 {
        self.status_kib("VmRSS:") / 1024.0
    }

    fn peak_mib(&self) -> f64 {
        self.status_kib("VmHWM:") / 1024.0
    }

    /// CPU seconds the process has used (user + system).
    fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        (ticks(11) + ticks(12)) / 100.0
    }
}

/// `/health` on a new connection every 10 ms until stopped; each probe's latency (1 s at most). It
/// runs on a thread and runtime of its own, so the flood's tasks never delay a probe: what it
/// measures is the server. [`Prober::start`] returns once a first probe (not counted) has been
/// answered, so the thread and its runtime are running before the flood starts.
struct Prober {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Duration>>,
}

impl Prober {
    async fn start(addr: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let addr = addr.to_owned();
        let (ready, running) = tokio::sync::oneshot::channel();
        let thread = std::thread::spawn({
            let stop = stop.clone();
            move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the prober's runtime");
                runtime.block_on(async move {
                    let _ = probe(&addr).await;
                    let _ = ready.send(());
                    let mut latencies = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        latencies.push(probe(&addr).await.unwrap_or(Duration::from_secs(1)));
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    latencies
                })
            }
        });
        let _ = running.await;
        Self { stop, thread }
    }

    async fn finish(self) -> Latencies {
        self.stop.store(true, Ordering::Relaxed);
        let thread = self.thread;
        Latencies(
            tokio::task::spawn_blocking(move || thread.join().expect("prober"))
                .await
                .expect("prober"),
        )
    }
}

/// One `/health` on a new connection; `None` if no answer within 1 s.
async fn probe(addr: &str) -> Option<Duration> {
    let started = Instant::now();
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        answer.starts_with(b"HTTP/1.1 200").then_some(())
    };
    tokio::time::timeout(Duration::from_secs(1), exchange)
        .await
        .ok()
        .flatten()
        .map(|()| started.elapsed())
}

struct Latencies(Vec<Duration>);

impl Latencies {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.0.clone();
        sorted.sort();
        if sorted.is_empty() {
            return f64::NAN;
        }
        let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[at].as_secs_f64() * 1000.0
    }

    fn summary(&self) -> String {
        format!(
            "p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms ({} probes)",
            self.percentile(0.5),
            self.percentile(0.99),
            self.percentile(1.0),
            self.0.len()
        )
    }

    fn within(&self, limit: Duration) -> usize {
        self.0.iter().filter(|latency| **latency <= limit).count()
    }
}

/// `n` requests made by `make(i)`, `concurrency` at a time; the statuses (0 for no answer).
async fn flood<F, Fut>(n: usize, concurrency: usize, make: F) -> Vec<u16>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<StatusCode>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let make = Arc::new(make);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (next, make) = (next.clone(), make.clone());
        workers.spawn(async move {
            let mut statuses = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return statuses;
                }
                statuses.push(make(i).await.map_or(0, |status| status.as_u16()));
            }
        });
    }
    workers.join_all().await.concat()
}

fn tally(statuses: &[u16]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for status in statuses {
        *counts.entry(*status).or_insert(0) += 1;
    }
    counts
        .iter()
        .map(|(status, n)| {
            if *status == 0 {
                format!("{n} × no answer")
            } else {
                format!("{n} × {status}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

type Figures = Vec<(String, String)>;

async fn sign_in_floods(binary: &str, figures: &mut Figures) {
    for (name, username, wrong) in [
        ("1,000 wrong-password grants, 64 concurrent", "admin", true),
        (
            "1,000 right-password grants, 64 concurrent",
            "member",
            false,
        ),
    ] {
        let server = Server::start(binary, false, None).await;
        let client = reqwest::Client::new();
        let url = server.url("/oauth/token/");
        let prober = Prober::start(&server.addr).await;
        let started = Instant::now();
        let statuses = flood(1000, 64, move |i| {
            let (client, url) = (client.clone(), url.clone());
            let password = if wrong {
                format!("guess-{i}")
            } else {
                "member".to_owned()
            };
            async move {
                client
                    .post(url)
                    .form(&[
                        ("grant_type", "password"),
                        ("username", username),
                        ("password", &password),
                    ])
                    .send()
                    .await
                    .ok()
                    .map(|r| r.status())
            }
        })
        .await;
        let took = started.elapsed();
        let health = prober.finish().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        figures.push((
            format!("{name}: answers"),
            format!("{} in {:.1} s", tally(&statuses), took.as_secs_f64()),
        ));
        figures.push((
            format!("{name}: RSS 2 s after (peak)"),
            format!("{:.0} MiB ({:.0} MiB)", server.rss_mib(), server.peak_mib()),
        ));
        figures.push((format!("{name}: /health during"), health.summary()));
    }
}

async fn sink_flood(binary: &str, figures: &mut Figures) {
    let server = Server::start(binary, false, None).await;
    let before = server.rss_mib();
    let client = reqwest::Client::new();
    let base = server.url("/__mock/sink/");
    let body = axum::body::Bytes::from(vec![b'x'; 1024 * 1024]);
    let prober = Prober::start(&server.addr).await;
    let started = Instant::now();
    let statuses = flood(1024, 16, move |i| {
        let (client, url, body) = (
            client.clone(),
            format!("{base}name-{}/", i % 1000),
            body.clone(),
        );
        async move {
            client
                .post(url)
                .body(body)
                .send()
                .await
                .ok()
                .map(|r| r.status())
        }
    })
    .await;
    let took = started.elapsed();
    let health = prober.finish().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    figures.push((
        "1 GiB to the sink (1,024 × 1 MiB, 1,000 names, 16 concurrent): answers".to_owned(),
        format!("{} in {:.1} s", tally(&statuses), took.as_secs_f64()),
    ));
    figures.push((
        "… RSS before, 2 s after (peak)".to_owned(),
        format!(
            "{before:.0} MiB, {:.0} MiB ({:.0} MiB)",
            server.rss_mib(),
            server.peak_mib()
        ),
    ));
    figures.push(("… /health during".to_owned(), health.summary()));
}

async fn slow_connections(binary: &str, figures: &mut Figures) {
    let server = Server::start(binary, false, Some(256)).await;
    let mut held = Vec::new();
    for n in 0..300 {
        let Ok(mut stream) = TcpStream::connect(&server.addr).await else {
            continue;
        };
        let _ = match n % 3 {
            0 => Ok(()),
            1 => stream.write_all(b"GET /health HTTP/1.1\r\nHost: be").await,
            _ => {
                stream
                    .write_all(b"POST /__mock/sink/slow/ HTTP/1.1\r\nHost: bench\r\nContent-Length: 1000\r\n\r\nhalf")
                    .await
            }
        };
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut latencies = Vec::new();
    for _ in 0..200 {
        latencies.push(probe(&server.addr).await.unwrap_or(Duration::from_secs(1)));
    }
    let latencies = Latencies(latencies);
    figures.push((
        "300 slow or idle connections, file limit 256: /health probes".to_owned(),
        latencies.summary(),
    ));
    figures.push((
        "… probes answered within 100 ms".to_owned(),
        format!("{} of 200", latencies.within(Duration::from_millis(100))),
    ));
    drop(held);
}

async fn bulk_resend(binary: &str, figures: &mut Figures) {
    let server = Server::start(binary, false, None).await;
    let client = reqwest::Client::new();
    let endpoint: serde_json::Value = client
        .post(server.url("/api/v2/webhook/endpoint/"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({
            "target": server.url("/__mock/sink/bulk/"),
            "events": [{"type": "post.created"}],
        }))
        .send()
        .await
        .expect("create an endpoint")
        .json()
        .await
        .expect("the endpoint");
    let bulk = server.url(&format!(
        "/api/v2/webhook/endpoint/{}/event/resend/bulk/",
        endpoint["id"]
    ));
    for ids in [100_000u64, 10_000] {
        let body = serde_json::to_vec(&serde_json::json!({
            "event": (1..=ids).collect::<Vec<_>>(),
            "password": "admin",
        }))
        .expect("JSON");
        let body = axum::body::Bytes::from(body);
        let size = body.len();
        let prober = Prober::start(&server.addr).await;
        let cpu = server.cpu_seconds();
        let started = Instant::now();
        let (client, bulk) = (client.clone(), bulk.clone());
        let statuses = flood(20, 4, move |_| {
            let (client, bulk, body) = (client.clone(), bulk.clone(), body.clone());
            async move {
                client
                    .post(bulk)
                    .bearer_auth(TOKEN)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .ok()
                    .map(|r| r.status())
            }
        })
        .await;
        let took = started.elapsed();
        let cpu = server.cpu_seconds() - cpu;
        let health = prober.finish().await;
        figures.push((
            format!(
                "bulk resend of {ids} distinct ids ({size} bytes), 20 requests 4 at once: answers"
            ),
            format!("{} in {:.1} s", tally(&statuses), took.as_secs_f64()),
        ));
        figures.push((
            "… server CPU per request".to_owned(),
            format!("{:.0} ms", cpu / 20.0 * 1000.0),
        ));
        figures.push(("… /health during".to_owned(), health.summary()));
    }
}

async fn keep_alive(binary: &str, figures: &mut Figures) {
    let server = Server::start(binary, false, None).await;
    let mut silent = 0;
    let mut announced = 0;
    for n in 0..120 {
        let size = if n % 2 == 0 { 1024 } else { 48 * 1024 };
        let mut stream = TcpStream::connect(&server.addr).await.expect("connect");
        let mut request = format!(
            "POST /api/v2/webhook/endpoint/ HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
        )
        .into_bytes();
        request.extend(std::iter::repeat_n(b' ', size));
        stream.write_all(&request).await.expect("send");
        let first = read_response(&mut stream).await;
        let says_close = first
            .as_deref()
            .is_some_and(|head| head.to_ascii_lowercase().contains("connection: close"));
        if says_close {
            announced += 1;
            continue;
        }
        let second_ok = match stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n")
            .await
        {
            Ok(()) => read_response(&mut stream)
                .await
                .is_some_and(|head| head.starts_with("HTTP/1.1 200")),
            Err(_) => false,
        };
        if !second_ok {
            silent += 1;
        }
    }
    figures.push((
        "120 refused requests with a body, then /health on the same connection: silent closes"
            .to_owned(),
        format!("{silent} of 120 ({announced} announced Connection: close)"),
    ));
}

/// The head of the next response (its body, by Content-Length, read and dropped), or `None`.
async fn read_response(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let read = async {
        loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                let length: usize = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .and_then(|v| v.trim().parse().ok())
                    })
                    .unwrap_or(0);
                while buffer.len() < end + 4 + length {
                    let n = stream.read(&mut chunk).await.ok()?;
                    if n == 0 {
                        return None;
                    }
                    buffer.extend_from_slice(&chunk[..n]);
                }
                return Some(head);
            }
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .ok()
        .flatten()
}

async fn measure(binary: &str) -> Figures {
    let mut figures = Vec::new();
    eprintln!("==> {binary}: sign-in floods");
    sign_in_floods(binary, &mut figures).await;
    eprintln!("==> {binary}: the sink");
    sink_flood(binary, &mut figures).await;
    eprintln!("==> {binary}: slow connections");
    slow_connections(binary, &mut figures).await;
    eprintln!("==> {binary}: bulk resend");
    bulk_resend(binary, &mut figures).await;
    eprintln!("==> {binary}: keep-alive");
    keep_alive(binary, &mut figures).await;
    figures
}

#[tokio::main]
async fn main() {
    let binaries: Vec<String> = std::env::args().skip(1).collect();
    assert!(
        !binaries.is_empty(),
        "usage: abuse_bench <mock-server binary> [<baseline binary>]"
    );
    let mut columns = Vec::new();
    for binary in &binaries {
        columns.push(measure(binary).await);
    }
    println!(
        "\n| figure | {} |",
        binaries
            .iter()
            .map(|b| format!("`{b}`"))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("|---|{}", "---|".repeat(binaries.len()));
    for (row, (name, _)) in columns[0].iter().enumerate() {
        let values: Vec<&str> = columns
            .iter()
            .map(|figures| figures.get(row).map_or("", |(_, value)| value.as_str()))
            .collect();
        println!("| {name} | {} |", values.join(" | "));
    }
}
