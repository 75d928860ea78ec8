//! `cargo xtask bench [api] [delivery]`: the server's benchmarks, in release, on this machine. Not part of
//! `cargo xtask test`. Figures go to stdout as a Markdown table to paste into BENCHMARKS.md.
//!
//! - `api`: 10,000 endpoints in a file store; wrk at 32 connections for 10 s each on `GET /health`, the
//!   catalog, and list pages at offsets spread over the table; peak RSS of the server.
//! - `delivery`: `mock-server/examples/delivery_bench.rs`: durable deliveries per second next to a plain
//!   loop of the same HTTP client, and event-to-receiver latency at 100 events per second.
//!
//! Both start from a fresh database in `target/bench/`.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{
    Result,
    workspace::{self, command, exec, output},
};

const ENDPOINTS: usize = 10_000;
const CONNECTIONS: &str = "32";
const DURATION: &str = "10s";
const TOKEN: &str = "dev-admin-token";

pub fn run(args: &[String]) -> Result {
    let all = ["api", "delivery"];
    let chosen: Vec<&str> = if args.is_empty() {
        all.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    if let Some(unknown) = chosen.iter().find(|name| !all.contains(name)) {
        return Err(format!(
            "unknown bench `{unknown}` (choose from: api, delivery)"
        ));
    }
    println!("==> machine");
    print_machine();
    for name in chosen {
        match name {
            "api" => api()?,
            _ => delivery()?,
        }
    }
    Ok(())
}

fn scratch() -> Result<PathBuf> {
    let dir = workspace::root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn print_machine() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = output(command("rustc").arg("--version")).unwrap_or_default();
    let wrk = output(command("wrk").arg("--version"))
        .or_else(|| {
            // wrk prints its version to stdout and exits 1.
            command("wrk").arg("--version").output().ok().map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned()
            })
        })
        .unwrap_or_default();
    println!("{cpu}, {cores} cores; {rustc}; {wrk}");
}

fn ensure_wrk() -> Result {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    println!("==> installing wrk (apt)");
    let apt = |args: &[&str]| {
        let mut apt = command("apt-get");
        apt.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        exec(&mut apt)
    };
    apt(&["update", "-q"])?;
    apt(&["install", "-y", "-q", "wrk"])
}

