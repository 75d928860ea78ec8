//! The end-to-end harness: a real mock-server (in this process, on a free port, serving the built app
//! from `dist/`) and headless Chromium driven through chromedriver.
//!
//! [`browser_test`] sets both up, runs a test, saves a screenshot under `target/e2e-artifacts/` if it
//! fails, and stops everything whether it passed or not.

use std::{
    future::Future,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, elements::Element};
use hyper_util::client::legacy::connect::HttpConnector;
use mock_server::Config;
use tokio::{net::TcpListener, sync::oneshot};

pub mod axe;
pub mod keyboard;

/// The longest a whole browser test may take before it counts as hung.
const TEST_TIMEOUT: Duration = Duration::from_secs(240);

/// The longest [`Ctx::find`] waits for something to show.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(20);

/// Calls back with the first element matching `css` (whose text contains `text`, or every one of a list of
/// texts, unless null) as soon as
/// the DOM holds one, or with null after `timeout` ms.
const WAIT_FOR_ELEMENT_JS: &str = r#"
const [css, text, timeout, done] = arguments;
const match = () => [...document.querySelectorAll(css)]
  .find((el) => text === null || [].concat(text).every((t) => el.textContent.includes(t))) || null;
const now = match();
if (now) { done(now); return; }
const observer = new MutationObserver(() => {
  const el = match();
  if (el) { observer.disconnect(); clearTimeout(timer); done(el); }
});
const timer = setTimeout(() => { observer.disconnect(); done(null); }, timeout);
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"#;

/// Calls back as soon as `location.pathname + location.search` equals the expected text (checked on
/// every DOM change and on back/forward), or with the last value seen after `timeout` ms.
const WAIT_FOR_PATH_JS: &str = r#"
const [expected, timeout, done] = arguments;
const here = () => location.pathname + location.search;
if (here() === expected) { done(here()); return; }
const check = () => { if (here() === expected) { finish(); } };
const observer = new MutationObserver(check);
const finish = () => { observer.disconnect(); removeEventListener("popstate", check); clearTimeout(timer); done(here()); };
const timer = setTimeout(finish, timeout);
addEventListener("popstate", check);
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"#;

/// Calls back once nothing matches `css` (with `text`, unless null), or false after `timeout` ms.
const WAIT_FOR_ABSENCE_JS: &str = r#"
const [css, text, timeout, done] = arguments;
const present = () => [...document.querySelectorAll(css)]
  .some((el) => text === null || el.textContent.includes(text));
if (!present()) { done(true); return; }
const observer = new MutationObserver(() => {
  if (!present()) { observer.disconnect(); clearTimeout(timer); done(true); }
});
const timer = setTimeout(() => { observer.disconnect(); done(false); }, timeout);
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"#;

/// What a test gets: the browser, and where the app and the API live.
#[derive(Clone)]
pub struct Ctx {
    pub client: Client,
    /// `http://127.0.0.1:<port>`: the app and the API on one origin.
    pub base_url: String,
    name: String,
    driver_port: u16,
}

