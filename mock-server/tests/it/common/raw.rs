//! A raw HTTP/1.1 client on one TCP connection, for what reqwest hides: keep-alive reuse, half-sent
//! requests, silent closes.

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// The longest any read waits: a bound on a test, not a measurement.
const BOUND: Duration = Duration::from_secs(15);

pub struct RawConnection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

/// One response as it came.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Whether the server announced it closes the connection after this response.
    pub fn says_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

impl RawConnection {
    /// A connection to the server at `url` (`http://host:port`).
    pub async fn open(url: &str) -> Self {
        let addr = url.trim_start_matches("http://");
        Self {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buffer: Vec::new(),
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        assert!(self.try_send(bytes).await, "the connection is closed");
    }

    /// Sends `bytes`; false if the connection was closed.
    pub async fn try_send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).await.is_ok()
    }

    /// The next response, or `None` if the connection closed (or was reset) before one came.
    pub async fn response(&mut self) -> Option<RawResponse> {
        tokio::time::timeout(BOUND, self.read_response())
            .await
            .expect("no response and no close within the bound")
    }

    /// Waits until the server closes the connection; false if it answered something instead.
    pub async fn closed(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        let read = tokio::time::timeout(BOUND, self.stream.read(&mut chunk))
            .await
            .expect("the connection is still open after the bound");
        matches!(read, Ok(0) | Err(_))
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    async fn read_response(&mut self) -> Option<RawResponse> {
        let head_end = loop {
            if let Some(at) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            if !self.fill().await {
                return None;
            }
        };
        let head = String::from_utf8_lossy(&self.buffer[..head_end]).into_owned();
        self.buffer.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|code| code.parse().ok())
            .expect("a status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        while self.buffer.len() < length {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buffer.drain(..length).collect();
        Some(RawResponse {
            status,
            headers,
            body,
        })
    }
}

/// A request's bytes: `method path`, extra header lines (`"Authorization: Bearer x"`), and a body
/// sent with its `Content-Length`.
pub fn request(method: &str, path: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{method} {path} HTTP/1.1\r\nHost: test\r\n");
    for header in headers {
        bytes.push_str(header);
        bytes.push_str("\r\n");
    }
    if !body.is_empty() || method != "GET" {
        bytes.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    bytes.push_str("\r\n");
    let mut bytes = bytes.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}
