//! The load generator's HTTP/1.1 connections (plain hyper, one connection each, so N tasks are exactly N
//! connections and the generator costs as little as it can on the cores it shares with the server).

use std::time::Instant;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode, client::conn::http1};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

pub const TOKEN: &str = "dev-admin-token";

pub struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
    host: String,
}

/// One exchange: its status, body, and when the answer was read whole.
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
    pub returned: Instant,
}

impl Connection {
    pub async fn open(addr: &str) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Self {
            sender,
            host: addr.to_owned(),
        })
    }

    /// Sends a request as the admin, with a JSON body if given.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
    ) -> anyhow::Result<Answer> {
        self.sender.ready().await?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host)
            .header("authorization", format!("Bearer {TOKEN}"));
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(Full::new(body.unwrap_or_default()))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            body,
            returned: Instant::now(),
        })
    }

    /// `POST /__mock/events/` of `event_type`.
    pub async fn trigger(&mut self, event_type: &str) -> anyhow::Result<Answer> {
        let body = format!(r#"{{"type": "{event_type}"}}"#);
        self.send(Method::POST, "/__mock/events/", Some(body.into()))
            .await
    }

    /// Creates an endpoint sending `event_types` to `target`; its id.
    pub async fn create_endpoint(
        &mut self,
        target: &str,
        event_types: &[&str],
    ) -> anyhow::Result<u64> {
        let events: Vec<_> = event_types
            .iter()
            .map(|t| serde_json::json!({"type": t}))
            .collect();
        let body = serde_json::json!({"target": target, "events": events}).to_string();
        let answer = self
            .send(Method::POST, "/api/v2/webhook/endpoint/", Some(body.into()))
            .await?;
        anyhow::ensure!(
            answer.status == StatusCode::CREATED,
            "creating an endpoint answered {}",
            answer.status
        );
        let endpoint: serde_json::Value = serde_json::from_slice(&answer.body)?;
        endpoint["id"]
            .as_u64()
            .ok_or_else(|| anyhow::anyhow!("an endpoint without an id"))
    }
}

/// The `event_id` of `POST /__mock/events/`'s answer, found without parsing the whole body.
pub fn event_id_of_answer(body: &[u8]) -> Option<u64> {
    const KEY: &[u8] = b"\"event_id\":";
    let at = body.windows(KEY.len()).position(|window| window == KEY)? + KEY.len();
    let digits: String = body[at..]
        .iter()
        .skip_while(|byte| byte.is_ascii_whitespace())
        .take_while(|byte| byte.is_ascii_digit())
        .map(|&byte| char::from(byte))
        .collect();
    digits.parse().ok()
}