/// The release server, killed when dropped.
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
    fn start(db: &PathBuf) -> Result<Self> {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let port = workspace::free_port()?;
        let addr = format!("127.0.0.1:{port}");
        let binary = target_dir().join("release/mock-server");
        let child = Command::new(&binary)
            .args(["--addr", &addr, "--no-seed", "--db"])
            .arg(db)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let started = Instant::now();
        while TcpStream::connect(&addr).is_err() {
            if started.elapsed() > Duration::from_secs(30) {
                return Err("the release server did not start".to_owned());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self { child, addr })
    }

    /// Peak resident set size so far, in MB.
    fn peak_rss_mb(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kb: f64 = status
            .lines()
            .find(|line| line.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace::root().join("target"))
}

/// Creates `n` endpoints over one keep-alive connection.
fn populate(addr: &str, n: usize) -> Result {
    let stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let types = [
        "post.created",
        "comment.created",
        "user.created",
        "vote.created",
    ];
    for i in 0..n {
        let body = format!(
            r#"{{"target": "https://hooks{i}.example.com/webhooks/selfcommunity", "description": "Integration number {i}", "is_active": {}, "events": [{{"type": "{}"}}, {{"type": "{}"}}]}}"#,
            i % 7 != 0,
            types[i % 4],
            types[(i + 1) % 4]
        );
        let request = format!(
            "POST /api/v2/webhook/endpoint/ HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        writer
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut status = String::new();
        reader.read_line(&mut status).map_err(|e| e.to_string())?;
        if !status.contains(" 201 ") {
            return Err(format!("creating endpoint {i} answered {}", status.trim()));
        }
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).map_err(|e| e.to_string())?;
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// One wrk run's figures.
struct Figures {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: bool,
}

fn wrk(url: &str, script: Option<&PathBuf>) -> Result<Figures> {
    let mut wrk = Command::new("wrk");
    wrk.args(["-t2", "-c", CONNECTIONS, "-d", DURATION, "--latency"])
        .args(["-H", &format!("Authorization: Bearer {TOKEN}")]);
    if let Some(script) = script {
        wrk.arg("-s").arg(script);
    }
    wrk.arg(url);
    let out = wrk.output().map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let number_after = |label: &str| -> Option<&str> {
        text.lines()
            .find(|line| line.trim_start().starts_with(label))
            .and_then(|line| line.trim_start()[label.len()..].split_whitespace().next())
    };
    let millis = |text: &str| -> f64 {
        let (number, unit) =
            text.split_at(text.find(|c: char| c.is_alphabetic()).unwrap_or(text.len()));
        let value: f64 = number.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => value / 1000.0,
            "ms" => value,
            "s" => value * 1000.0,
            _ => f64::NAN,
        }
    };
    Ok(Figures {
        requests_per_second: number_after("Requests/sec:")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("wrk printed no rate:\n{text}"))?,
        p50_ms: number_after("50%").map_or(f64::NAN, millis),
        p99_ms: number_after("99%").map_or(f64::NAN, millis),
        non_2xx: text.contains("Non-2xx"),
    })
}

fn api() -> Result {
    ensure_wrk()?;
    println!("==> building mock-server (release)");
    exec(command("cargo").args(["build", "--release", "--quiet", "-p", "mock-server"]))?;
    let scratch = scratch()?;
    let server = Server::start(&scratch.join("api.sqlite3"))?;
    println!("==> creating {ENDPOINTS} endpoints");
    let begun = Instant::now();
    populate(&server.addr, ENDPOINTS)?;
    println!("    took {:.1}s", begun.elapsed().as_secs_f64());
    let script = scratch.join("list.lua");
    std::fs::write(
        &script,
        format!(
            "-- A list page at an offset spread over the whole table.\n\
             request = function()\n  local offset = math.random(0, {})\n  \
             return wrk.format(\"GET\", \"/api/v2/webhook/endpoint/?limit=20&offset=\" .. offset)\nend\n",
            ENDPOINTS - 20
        ),
    )
    .map_err(|e| e.to_string())?;
    let base = format!("http://{}", server.addr);
    let mut rows = Vec::new();
    for (name, path, script) in [
        ("GET /health", "/health", None),
        (
            "GET /api/v2/webhook/endpoint/event/ (catalog)",
            "/api/v2/webhook/endpoint/event/",
            None,
        ),
        (
            "GET /api/v2/webhook/endpoint/?limit=20&offset=N",
            "/",
            Some(&script),
        ),
    ] {
        println!("==> wrk {name}");
        let figures = wrk(&format!("{base}{path}"), script)?;
        if figures.non_2xx {
            return Err(format!("{name} answered errors under load"));
        }
        rows.push((name, figures));
    }
    let health = rows[0].1.requests_per_second;
    println!("\n| route | req/s | p50 ms | p99 ms | % of /health |");
    println!("|---|---:|---:|---:|---:|");
    for (name, figures) in &rows {
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.0}% |",
            figures.requests_per_second,
            figures.p50_ms,
            figures.p99_ms,
            figures.requests_per_second / health * 100.0
        );
    }
    match server.peak_rss_mb() {
        Some(mb) => println!("\npeak RSS of the server: {mb:.1} MB"),
        None => println!("\npeak RSS of the server: unknown"),
    }
    Ok(())
}

fn delivery() -> Result {
    println!("==> building the delivery bench (release)");
    exec(command("cargo").args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "mock-server",
        "--example",
        "delivery_bench",
    ]))?;
    let scratch = scratch()?;
    println!("==> running it");
    exec(
        Command::new(target_dir().join("release/examples/delivery_bench"))
            .arg(&scratch)
            .env("RUST_LOG", "warn"),
    )
}
