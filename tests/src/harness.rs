//! The harness: a real mock-server in this process (on a free port, serving the built app from `dist/`)
//! and headless Chromium driven through chromedriver; [`browser_test`] sets both up around a test.

use std::{
    future::Future,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use mock_server::Config;
use tokio::{net::TcpListener, sync::oneshot};

use crate::{
    Api, Ctx,
    reference::{ProxyServer, ReferenceProxy},
};

/// The longest a whole browser test may take before it counts as hung.
const TEST_TIMEOUT: Duration = Duration::from_secs(240);

/// Runs `test` against a fresh mock-server (seeded with the demo data) and a fresh browser.
pub async fn browser_test<F, Fut>(name: &str, test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    browser_test_with(name, |_| {}, test).await;
}

/// [`browser_test`] with the server's configuration adjusted by `configure` (e.g. a short retry
/// schedule).
pub async fn browser_test_with<C, F, Fut>(name: &str, configure: C, test: F)
where
    C: FnOnce(&mut Config),
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let server = TestServer::start_with(configure).await;
    let outcome = drive(name, &server.url, &server.url, test).await;
    server.stop().await;
    outcome.report(name);
}

/// Runs `test` against a server that is the platform's reference alone: a fresh mock-server (seeded)
/// behind a [`ProxyServer`] that takes away the contract's additions and pages by 5. The browser opens
/// the console on the proxy's origin; [`Ctx::api`] still calls mock-server itself (to set up data and
/// read the sink). The test also gets the proxy, to change what it hides.
pub async fn reference_test<F, Fut>(name: &str, test: F)
where
    F: FnOnce(Ctx, ReferenceProxy) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let server = TestServer::start().await;
    let proxy = ProxyServer::start(&server.url).await;
    let handle = proxy.proxy.clone();
    let outcome = drive(name, &proxy.url, &server.url, move |ctx| test(ctx, handle)).await;
    proxy.stop().await;
    server.stop().await;
    outcome.report(name);
}

/// How a browser test ended.
enum Outcome {
    Passed,
    CspViolations(Vec<String>),
    TimedOut,
    Panicked(tokio::task::JoinError),
}

impl Outcome {
    /// Fails the calling test unless it passed.
    fn report(self, name: &str) {
        match self {
            Self::Passed => {}
            Self::CspViolations(violations) => {
                panic!("{name}: Content-Security-Policy violations: {violations:#?}")
            }
            Self::TimedOut => panic!("{name} took longer than {}s", TEST_TIMEOUT.as_secs()),
            Self::Panicked(join_error) => std::panic::resume_unwind(join_error.into_panic()),
        }
    }
}

/// Runs `test` in a fresh browser on the console at `app_url` (with the API the tests call directly at
/// `api_url`); saves a screenshot if it failed, and closes the browser either way.
async fn drive<F, Fut>(name: &str, app_url: &str, api_url: &str, test: F) -> Outcome
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let driver = Chromedriver::start();
    let client = driver.connect().await;
    let ctx = Ctx {
        client: client.clone(),
        base_url: app_url.to_owned(),
        api_url: api_url.to_owned(),
        name: name.to_owned(),
        driver_port: driver.port,
    };

    driver.record_csp_violations(&client).await;

    let outcome = tokio::spawn(tokio::time::timeout(TEST_TIMEOUT, test(ctx.clone()))).await;
    // Every page a test visits must run under the app's Content-Security-Policy without a violation.
    let outcome = match outcome {
        Ok(Ok(())) => match csp_violations(&client).await {
            violations if violations.is_empty() => Outcome::Passed,
            violations => Outcome::CspViolations(violations),
        },
        Ok(Err(_)) => Outcome::TimedOut,
        Err(join_error) => Outcome::Panicked(join_error),
    };
    if !matches!(outcome, Outcome::Passed) {
        let shot = ctx.screenshot("failure").await;
        eprintln!("screenshot of the failure: {}", shot.display());
    }
    let _ = client.close().await;
    drop(driver);
    outcome
}

