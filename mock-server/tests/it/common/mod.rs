//! A real mock-server on a free port, in this process, and a client for it.

use std::path::{Path, PathBuf};

use mock_server::Config;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub const ADMIN_TOKEN: &str = "dev-admin-token";
pub const MEMBER_TOKEN: &str = "dev-member-token";
pub const ADMIN_PASSWORD: &str = "admin";

pub struct TestServer {
    pub url: String,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Defaults for tests: a throwaway store, no demo data.
pub fn config() -> Config {
    let mut config = Config::defaults();
    config.db = ":memory:".to_owned();
    config.no_seed = true;
    config
}

impl TestServer {
    /// A server with an empty in-memory store.
    pub async fn start() -> Self {
        Self::with(config()).await
    }

    pub async fn with(config: Config) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(mock_server::run(listener, config, async {
            let _ = stopped.await;
        }));
        Self {
            url,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A server on a file database at `path`.
    pub async fn on_file(path: &Path) -> Self {
        let mut config = config();
        config.db = path.to_str().expect("utf-8 path").to_owned();
        Self::with(config).await
    }

    /// Stops the server and waits until it has finished (the database is closed afterwards).
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server ran cleanly");
        }
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.url))
    }

    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(ADMIN_TOKEN)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.admin(Method::GET, path).send().await.expect("GET")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("JSON")
    }

    pub async fn send_json(&self, method: Method, path: &str, body: &Value) -> Response {
        self.admin(method, path)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.send_json(Method::POST, path, body).await
    }

    /// Creates an endpoint subscribed to `events` and returns it.
    pub async fn create_endpoint(&self, target: &str, events: &[&str]) -> Value {
        let events: Vec<Value> = events.iter().map(|t| json!({"type": t})).collect();
        let response = self
            .post(
                "/api/v2/webhook/endpoint/",
                &json!({"target": target, "events": events}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("endpoint JSON")
    }

    /// The endpoint's signing secret.
    pub async fn reveal(&self, id: u64) -> String {
        let response = self
            .post(
                &format!("/api/v2/webhook/endpoint/{id}/secret/reveal/"),
                &json!({"password": ADMIN_PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.expect("secret JSON");
        body["signing_secret"]
            .as_str()
            .expect("a string")
            .to_owned()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The status and the `{"errors": [...]}` body of an error response.
pub async fn error_of(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.expect("an error body is JSON");
    assert!(
        body["errors"].is_array(),
        "not the contract's shape: {body}"
    );
    (status, body)
}

/// The code of the first general error.
pub fn general_code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

/// The codes of the messages about `field`.
pub fn field_codes(body: &Value, field: &str) -> Vec<String> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["field"] == field)
        .flat_map(|entry| entry["messages"].as_array().cloned().unwrap_or_default())
        .map(|message| message["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}
pub mod raw;
pub mod receiver;

/// A config whose retries come after `schedule` (seconds, comma-separated) and whose tries time out
/// after `timeout`.
pub fn delivery_config(schedule: &str, timeout: std::time::Duration) -> Config {
    use clap::Parser;
    let mut config = Config::parse_from(["mock-server", "--retry-schedule", schedule]);
    config.db = ":memory:".to_owned();
    config.no_seed = true;
    config.delivery_timeout = timeout;
    config
}

impl TestServer {
    /// The endpoint's attempts, oldest first.
    pub async fn attempts(&self, endpoint_id: u64) -> Vec<Value> {
        let page = self
            .get_json(&format!(
                "/api/v2/webhook/endpoint/{endpoint_id}/attempt/?limit=100&ordering=created_at"
            ))
            .await;
        page["results"].as_array().expect("results").clone()
    }

    /// Waits until the endpoint has `n` attempts recorded and returns them, oldest first. Attempts are
    /// written by the worker after the receiver answered, so there is nothing to await but the store.
    pub async fn wait_for_attempts(&self, endpoint_id: u64, n: usize) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let attempts = self.attempts(endpoint_id).await;
            if attempts.len() >= n {
                return attempts;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "endpoint {endpoint_id} has {} attempts, not {n}",
                attempts.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Triggers an event of `event_type`; returns `POST /__mock/events/`'s answer.
    pub async fn trigger(&self, event_type: &str) -> Value {
        let response = self
            .post("/__mock/events/", &json!({"type": event_type}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("event JSON")
    }
}

/// A directory of the test's own under the system's temp dir, removed with its contents when dropped
/// (declare it before the servers that use it, so that it goes after them).
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    pub fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("mock-server-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch dir");
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Where a test's SQLite store goes.
    pub fn db(&self) -> PathBuf {
        self.0.join("store.sqlite3")
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