impl Ctx {
    /// Opens `path` (e.g. `/endpoints`) of the app.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base_url))
            .await
            .unwrap_or_else(|e| panic!("could not open {path}: {e}"));
    }

    /// The current value of the form control matching `css` (once it is in the DOM).
    pub async fn input_value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("read the value")
            .unwrap_or_default()
    }

    /// Waits for an element matching `css` to be in the DOM.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for_element(css, None).await
    }

    /// Waits for an element matching `css` whose text contains `text`.
    pub async fn find_text(&self, css: &str, text: &str) -> Element {
        self.wait_for_element(css, Some(text)).await
    }

    /// Waits for an element matching `css` whose text contains every one of `texts`.
    pub async fn find_texts(&self, css: &str, texts: &[&str]) -> Element {
        self.wait_for_element_matching(css, serde_json::json!(texts), &texts.join("` and `"))
            .await
    }

    async fn wait_for_element(&self, css: &str, text: Option<&str>) -> Element {
        self.wait_for_element_matching(css, text.into(), text.unwrap_or_default())
            .await
    }

    /// Resolves as soon as the page holds a match: a MutationObserver in the page reports it, so nothing
    /// polls. Fails after [`WAIT_TIMEOUT`].
    async fn wait_for_element_matching(
        &self,
        css: &str,
        text: serde_json::Value,
        described: &str,
    ) -> Element {
        let found = self
            .client
            .execute_async(
                WAIT_FOR_ELEMENT_JS,
                vec![css.into(), text, (WAIT_TIMEOUT.as_millis() as u64).into()],
            )
            .await
            .unwrap_or_else(|e| panic!("waiting for `{css}` failed: {e}"));
        let reference = found
            .as_object()
            .and_then(|object| object.values().next())
            .and_then(|id| id.as_str())
            .unwrap_or_else(|| {
                if described.is_empty() {
                    panic!("no `{css}` within {WAIT_TIMEOUT:?}")
                } else {
                    panic!("no `{css}` shows `{described}` within {WAIT_TIMEOUT:?}")
                }
            });
        Element::from_element_id(self.client.clone(), reference.to_owned().into())
    }

    /// The current path and query of the page.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Saves a PNG of the page as `target/e2e-artifacts/<test>-<label>.png` and returns its path.
    pub async fn screenshot(&self, label: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = artifacts_dir().join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Waits until the page's path and query are `expected`.
    pub async fn wait_for_path(&self, expected: &str) {
        let seen = self
            .client
            .execute_async(
                WAIT_FOR_PATH_JS,
                vec![expected.into(), (WAIT_TIMEOUT.as_millis() as u64).into()],
            )
            .await
            .expect("waiting for the path");
        assert_eq!(
            seen.as_str(),
            Some(expected),
            "the page did not get to {expected}"
        );
    }

    /// Waits until no `css` element (containing `text`) is left.
    pub async fn wait_for_absence(&self, css: &str, text: Option<&str>) {
        self.wait_for_absence_within(css, text, WAIT_TIMEOUT).await;
    }

    /// [`Ctx::wait_for_absence`] for something that takes longer (e.g. a 60 s timer).
    pub async fn wait_for_absence_within(&self, css: &str, text: Option<&str>, timeout: Duration) {
        // The in-page wait must not outlast the session's script timeout.
        let script_timeout = (timeout + Duration::from_secs(10)).max(Duration::from_secs(30));
        self.client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(script_timeout),
                None,
                None,
            ))
            .await
            .expect("script timeout");
        let gone = self
            .client
            .execute_async(
                WAIT_FOR_ABSENCE_JS,
                vec![css.into(), text.into(), (timeout.as_millis() as u64).into()],
            )
            .await
            .expect("waiting for absence");
        assert_eq!(
            gone,
            serde_json::Value::Bool(true),
            "`{css}` {text:?} is still there after {timeout:?}"
        );
    }

    /// Lets the page use the clipboard (headless Chromium asks for permission otherwise).
    pub async fn allow_clipboard(&self) {
        self.devtools(
            "Browser.grantPermissions",
            serde_json::json!({
                "origin": self.base_url,
                "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
            }),
        )
        .await;
    }

    /// What the page's clipboard holds.
    pub async fn clipboard(&self) -> String {
        let text = self
            .client
            .execute_async(
                "const done = arguments[0];\
                 navigator.clipboard.readText().then(done, (e) => done('ERR ' + e));",
                vec![],
            )
            .await
            .expect("reading the clipboard");
        text.as_str().unwrap_or_default().to_owned()
    }

    /// Clicks the first `css` element (waiting for it).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.click_element(element, css).await;
    }

    /// Clicks the first `css` element whose text contains `text`.
    pub async fn click_text(&self, css: &str, text: &str) {
        let element = self.find_text(css, text).await;
        self.click_element(element, &format!("{css} `{text}`"))
            .await;
    }

    /// Scrolls `element` to the middle of the window first, so that the sticky header cannot cover it.
    pub async fn click_element(&self, element: Element, described: &str) {
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });",
                vec![serde_json::to_value(&element).expect("an element reference")],
            )
            .await
            .unwrap_or_else(|e| panic!("scroll to {described}: {e}"));
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click on {described}: {e}"));
    }

    /// Chooses the option with `value` in the `css` select, as picking it from the list does (WebDriver's
    /// option click does not fire `change` in headless Chromium).
    pub async fn select(&self, css: &str, value: &str) {
        self.find(css).await;
        let chosen = self
            .client
            .execute(
                "const [css, value] = arguments; const el = document.querySelector(css);\
                 el.value = value; el.dispatchEvent(new Event('change', { bubbles: true }));\
                 return el.value;",
                vec![css.into(), value.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("select {value} in `{css}`: {e}"));
        assert_eq!(
            chosen.as_str(),
            Some(value),
            "`{css}` has no option {value}"
        );
    }

    /// Replaces the text of the `css` input by typing `text` into it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear `{css}`: {e}"));
        input
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
    }

    /// Presses a key (a WebDriver key code such as `"\u{E00C}"` for Escape) in the focused element.
    pub async fn press(&self, key: &str) {
        self.client
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(key)
            .await
            .expect("key press");
    }

    /// Runs `script` in the page and returns its value.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Reloads the page.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
    }

    /// Signs in through the form with a username and password and waits for the signed-in header.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.open_sign_in().await;
        self.type_into("#sign-in-username", username).await;
        self.type_into("#sign-in-password", password).await;
        self.click("form button[type=submit]").await;
        self.find_text(".user-name", username).await;
    }

    /// Makes sure the sign-in form is on screen, keeping the `next` the app gave it. On a page of the app
    /// this first waits until the app has drawn the sign-in form or the signed-in shell: before that the path
    /// is still the one the test opened, not the `/sign-in?next=…` the app sends a signed-out visitor to,
    /// and going to `/sign-in` from there would lose `next`.
    async fn open_sign_in(&self) {
        let url = self.client.current_url().await.expect("current url");
        if url.as_str().starts_with(&self.base_url) {
            self.find("#sign-in-username, .user-name").await;
        }
        if !self.path().await.starts_with("/sign-in") {
            self.goto("/sign-in").await;
        }
    }

    /// Signs in by pasting an access token.
    pub async fn sign_in_with_token(&self, token: &str) {
        self.open_sign_in().await;
        self.click_text(".segmented label", "Access token").await;
        self.type_into("#sign-in-token", token).await;
        self.click("form button[type=submit]").await;
    }

    /// Sends a DevTools command through chromedriver.
    pub async fn devtools(&self, cmd: &str, params: serde_json::Value) {
        devtools(&self.client, self.driver_port, cmd, params).await;
    }

    /// Renders the page as a 360 px wide phone.
    pub async fn phone_width(&self) {
        self.devtools(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": 360, "height": 780, "deviceScaleFactor": 1, "mobile": true }),
        )
        .await;
    }

    /// Back to the desktop window size.
    pub async fn desktop_width(&self) {
        self.devtools(
            "Emulation.clearDeviceMetricsOverride",
            serde_json::json!({}),
        )
        .await;
    }

    /// Renders the page with the system's dark (`true`) or light theme.
    pub async fn dark_theme(&self, dark: bool) {
        let scheme = if dark { "dark" } else { "light" };
        self.devtools(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
    }

    /// The API of the server under test, as the admin.
    pub fn api(&self) -> Api {
        Api {
            base_url: self.base_url.clone(),
            token: "dev-admin-token".to_owned(),
            http: reqwest::Client::new(),
        }
    }
}

