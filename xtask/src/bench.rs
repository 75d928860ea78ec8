//! `cargo xtask bench [api] [delivery] [fuzz] [render] [size] [lighthouse] [--fuzz-seconds N] [--wasm FILE]
//! [--dist DIR] [--baseline FILE]`: the
//! benchmarks, in release, on this machine. Not part of `cargo xtask test`. Figures go to stdout as Markdown tables to paste into
//! BENCHMARKS.md.
//!
//! - `api`: 10,000 endpoints in a file store; wrk at 32 connections for 10 s each on `GET /health`, the
//!   catalog, and list pages at offsets spread over the table; peak RSS of the server.
//! - `delivery`: `mock-server/examples/delivery_bench/`: the release binary on a file database, driven
//!   over HTTP, delivering to a receiver that counts arrivals: the receiver's own ceiling; the cost of
//!   taking the next due deliveries at 20,000, 100,000 and 300,000 pending (the due queue next to the
//!   SQL claim it replaced); ingest at 16, 64 and 256 connections with 1 and 4 endpoints (accepted,
//!   delivered, delivered → recorded, backlog, drain, RSS, threads); POST answered → receiver at 100 and
//!   600 events/s; a 300,000-delivery backlog's drain rate; mixed API load at 64 connections.
//!   `--baseline FILE` runs every measurement on another build of the server too, in turn, in the same
//!   sitting (a before/after side by side).
//! - `abuse`: `mock-server/examples/abuse_bench.rs` against the release binary (and `--baseline FILE`,
//!   another build, in the same run): wrong- and right-password floods, 1 GiB to the sink, 300 slow
//!   connections, bulk resend CPU, keep-alive closes (issue 16).
//! - `fuzz`: each cargo-fuzz target of `fuzz/` for a fixed time (60 s unless `--fuzz-seconds`), with
//!   nightly and cargo-fuzz installed first if missing; executions, coverage and crashes per target.
//! - `render`: the app in headless Chromium against a mock-server with 10,000 endpoints and 1,000
//!   attempts: time to the first table, to an attempts page of 100 rows, 1,000 rows of the app's table
//!   next to a plain-JavaScript baseline, and memory (`tests/examples/render_bench.rs`). The app is
//!   built into `target/bench/render-dist/` with the `bench` feature, which adds the render hooks of
//!   `app/src/bench.rs`; the shipped `dist/` never has them.
//! - `size`: the release `dist/` (raw, gzip -9, brotli -q 11) and where the .wasm's bytes go: `twiggy
//!   top` of the build before wasm-bindgen and wasm-opt (it still has symbol names), summed per crate,
//!   and its largest items. `--wasm FILE` attributes another build's `app.wasm` instead (for a
//!   before/after), without building; `--dist DIR` measures another build's release `dist/` (made by
//!   `trunk build --release` in a scratch checkout of another commit, say), without building, and
//!   attributes only with `--wasm`.
//! - `lighthouse`: Lighthouse 12 user flows (`tools/lighthouse/flow.mjs`, installed into
//!   `tools/lighthouse/` if missing) over every screen, mobile and desktop, three runs each, against the
//!   release build in `target/bench/lighthouse-dist/` served by the release mock-server (`--static-dir`,
//!   seeded, in memory): median scores and metrics, what Lighthouse flagged per screen, and the bytes on
//!   the wire of a first and a repeat visit to the endpoint table. Reports in `target/bench/lighthouse/`.
//!
//! `api` and `delivery` start from a fresh database in `target/bench/`; `fuzz` keeps its corpus in
//! `target/fuzz-corpus/` (grown from `fuzz/seeds/`) and writes crashing inputs to `fuzz/artifacts/`.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{
    Result, size,
    tools::{self, Needs},
    workspace::{self, command, exec, output},
};

const ENDPOINTS: usize = 10_000;
const CONNECTIONS: &str = "32";
const DURATION: &str = "10s";
const TOKEN: &str = "dev-admin-token";

/// The fuzz targets of `fuzz/`, each a `[[bin]]` there.
const FUZZ_TARGETS: &[&str] = &["signature_header", "bytes_literal", "endpoint_body"];
const FUZZ_SECONDS: u64 = 60;

