//! [`ReferenceProxy`]: a server that is the platform's reference and nothing more, made of mock-server
//! behind a proxy that takes away what the contract adds. The console must work against it as it does
//! against mock-server (issue 12).
//!
//! Through the proxy:
//! - attempts (in lists and alone) have no `event.id`, `error` or `duration_ms`;
//! - `/__mock/`, `/openapi.json`, `/health` and `/api/v2/user/me/` answer 404, as Django does for a
//!   route it does not have (an HTML page);
//! - lists page by at most 5, as a Django REST framework server with `max_limit = 5` does: a larger or
//!   missing `limit` is rewritten to 5 before mock-server sees it, so its `count`, rows and
//!   `next`/`previous` links are the ones such a server answers;
//! - everything else (the token route, the webhook routes, the built app that mock-server serves) goes
//!   through unchanged, with the browser's `Host`, so the links name the proxy.
//!
//! Tests still set up data and read the sink on mock-server itself ([`crate::Ctx::api`]).

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::Value;
use tokio::{net::TcpListener, sync::oneshot};

/// The largest page the proxied server sends.
pub const MAX_LIMIT: u64 = 5;

/// The largest request body passed on (the API's bodies are small).
const MAX_BODY: usize = 1 << 20;

/// What a test can change in the proxy while it runs.
#[derive(Clone, Default)]
pub struct ReferenceProxy {
    /// Events whose payloads lose their `event_id` too: attempts that name no event at all.
    hidden_events: Arc<Mutex<Vec<u64>>>,
}

impl ReferenceProxy {
    /// From now on, the attempts of these events carry no event id anywhere (nor in the payload), like
    /// a platform whose payloads did not have one.
    pub fn hide_event_ids(&self, events: &[u64]) {
        self.hidden_events
            .lock()
            .expect("not poisoned")
            .extend_from_slice(events);
    }

    fn is_hidden(&self, event: u64) -> bool {
        self.hidden_events
            .lock()
            .expect("not poisoned")
            .contains(&event)
    }
}

/// The running proxy.
pub struct ProxyServer {
    /// `http://127.0.0.1:<port>`: the console and the API, on one origin.
    pub url: String,
    pub proxy: ReferenceProxy,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Upstream {
    /// mock-server's `http://127.0.0.1:<port>`.
    url: String,
    http: reqwest::Client,
    proxy: ReferenceProxy,
}

impl ProxyServer {
    /// A proxy on a free port in front of the mock-server at `upstream`.
    pub async fn start(upstream: &str) -> Self {
        let proxy = ReferenceProxy::default();
        let state = Upstream {
            url: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("an HTTP client"),
            proxy: proxy.clone(),
        };
        let app = Router::new().fallback(forward).with_state(state);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("the proxy serves");
        });
        Self {
            url,
            proxy,
            stop,
            task,
        }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.expect("the proxy stops");
    }
}

/// Whether the reference has no such route.
fn not_in_reference(path: &str) -> bool {
    path.starts_with("/__mock/")
        || path == "/openapi.json"
        || path == "/health"
        || path.starts_with("/api/v2/user/me/")
}

/// The paginated lists: endpoints, the endpoint search, an endpoint's attempts.
fn is_list(path: &str) -> bool {
    path == "/api/v2/webhook/endpoint/"
        || path == "/api/v2/webhook/endpoint/search/"
        || (path.starts_with("/api/v2/webhook/endpoint/") && path.ends_with("/attempt/"))
}

fn is_attempts(path: &str) -> bool {
    path.starts_with("/api/v2/webhook/endpoint/") && path.contains("/attempt/")
}

async fn forward(State(upstream): State<Upstream>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    if not_in_reference(&path) {
        return not_found();
    }
    let mut query = parts.uri.query().unwrap_or_default().to_owned();
    if parts.method == Method::GET && is_list(&path) {
        query = capped_limit(&query);
    }
    let url = if query.is_empty() {
        format!("{}{path}", upstream.url)
    } else {
        format!("{}{path}?{query}", upstream.url)
    };
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large").into_response();
    };
    let sent = upstream
        .http
        .request(parts.method.clone(), url)
        .headers(forwarded(&parts.headers))
        .body(body)
        .send()
        .await;
    let answer = match sent {
        Ok(answer) => answer,
        Err(error) => return (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    };
    let status = answer.status();
    let headers = forwarded(answer.headers());
    let Ok(mut bytes) = answer.bytes().await else {
        return (StatusCode::BAD_GATEWAY, "the body broke off").into_response();
    };
    if status.is_success() && is_attempts(&path) {
        bytes = without_additions(&bytes, &upstream.proxy);
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// The headers to pass on: all but those of the connection itself (and the body's length and encoding,
/// which the body sent decides).
fn forwarded(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in [
        header::CONNECTION,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        header::ACCEPT_ENCODING,
        header::UPGRADE,
        header::TE,
        header::TRAILER,
    ] {
        kept.remove(name);
    }
    kept.remove("keep-alive");
    kept.remove("proxy-connection");
    kept
}

/// Django's answer to a route it does not have.
fn not_found() -> Response {
    let mut response = Response::new(Body::from(
        "<!doctype html><title>Not Found</title><h1>Not Found</h1>\
         <p>The requested resource was not found on this server.</p>",
    ));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// The query with `limit` at most [`MAX_LIMIT`] (missing or not a positive number: [`MAX_LIMIT`]), the
/// other parameters as they were.
fn capped_limit(query: &str) -> String {
    let mut url = reqwest::Url::parse("http://proxy/").expect("a URL");
    url.set_query((!query.is_empty()).then_some(query));
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let limit = pairs
        .iter()
        .find(|(name, _)| name == "limit")
        .and_then(|(_, value)| value.trim().parse::<u64>().ok())
        .filter(|&limit| limit > 0)
        .map_or(MAX_LIMIT, |limit| limit.min(MAX_LIMIT));
    pairs.retain(|(name, _)| name != "limit");
    pairs.push(("limit".to_owned(), limit.to_string()));
    url.query_pairs_mut().clear().extend_pairs(&pairs);
    url.query().unwrap_or_default().to_owned()
}

/// An attempt, or a page of them, as the reference has them.
fn without_additions(body: &Bytes, proxy: &ReferenceProxy) -> Bytes {
    let Ok(mut json) = serde_json::from_slice::<Value>(body) else {
        return body.clone();
    };
    match json.get_mut("results").and_then(Value::as_array_mut) {
        Some(attempts) => attempts
            .iter_mut()
            .for_each(|attempt| reference_attempt(attempt, proxy)),
        None => reference_attempt(&mut json, proxy),
    }
    Bytes::from(serde_json::to_vec(&json).expect("JSON writes"))
}

fn reference_attempt(attempt: &mut Value, proxy: &ReferenceProxy) {
    let Some(fields) = attempt.as_object_mut() else {
        return;
    };
    fields.remove("error");
    fields.remove("duration_ms");
    if let Some(event) = fields.get_mut("event").and_then(Value::as_object_mut) {
        event.remove("id");
    }
    let Some(Value::String(payload)) = fields.get_mut("http_request_body") else {
        return;
    };
    let Ok(Value::Object(mut sent)) = serde_json::from_str::<Value>(payload) else {
        return;
    };
    if sent
        .get("event_id")
        .and_then(Value::as_u64)
        .is_some_and(|event| proxy.is_hidden(event))
    {
        sent.remove("event_id");
        *payload = Value::Object(sent).to_string();
    }
}
