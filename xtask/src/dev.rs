//! `cargo xtask dev`: mock-server with demo data, `trunk serve` in front of it, and the URL.

use std::{
    net::{SocketAddr, TcpStream},
    path::PathBuf,
    process::{Child, Command},
    time::{Duration, Instant},
};

use crate::{
    Result,
    tools::{self, Needs},
    workspace::{self, ChildGuard, command, exec},
};

/// Where `trunk serve` listens (Trunk.toml), and where its proxy expects the mock server.
const APP_ADDR: &str = "127.0.0.1:8080";
const SERVER_ADDR: &str = "127.0.0.1:8000";

pub fn run(args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!("unexpected argument `{arg}`"));
    }
    tools::ensure(Needs {
        browser: false,
        node_tools: false,
    })?;
    for addr in [APP_ADDR, SERVER_ADDR] {
        if TcpStream::connect(addr).is_ok() {
            return Err(format!(
                "{addr} is already in use: stop what listens there first"
            ));
        }
    }
    let db = workspace::root().join("target/dev/mock-server.sqlite3");
    std::fs::create_dir_all(db.parent().expect("has a parent")).map_err(|e| e.to_string())?;
    // A gentle stream of random events, so the console shows live deliveries.
    let server = MockServer::start(&[
        "--addr",
        SERVER_ADDR,
        "--db",
        db.to_str().expect("utf-8 path"),
        "--simulate",
        "0.2",
    ])?;

    println!("==> starting trunk serve (the first build takes a few minutes)");
    let mut trunk = ChildGuard::spawn(command("trunk").arg("serve"))?;
    wait_for(APP_ADDR, Duration::from_secs(900), &mut trunk.0)?;
    println!();
    println!("  The console:      http://{APP_ADDR}/   (sign in as admin / admin)");
    println!("  The mock server:  {}   (see its --help)", server.url());
    println!("  Database:         {}", db.display());
    println!("  Stop with Ctrl-C.");
    println!();
    let status = trunk.0.wait().map_err(|e| e.to_string())?;
    Err(format!("trunk serve stopped ({status})"))
}

/// A mock-server process, stopped when dropped.
pub struct MockServer {
    addr: SocketAddr,
    _child: ChildGuard,
}

impl MockServer {
    /// Builds and starts mock-server with `args` (a free port unless `--addr` is among them) and waits
    /// until it accepts connections.
    pub fn start(args: &[&str]) -> Result<Self> {
        Self::start_logging(args, None)
    }

    /// [`MockServer::start`] with its log filtered by `rust_log` (e.g. `warn`: no line per request).
    pub fn start_logging(args: &[&str], rust_log: Option<&str>) -> Result<Self> {
        exec(command("cargo").args(["build", "--quiet", "-p", "mock-server"]))?;
        let addr: SocketAddr = match args.iter().position(|a| *a == "--addr") {
            Some(i) => args[i + 1]
                .parse()
                .map_err(|e| format!("bad --addr: {e}"))?,
            None => SocketAddr::from(([127, 0, 0, 1], workspace::free_port()?)),
        };
        let mut server = Command::new(binary("mock-server"));
        server.current_dir(workspace::root()).args(args);
        if !args.contains(&"--addr") {
            server.args(["--addr", &addr.to_string()]);
        }
        if let Some(filter) = rust_log {
            server.env("RUST_LOG", filter);
        }
        let mut child = ChildGuard::spawn(&mut server)?;
        wait_for(&addr.to_string(), Duration::from_secs(30), &mut child.0)?;
        Ok(Self {
            addr,
            _child: child,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace::root().join("target"));
    target.join("debug").join(name)
}

/// Waits until `addr` accepts connections, failing early if `child` exits.
fn wait_for(addr: &str, timeout: Duration, child: &mut Child) -> Result {
    let started = Instant::now();
    loop {
        if TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the process meant to listen on {addr} exited ({status})"
            ));
        }
        if started.elapsed() > timeout {
            return Err(format!(
                "nothing listens on {addr} after {}s",
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