/// Records every `securitypolicyviolation` of every document in `window.__cspViolations`. Installed
/// through the DevTools protocol, so it runs before the page's own scripts and the policy does not apply
/// to it.
const RECORD_CSP_VIOLATIONS_JS: &str = r#"
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"#;

/// The violations the current page recorded.
async fn csp_violations(client: &Client) -> Vec<String> {
    let recorded = client
        .execute("return window.__cspViolations || [];", vec![])
        .await
        .unwrap_or_default();
    serde_json::from_value(recorded).unwrap_or_default()
}

/// The workspace root.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
}

/// Where screenshots go.
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/e2e-artifacts");
    dir
}

/// The trunk-built app: `$E2E_DIST`, or `dist/` at the workspace root.
fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"));
    assert!(
        dist.join("index.html").exists(),
        "{} holds no built app: run `trunk build --release` first (`cargo xtask test` does)",
        dist.display()
    );
    dist
}

/// A mock-server in this process.
pub struct TestServer {
    pub url: String,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), String>>,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::defaults();
        config.db = ":memory:".to_owned();
        config.static_dir = Some(dist_dir());
        configure(&mut config);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            mock_server::run(listener, config, async {
                let _ = stopped.await;
            })
            .await
            .map_err(|e| e.to_string())
        });
        Self { url, stop, task }
    }

    /// Its API, as the admin.
    pub fn api(&self) -> Api {
        Api::new(&self.url, "dev-admin-token")
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("mock-server failed: {e}"),
            Err(e) => panic!("mock-server panicked: {e}"),
        }
    }
}

/// A chromedriver process on a free port, killed when dropped, with a fresh Chromium profile.
pub struct Chromedriver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Chromedriver {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is on PATH (cargo xtask setup installs it)");
        // chromedriver says when it is ready to take sessions.
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("started successfully") => break,
                Some(Ok(_)) => continue,
                _ => panic!("chromedriver exited before it was ready"),
            }
        }
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let profile =
            std::env::temp_dir().join(format!("e2e-chromium-{port}-{}", std::process::id()));
        Self {
            child,
            port,
            profile,
        }
    }

    /// A new Chromium session (headless, with the flags this machine needs).
    pub async fn connect(&self) -> Client {
        self.connect_with(&self.profile, &[]).await
    }

    /// A new Chromium session on the profile folder `profile`, with `extra_args` after the flags this
    /// machine needs (`--enable-features=...`, say).
    pub async fn connect_with(&self, profile: &Path, extra_args: &[&str]) -> Client {
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,900",
        ]
        .into_iter()
        .chain(extra_args.iter().copied())
        .map(str::to_owned)
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = serde_json::json!({
            "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("an object literal")
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a Chromium session")
    }
}

impl Chromedriver {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Installs [`RECORD_CSP_VIOLATIONS_JS`] in every document the session opens.
    async fn record_csp_violations(&self, client: &Client) {
        devtools(
            client,
            self.port,
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": RECORD_CSP_VIOLATIONS_JS }),
        )
        .await;
    }
}

/// A DevTools protocol command, through chromedriver's pass-through; its result.
pub async fn devtools(
    client: &Client,
    driver_port: u16,
    cmd: &str,
    params: serde_json::Value,
) -> serde_json::Value {
    let session = client
        .session_id()
        .await
        .expect("session id")
        .expect("an open session");
    let response = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{driver_port}/session/{session}/goog/cdp/execute"
        ))
        .json(&serde_json::json!({ "cmd": cmd, "params": params }))
        .send()
        .await
        .expect("chromedriver answers");
    assert!(
        response.status().is_success(),
        "DevTools {cmd} failed: {}",
        response.text().await.unwrap_or_default()
    );
    let mut answer: serde_json::Value = response.json().await.unwrap_or_default();
    answer["value"].take()
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
