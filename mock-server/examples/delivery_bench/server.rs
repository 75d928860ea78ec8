//! The release mock-server binary under test, on a fresh file database, and what `/proc` says about it.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    pid: u32,
    /// `127.0.0.1:<port>`.
    pub addr: String,
    max_threads: Arc<AtomicU64>,
}

impl Server {
    /// Starts `binary` on a new database `db` (removed first), with `extra` flags.
    pub async fn start(binary: &Path, db: &Path, extra: &[&str]) -> anyhow::Result<Self> {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let mut child = Command::new(binary)
            .args(["--addr", "127.0.0.1:0", "--no-seed", "--db"])
            .arg(db)
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().ok_or_else(|| anyhow::anyhow!("no pid"))?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let addr = loop {
            let line = lines
                .next_line()
                .await?
                .ok_or_else(|| anyhow::anyhow!("the server exited before listening"))?;
            if let Some(url) = line.strip_prefix("mock-server listening on http://") {
                break url.trim().to_owned();
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let max_threads = Arc::new(AtomicU64::new(0));
        let sampled = Arc::clone(&max_threads);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                let Some(threads) = status_field(pid, "Threads:") else {
                    break;
                };
                sampled.fetch_max(threads, Ordering::Relaxed);
            }
        });
        Ok(Self {
            child,
            pid,
            addr,
            max_threads,
        })
    }

    /// The most threads seen (sampled every 100 ms).
    pub fn max_threads(&self) -> u64 {
        self.max_threads.load(Ordering::Relaxed)
    }

    /// Peak resident set size so far, in MB (VmHWM).
    pub fn peak_rss_mb(&self) -> f64 {
        status_field(self.pid, "VmHWM:").map_or(f64::NAN, |kb| kb as f64 / 1024.0)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

fn status_field(pid: u32, name: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|line| line.starts_with(name))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A database file in the scratch directory.
pub fn db_path(scratch: &Path, name: &str) -> PathBuf {
    scratch.join(format!("delivery-{name}.sqlite3"))
}

/// The machine's load average (1, 5, 15 minutes), as `/proc/loadavg` has it.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}