/// Calls the server under test directly (setting up data, checking what the app did).
pub struct Api {
    base_url: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    /// The same server, called with another bearer token.
    pub fn with_token(&self, token: &str) -> Api {
        Api {
            base_url: self.base_url.clone(),
            token: token.to_owned(),
            http: self.http.clone(),
        }
    }

    /// `method path` with an optional JSON body; the status and the JSON answer (null when empty).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        (status, json)
    }

    /// GET that must succeed.
    pub async fn get(&self, path: &str) -> serde_json::Value {
        let (status, json) = self.call(reqwest::Method::GET, path, None).await;
        assert!((200..300).contains(&status), "GET {path}: {status} {json}");
        json
    }

    /// POST that must succeed.
    pub async fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, json) = self.call(reqwest::Method::POST, path, Some(body)).await;
        assert!((200..300).contains(&status), "POST {path}: {status} {json}");
        json
    }

    /// PUT that must succeed.
    pub async fn put(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, json) = self.call(reqwest::Method::PUT, path, Some(body)).await;
        assert!((200..300).contains(&status), "PUT {path}: {status} {json}");
        json
    }

    /// Empties the store (`seed: false`) or refills it with the demo data.
    pub async fn reset(&self, seed: bool) {
        self.post("/__mock/reset/", serde_json::json!({ "seed": seed }))
            .await;
    }

    /// Creates an endpoint; returns it.
    pub async fn create_endpoint(&self, target: &str, events: &[&str]) -> webhook_api::Endpoint {
        let events: Vec<_> = events
            .iter()
            .map(|t| serde_json::json!({ "type": t }))
            .collect();
        let json = self
            .post(
                "/api/v2/webhook/endpoint/",
                serde_json::json!({ "target": target, "events": events }),
            )
            .await;
        serde_json::from_value(json).expect("an endpoint")
    }

    /// An endpoint as the server has it.
    pub async fn endpoint(&self, id: u64) -> webhook_api::Endpoint {
        serde_json::from_value(self.get(&format!("/api/v2/webhook/endpoint/{id}/")).await)
            .expect("an endpoint")
    }

    /// Triggers an event of `event_type` through the mock route.
    pub async fn trigger(&self, event_type: &str) -> webhook_api::MockEventCreated {
        serde_json::from_value(
            self.post("/__mock/events/", serde_json::json!({ "type": event_type }))
                .await,
        )
        .expect("the created event")
    }

    /// What the sink `name` received, newest first.
    pub async fn sink_requests(&self, name: &str) -> Vec<webhook_api::SinkRequest> {
        serde_json::from_value(self.get(&format!("/__mock/sink/{name}/requests/")).await)
            .expect("sink requests")
    }

    /// How the sink `name` answers from now on.
    pub async fn sink_behavior(&self, name: &str, behavior: &webhook_api::SinkBehavior) {
        self.put(
            &format!("/__mock/sink/{name}/behavior/"),
            serde_json::to_value(behavior).expect("json"),
        )
        .await;
    }

    /// The URL of the sink `name` on the server under test.
    pub fn sink_url(&self, name: &str) -> String {
        format!("{}/__mock/sink/{name}/", self.base_url)
    }
}

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
    let driver = Chromedriver::start();
    let client = driver.connect().await;
    let ctx = Ctx {
        client: client.clone(),
        base_url: server.url.clone(),
        name: name.to_owned(),
        driver_port: driver.port,
    };

    driver.record_csp_violations(&client).await;

    let outcome = tokio::spawn(tokio::time::timeout(TEST_TIMEOUT, test(ctx.clone()))).await;
    // Every page a test visits must run under the app's Content-Security-Policy without a violation.
    let violations = match outcome {
        Ok(Ok(())) => csp_violations(&client).await,
        _ => Vec::new(),
    };
    let failed = !matches!(outcome, Ok(Ok(()))) || !violations.is_empty();
    if failed {
        let shot = ctx.screenshot("failure").await;
        eprintln!("screenshot of the failure: {}", shot.display());
    }
    let _ = client.close().await;
    drop(driver);
    server.stop().await;
    match outcome {
        Ok(Ok(())) if !violations.is_empty() => {
            panic!("{name}: Content-Security-Policy violations: {violations:#?}")
        }
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("{name} took longer than {}s", TEST_TIMEOUT.as_secs()),
        Err(join_error) => std::panic::resume_unwind(join_error.into_panic()),
    }
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
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", self.profile.display()),
                ],
            }
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
