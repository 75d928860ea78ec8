//! A webhook receiver the test controls: it answers as told and hands every request it gets to the
//! test through a channel, so tests await deliveries instead of sleeping.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::any,
};
use serde_json::Value;
use tokio::{net::TcpListener, sync::mpsc};

/// How the receiver answers its n-th request (counting from 1).
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub delay: Duration,
    pub location: Option<String>,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self {
            status,
            body: br#"{"ok":true}"#.to_vec(),
            delay: Duration::ZERO,
            location: None,
        }
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn redirect_to(mut self, location: &str) -> Self {
        self.location = Some(location.to_owned());
        self
    }
}

/// A request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn signature(&self) -> &str {
        self.headers["selfcommunity-signature"].to_str().unwrap()
    }

    pub fn event_id(&self) -> u64 {
        self.json()["event_id"].as_u64().unwrap()
    }
}

type Plan = Arc<dyn Fn(u32) -> Reply + Send + Sync>;

#[derive(Clone)]
struct ReceiverState {
    plan: Arc<Mutex<Plan>>,
    count: Arc<AtomicU32>,
    seen: mpsc::UnboundedSender<Received>,
}

pub struct Receiver {
    /// `http://127.0.0.1:<port>/hook`
    pub url: String,
    pub requests: mpsc::UnboundedReceiver<Received>,
    plan: Arc<Mutex<Plan>>,
}

impl Receiver {
    /// A receiver answering its n-th request with `plan(n)`.
    pub async fn start(plan: impl Fn(u32) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::on(listener, plan).await
    }

    /// A receiver on a listener the test bound already (to know its port before it runs).
    pub async fn on(
        listener: TcpListener,
        plan: impl Fn(u32) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (seen, requests) = mpsc::unbounded_channel();
        let plan: Arc<Mutex<Plan>> = Arc::new(Mutex::new(Arc::new(plan)));
        let state = ReceiverState {
            plan: Arc::clone(&plan),
            count: Arc::new(AtomicU32::new(0)),
            seen,
        };
        let app = Router::new()
            .route("/hook", any(receive))
            .route("/elsewhere", any(|| async { StatusCode::OK }))
            .with_state(state);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url,
            requests,
            plan,
        }
    }

    /// Answers every request with 200 at once.
    pub async fn healthy() -> Self {
        Self::start(|_| Reply::status(200)).await
    }

    /// Changes how the following requests are answered.
    pub fn set_plan(&self, plan: impl Fn(u32) -> Reply + Send + Sync + 'static) {
        *self.plan.lock().unwrap() = Arc::new(plan);
    }

    /// The next request, failing the test if none comes within `within`.
    pub async fn next_within(&mut self, within: Duration) -> Received {
        tokio::time::timeout(within, self.requests.recv())
            .await
            .expect("the receiver got no request in time")
            .expect("the receiver is running")
    }

    pub async fn next(&mut self) -> Received {
        self.next_within(Duration::from_secs(20)).await
    }
}

async fn receive(State(state): State<ReceiverState>, headers: HeaderMap, body: Bytes) -> Response {
    let n = state.count.fetch_add(1, Ordering::SeqCst) + 1;
    let plan = Arc::clone(&state.plan.lock().unwrap());
    let reply = plan(n);
    let _ = state.seen.send(Received { headers, body });
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap(),
        [(header::CONTENT_TYPE, "application/json")],
        reply.body,
    )
        .into_response();
    if let Some(location) = reply.location {
        response
            .headers_mut()
            .insert(header::LOCATION, location.parse().unwrap());
    }
    response
}