pub fn run(args: &[String]) -> Result {
    let all = [
        "api",
        "delivery",
        "abuse",
        "fuzz",
        "render",
        "size",
        "lighthouse",
    ];
    let mut chosen: Vec<&str> = Vec::new();
    let mut fuzz_seconds = FUZZ_SECONDS;
    let mut wasm: Option<PathBuf> = None;
    let mut dist: Option<PathBuf> = None;
    let mut baseline: Option<PathBuf> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--baseline" {
            baseline = Some(
                args.next()
                    .ok_or("--baseline takes the path of a mock-server binary")?
                    .into(),
            );
        } else if arg == "--fuzz-seconds" {
            fuzz_seconds = args
                .next()
                .and_then(|n| n.parse().ok())
                .filter(|&n| n > 0)
                .ok_or("--fuzz-seconds takes a whole number of seconds")?;
        } else if arg == "--wasm" {
            wasm = Some(
                args.next()
                    .ok_or("--wasm takes the path of an app.wasm")?
                    .into(),
            );
        } else if arg == "--dist" {
            dist = Some(
                args.next()
                    .ok_or("--dist takes the path of a release dist/")?
                    .into(),
            );
        } else if all.contains(&arg.as_str()) {
            chosen.push(arg);
        } else {
            return Err(format!(
                "unknown bench `{arg}` (choose from: api, delivery, abuse, fuzz, render, size, lighthouse; --fuzz-seconds N, --wasm FILE, --dist DIR, --baseline FILE)"
            ));
        }
    }
    if chosen.is_empty() {
        chosen = all.to_vec();
    }
    println!("==> machine");
    print_machine();
    for name in chosen {
        match name {
            "api" => api()?,
            "delivery" => delivery(baseline.as_deref())?,
            "abuse" => abuse(baseline.as_deref())?,
            "render" => render()?,
            "size" => size(wasm.as_deref(), dist.as_deref())?,
            "lighthouse" => lighthouse()?,
            _ => fuzz(fuzz_seconds)?,
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
    /// An empty store in the file `db`.
    fn start(db: &Path) -> Result<Self> {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        Self::start_with(&["--no-seed".as_ref(), "--db".as_ref(), db.as_os_str()])
    }

    /// The release server with `args` on a free port.
    fn start_with(args: &[&std::ffi::OsStr]) -> Result<Self> {
        let port = workspace::free_port()?;
        let addr = format!("127.0.0.1:{port}");
        let binary = target_dir().join("release/mock-server");
        let child = Command::new(&binary)
            .args(["--addr", &addr])
            .args(args)
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

fn delivery(baseline: Option<&Path>) -> Result {
    let mut bench = server_example("delivery_bench")?;
    bench.arg(scratch()?);
    if let Some(baseline) = baseline {
        bench.arg("--baseline").arg(baseline);
    }
    exec(&mut bench)
}

fn abuse(baseline: Option<&Path>) -> Result {
    let mut bench = server_example("abuse_bench")?;
    if let Some(baseline) = baseline {
        bench.arg(baseline);
    }
    exec(&mut bench)
}

/// Builds the release mock-server and its example `name` (a bench that drives the server over HTTP),
/// and returns the command that runs the example with the server binary as its first argument.
fn server_example(name: &str) -> Result<Command> {
    println!("==> building mock-server and {name} (release)");
    exec(command("cargo").args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "mock-server",
        "--bin",
        "mock-server",
        "--example",
        name,
    ]))?;
    println!("==> running {name}");
    let mut bench = Command::new(target_dir().join("release/examples").join(name));
    bench.arg(target_dir().join("release/mock-server"));
    Ok(bench)
}

fn render() -> Result {
    tools::ensure(Needs {
        browser: true,
        node_tools: true,
    })?;
    let dist = scratch()?.join("render-dist");
    println!("==> building the app with its bench hooks (trunk, release, --features bench)");
    exec(
        command("trunk")
            .args(["build", "--release", "--features", "bench", "--dist"])
            .arg(&dist),
    )?;
    println!("==> building the render bench (release)");
    exec(command("cargo").args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "e2e",
        "--example",
        "render_bench",
    ]))?;
    let chromium = output(command("chromium").arg("--version")).unwrap_or_default();
    println!("{}", chromium.trim());
    exec(
        Command::new(target_dir().join("release/examples/render_bench"))
            .arg(&dist)
            .env("E2E_DIST", &dist)
            .env("RUST_LOG", "warn"),
    )
}

/// Lighthouse user flows over every screen of the release build, served by the release mock-server
/// (`tools/lighthouse/flow.mjs` says what it runs); the machine's load before and after, since other
/// work on the machine moves the figures.
fn lighthouse() -> Result {
    tools::ensure(Needs {
        browser: true,
        node_tools: true,
    })?;
    tools::ensure_lighthouse()?;
    let scratch = scratch()?;
    let dist = scratch.join("lighthouse-dist");
    println!(
        "==> building the app (trunk, release) into {}",
        dist.display()
    );
    exec(
        command("trunk")
            .args(["build", "--release", "--dist"])
            .arg(&dist),
    )?;
    println!("==> building mock-server (release)");
    exec(command("cargo").args(["build", "--release", "--quiet", "-p", "mock-server"]))?;
    let server = Server::start_with(&[
        "--db".as_ref(),
        ":memory:".as_ref(),
        "--static-dir".as_ref(),
        dist.as_os_str(),
    ])?;
    let chromium = tools::chromium().ok_or("no Chromium installed")?;
    let version = output(Command::new(&chromium).arg("--version")).unwrap_or_default();
    let lighthouse = std::fs::read_to_string(
        workspace::root().join("tools/lighthouse/node_modules/lighthouse/package.json"),
    )
    .ok()
    .and_then(|manifest| {
        manifest
            .lines()
            .find_map(|line| line.trim().strip_prefix("\"version\": \""))
            .map(|rest| rest.trim_end_matches([',', '"']).to_owned())
    })
    .unwrap_or_default();
    let node = output(command("node").arg("--version")).unwrap_or_default();
    println!("{version}; Lighthouse {lighthouse}; Node {node}");
    println!("load before: {}", load_average());
    let started = Instant::now();
    let out = scratch.join("lighthouse");
    exec(
        command("node")
            .arg(workspace::root().join("tools/lighthouse/flow.mjs"))
            .args(["--base", &format!("http://{}", server.addr)])
            .arg("--chromium")
            .arg(&chromium)
            .arg("--out")
            .arg(&out),
    )?;
    println!(
        "\nload after: {} ({:.0} s in all; reports in {})",
        load_average(),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}

/// `uptime`'s load averages (1, 5 and 15 minutes).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Where the bytes go: the release `dist/` sizes, then `twiggy top` per crate and its largest items.
/// With `dist`, that build's sizes instead of a new build's (and the items only for `wasm`).
fn size(wasm: Option<&Path>, dist: Option<&Path>) -> Result {
    if let Some(dist) = dist {
        println!("\n==> {} in bytes\n```", dist.display());
        print!("{}", size::report(&size::measure(dist)?));
        println!("```");
        if wasm.is_none() {
            return Ok(());
        }
    }
    let wasm = match wasm {
        Some(wasm) => wasm.to_path_buf(),
        None => {
            tools::ensure(Needs {
                browser: false,
                node_tools: true,
            })?;
            let dist = scratch()?.join("size-dist");
            println!("==> building the app (trunk, release)");
            exec(
                command("trunk")
                    .args(["build", "--release", "--dist"])
                    .arg(&dist),
            )?;
            println!("\n==> the release dist/ in bytes\n```");
            print!("{}", size::report(&size::measure(&dist)?));
            println!("```");
            target_dir().join("wasm32-unknown-unknown/wasm-release/app.wasm")
        }
    };
    if output(command("twiggy").arg("--version")).is_none() {
        println!("==> installing twiggy (cargo install)");
        exec(command("cargo").args(["install", "twiggy", "--locked"]))?;
    }
    let top = output(command("twiggy").args(["top", "-n", "1000000"]).arg(&wasm))
        .ok_or_else(|| format!("twiggy could not read {}", wasm.display()))?;
    let crates = size::by_crate(&top);
    let total: u64 = crates.iter().map(|(_, bytes)| bytes).sum();
    println!(
        "\n==> {} before wasm-bindgen and wasm-opt: code and data by crate (custom sections left out)",
        wasm.display()
    );
    println!("| crate | bytes | share |\n|---|---:|---:|");
    for (name, bytes) in crates.iter().take(20) {
        println!(
            "| {name} | {bytes} | {:.1} % |",
            *bytes as f64 * 100.0 / total as f64
        );
    }
    println!("| all {} | {total} | 100 % |", crates.len());
    println!("\n==> the largest items\n```");
    for line in top
        .lines()
        .filter(|line| size::by_crate(line).len() == 1)
        .take(15)
    {
        println!("{}", line.trim_end());
    }
    println!("```");
    Ok(())
}

/// Installs the nightly toolchain and cargo-fuzz when missing.
fn ensure_fuzz_tools() -> Result {
    let toolchains = output(command("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|line| line.starts_with("nightly")) {
        println!("==> installing the nightly toolchain (rustup)");
        exec(command("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    if output(command("cargo").args(["fuzz", "--version"])).is_none() {
        println!("==> installing cargo-fuzz (cargo install)");
        exec(command("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// What libFuzzer said about one run.
#[derive(Debug, Default, PartialEq)]
struct FuzzFigures {
    executions: u64,
    per_second: u64,
    coverage: u64,
    corpus: u64,
    peak_rss_mb: u64,
    /// Where libFuzzer wrote the input that crashed, if one did.
    crash: Option<String>,
}

/// Reads libFuzzer's output (`-print_final_stats=1`).
fn fuzz_figures(log: &str) -> FuzzFigures {
    let stat = |name: &str| {
        log.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim_start_matches(':').trim().parse().ok())
            .unwrap_or(0)
    };
    // The last status line: `#123 DONE cov: 456 ft: 789 corp: 12/345b ...`.
    let status_value = |key: &str| {
        log.lines()
            .rev()
            .filter(|line| line.starts_with('#'))
            .find_map(|line| {
                let mut words = line.split_whitespace();
                words.find(|word| *word == key)?;
                words.next()?.split('/').next()?.parse().ok()
            })
            .unwrap_or(0)
    };
    FuzzFigures {
        executions: stat("stat::number_of_executed_units"),
        per_second: stat("stat::average_exec_per_sec"),
        peak_rss_mb: stat("stat::peak_rss_mb"),
        coverage: status_value("cov:"),
        corpus: status_value("corp:"),
        crash: log.lines().find_map(|line| {
            line.split_once("Test unit written to ")
                .map(|(_, path)| path.trim().to_owned())
        }),
    }
}

fn fuzz(seconds: u64) -> Result {
    ensure_fuzz_tools()?;
    let root = workspace::root();
    println!("==> building the fuzz targets (nightly, address sanitizer)");
    exec(command("cargo").args(["+nightly", "fuzz", "build"]))?;
    let mut rows = Vec::new();
    for &target in FUZZ_TARGETS {
        println!("==> fuzzing {target} for {seconds} s");
        let corpus = root.join("target/fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
        let mut run = command("cargo");
        run.args(["+nightly", "fuzz", "run", target]).arg(&corpus);
        let seeds = root.join("fuzz/seeds").join(target);
        if seeds.is_dir() {
            run.arg(&seeds);
        }
        run.arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1");
        let dictionary = root.join("fuzz/dicts").join(format!("{target}.dict"));
        if dictionary.is_file() {
            run.arg(format!("-dict={}", dictionary.display()));
        }
        let started = Instant::now();
        let out = run
            .output()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let took = started.elapsed();
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        let log_file = root
            .join("target/fuzz-corpus")
            .join(format!("{target}.log"));
        let _ = std::fs::write(&log_file, &log);
        let mut figures = fuzz_figures(&log);
        if !out.status.success() && figures.crash.is_none() {
            figures.crash = Some(format!("exit {} (see {})", out.status, log_file.display()));
        }
        if let Some(crash) = &figures.crash {
            println!("    CRASH: {crash}");
        }
        rows.push((target, took, figures));
    }
    println!(
        "\n| target | time s | executions | exec/s | coverage (edges) | corpus | peak RSS MB | crashes |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (target, took, figures) in &rows {
        println!(
            "| {target} | {:.0} | {} | {} | {} | {} | {} | {} |",
            took.as_secs_f64(),
            figures.executions,
            figures.per_second,
            figures.coverage,
            figures.corpus,
            figures.peak_rss_mb,
            u8::from(figures.crash.is_some())
        );
    }
    let crashed: Vec<String> = rows
        .iter()
        .filter_map(|(target, _, figures)| {
            figures
                .crash
                .as_ref()
                .map(|crash| format!("{target}: {crash}"))
        })
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzzing found crashes:\n{}", crashed.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libfuzzer_figures_are_read_from_its_final_lines() {
        let log = "INFO: Seed: 1\n\
            #2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
            #524288\tpulse  cov: 120 ft: 300 corp: 40/900b lim: 4 exec/s: 9000 rss: 40Mb\n\
            #600000\tDONE   cov: 130 ft: 320 corp: 45/1024b lim: 4 exec/s: 9836 rss: 41Mb\n\
            Done 600000 runs in 61 second(s)\n\
            stat::number_of_executed_units: 600000\n\
            stat::average_exec_per_sec:     9836\n\
            stat::new_units_added:          44\n\
            stat::slowest_unit_time_sec:    0\n\
            stat::peak_rss_mb:              41\n";
        assert_eq!(
            fuzz_figures(log),
            FuzzFigures {
                executions: 600_000,
                per_second: 9836,
                coverage: 130,
                corpus: 45,
                peak_rss_mb: 41,
                crash: None,
            }
        );
    }

    #[test]
    fn a_crash_is_read_with_the_file_libfuzzer_wrote() {
        let log = "==1==ERROR: libFuzzer: deadly signal\n\
            artifact_prefix='/w/fuzz/artifacts/endpoint_body/'; Test unit written to /w/fuzz/artifacts/endpoint_body/crash-abc\n";
        assert_eq!(
            fuzz_figures(log).crash.as_deref(),
            Some("/w/fuzz/artifacts/endpoint_body/crash-abc")
        );
    }
}
