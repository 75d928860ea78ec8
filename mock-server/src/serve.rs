//! The HTTP/1.1 server under the router: what `axum::serve` does, with the limits a server reachable
//! without a token needs.
//!
//! - At most `--max-connections` open. At the cap, a new connection closes the one that has waited
//!   longest for its client (idle, sending a head, or stalled in a body), so slow clients cannot lock
//!   others out; when every connection has a request in progress, new ones wait in the backlog.
//! - `--idle-timeout`: a connection with no request in progress and no byte of a new one is closed.
//! - `--header-read-timeout`: from a request head's first byte to its end, or the connection is closed.
//! - `--body-read-timeout`: from the end of a head to the end of its body; past it the request is
//!   answered 408 (the contract's shape) with `Connection: close`.
//! - A response that leaves its request body unread drains it first (up to [`DRAIN_LIMIT`] bytes,
//!   for [`DRAIN_TIME`] at most), or says `Connection: close`: hyper alone would close such a
//!   connection after a keep-alive response, and the client's next request on it would fail.
//! - A connection the server closes after a response lingers: what the client still sends is read
//!   and dropped (up to [`LINGER_BYTES`], for [`LINGER_TIME`]) before the socket closes, so a client
//!   still sending a refused body reads the answer instead of a reset (RFC 9112, section 9.6).
//! - The cap leaves file descriptors for the delivery worker: it is lowered to the open-file limit
//!   less [`RESERVED_FILES`].
//! - Graceful shutdown: stop accepting, close the connections that wait for their client, let the
//!   requests in progress finish.
//!
//! The handlers see the peer's address as `ConnectInfo<SocketAddr>`.

use std::{
    collections::HashMap,
    convert::Infallible,
    future::Future,
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::ConnectInfo,
    http::{HeaderValue, Request, Response, header},
    response::IntoResponse,
};
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::Notify,
};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::{Config, error::ApiError};

/// The most of an unread request body drained before a response; a longer one closes the connection.
pub const DRAIN_LIMIT: u64 = 64 * 1024;
/// The longest a response waits for an unread body to drain.
pub const DRAIN_TIME: Duration = Duration::from_secs(1);
/// The largest buffer a connection reads a request head into (hyper's minimum is 8 KiB).
const MAX_BUF: usize = 64 * 1024;
/// The most a closing connection reads and drops of what its client still sends.
pub const LINGER_BYTES: usize = crate::extract::MAX_BODY_BYTES + 64 * 1024;
/// The longest a closing connection lingers.
pub const LINGER_TIME: Duration = Duration::from_secs(2);
/// File descriptors left to everything but incoming connections: the delivery worker's 256 tries
/// in flight, the store, the listener.
pub const RESERVED_FILES: u64 = 320;
/// The cap never goes below this, whatever the open-file limit.
const MIN_CONNECTIONS: usize = 16;

/// The connection limits (flags of the same names).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_connections: usize,
    pub idle_timeout: Duration,
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
}

impl Limits {
    /// The flags' limits, the cap lowered to what the open-file limit leaves (with a warning).
    pub fn of(config: &Config) -> Self {
        let wanted = config.max_connections as usize;
        let max_connections = match open_file_limit() {
            Some(files) if (files.saturating_sub(RESERVED_FILES) as usize) < wanted => {
                let lowered = (files.saturating_sub(RESERVED_FILES) as usize).max(MIN_CONNECTIONS);
                tracing::warn!(
                    open_file_limit = files,
                    max_connections = lowered,
                    "--max-connections lowered to leave file descriptors for deliveries"
                );
                lowered
            }
            _ => wanted,
        };
        Self {
            max_connections,
            idle_timeout: config.idle_timeout,
            header_read_timeout: config.header_read_timeout,
            body_read_timeout: config.body_read_timeout,
        }
    }

    /// How often the timeouts are checked: a quarter of the shortest, between 10 ms and 1 s.
    fn tick(&self) -> Duration {
        (self.idle_timeout.min(self.header_read_timeout) / 4)
            .clamp(Duration::from_millis(10), Duration::from_secs(1))
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting, closes the
/// connections that wait for their client and returns once the requests in progress are answered.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let tracker = Arc::new(Tracker::new());
    let stopping = CancellationToken::new();
    let sweeper = tokio::spawn({
        let (tracker, stopping) = (tracker.clone(), stopping.clone());
        async move {
            let mut ticks = tokio::time::interval(limits.tick());
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => tracker.close_expired(&limits),
                    () = stopping.cancelled() => return,
                }
            }
        }
    });
    tokio::pin!(shutdown);
    'accepting: loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: make room and try again.
                    tracing::debug!(%error, "cannot accept a connection");
                    let closed = tracker.closed.notified();
                    tokio::pin!(closed);
                    closed.as_mut().enable();
                    let wait = if tracker.close_longest_waiting() { 100 } else { 50 };
                    let _ = tokio::time::timeout(Duration::from_millis(wait), closed).await;
                    continue;
                }
            },
        };
        while tracker.len() >= limits.max_connections {
            let closed = tracker.closed.notified();
            tokio::pin!(closed);
            closed.as_mut().enable();
            let waiting = if tracker.close_longest_waiting() {
                Duration::MAX
            } else {
                // Every connection has a request in progress: look again when one ends, or shortly.
                Duration::from_millis(10)
            };
            tokio::select! {
                () = closed => {}
                () = tokio::time::sleep(waiting.min(Duration::from_secs(1))) => {}
                () = &mut shutdown => break 'accepting,
            }
        }
        let _ = stream.set_nodelay(true);
        let connection = tracker.open();
        let (tracker, router, stopping) = (tracker.clone(), router.clone(), stopping.clone());
        tokio::spawn(async move {
            serve_connection(stream, peer, connection.clone(), router, limits, stopping).await;
            tracker.remove(&connection);
        });
    }
    drop(listener);
    stopping.cancel();
    loop {
        let closed = tracker.closed.notified();
        tokio::pin!(closed);
        closed.as_mut().enable();
        // hyper's graceful shutdown closes a connection that has read nothing, or nothing since
        // its last answer, but waits for the rest of a head it has begun to read: close every one
        // that waits for its client, again whenever a request ends.
        tracker.close_waiting();
        if tracker.len() == 0 {
            break;
        }
        let _ = tokio::time::timeout(limits.tick(), closed).await;
    }
    let _ = sweeper.await;
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    connection: Arc<Connection>,
    router: Router,
    limits: Limits,
    stopping: CancellationToken,
) {
    let io = TokioIo::new(TrackedStream {
        stream,
        connection: connection.clone(),
    });
    let service = hyper::service::service_fn({
        let connection = connection.clone();
        move |request| {
            Box::pin(handle(
                request,
                peer,
                connection.clone(),
                router.clone(),
                limits.body_read_timeout,
            ))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The timeouts are this module's (hyper's header timeout would also count idle time).
    builder.header_read_timeout(None).max_buf_size(MAX_BUF);
    let mut served = builder.serve_connection(io, service);
    let mut graceful = false;
    loop {
        tokio::select! {
            result = std::future::poll_fn(|cx| served.poll_without_shutdown(cx)) => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                    return;
                }
                break;
            }
            // Past a timeout, or closed to make room: dropping the connection closes the socket.
            () = connection.close.cancelled() => return,
            () = stopping.cancelled(), if !graceful => {
                graceful = true;
                Pin::new(&mut served).graceful_shutdown();
            }
        }
    }
    let stream = served.into_parts().io.into_inner().stream;
    tokio::select! {
        () = linger(stream) => {}
        () = connection.close.cancelled() => {}
    }
}

/// Closes the sending side, then reads and drops what the client still sends, bounded, before the
/// socket closes: closing with unread bytes would reset the connection, and the client could lose
/// the answer it had not read yet.
async fn linger(mut stream: TcpStream) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let mut left = LINGER_BYTES;
    let mut chunk = [0u8; 16 * 1024];
    let reading = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) if n >= left => return,
                Ok(n) => left -= n,
            }
        }
    };
    let _ = tokio::time::timeout(LINGER_TIME, reading).await;
}

/// The soft limit on open files (Linux), if known.
fn open_file_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// One request: the body wrapped (deadline, drain), the router, then the response settled.
async fn handle(
    request: Request<Incoming>,
    peer: SocketAddr,
    connection: Arc<Connection>,
    router: Router,
    body_read_timeout: Duration,
) -> Result<Response<ResponseBody>, Infallible> {
    let in_progress = InProgress::start(connection.clone());
    let deadline = tokio::time::Instant::now() + body_read_timeout;
    let (mut parts, incoming) = request.into_parts();
    parts.extensions.insert(ConnectInfo(peer));
    let expects_continue = parts.headers.contains_key(header::EXPECT);
    let declared_length = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let slot = Arc::new(Mutex::new(BodySlot::default()));
    let body = RequestBody {
        incoming: Some(incoming),
        deadline: Box::pin(tokio::time::sleep_until(deadline)),
        connection,
        slot: slot.clone(),
    };
    let request = Request::from_parts(parts, Body::new(body));
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let left = std::mem::take(&mut *slot.lock().expect("body slot lock"));
    let response = if left.timed_out {
        let mut response = ApiError::RequestTimeout {
            seconds: body_read_timeout.as_secs_f64(),
        }
        .into_response();
        close_after(&mut response);
        response
    } else if left.ended {
        response
    } else {
        let drained = match left.unread {
            Some(unread) if unread.is_end_stream() => true,
            Some(_) if expects_continue => false,
            Some(_) if declared_length.is_some_and(|length| length > DRAIN_LIMIT) => false,
            Some(unread) => {
                drain(
                    unread,
                    deadline.min(tokio::time::Instant::now() + DRAIN_TIME),
                )
                .await
            }
            // The body broke (the client went away), or a handler kept it.
            None => false,
        };
        let mut response = response;
        if !drained {
            close_after(&mut response);
        }
        response
    };
    Ok(response.map(|body| ResponseBody {
        body,
        _in_progress: in_progress,
    }))
}

fn close_after(response: &mut Response<Body>) {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
}

/// Reads what is left of a body, up to [`DRAIN_LIMIT`] bytes, until `until`; whether it ended.
async fn drain(mut unread: Incoming, until: tokio::time::Instant) -> bool {
    let mut left = DRAIN_LIMIT;
    let reading = async {
        loop {
            match std::future::poll_fn(|cx| Pin::new(&mut unread).poll_frame(cx)).await {
                None => return true,
                Some(Ok(frame)) => {
                    let length = frame.data_ref().map_or(0, |data| data.len() as u64);
                    if length > left {
                        return false;
                    }
                    left -= length;
                }
                Some(Err(_)) => return false,
            }
        }
    };
    tokio::time::timeout_at(until, reading)
        .await
        .unwrap_or(false)
}

/// Every open connection.
struct Tracker {
    connections: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    /// Woken whenever a connection ends.
    closed: Notify,
    epoch: Instant,
}

impl Tracker {
    fn new() -> Self {
        Self {
            connections: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            closed: Notify::new(),
            epoch: Instant::now(),
        }
    }

    fn open(&self) -> Arc<Connection> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let connection = Arc::new(Connection {
            id,
            epoch: self.epoch,
            waiting_since: AtomicU64::new(0),
            head_started: AtomicU64::new(0),
            in_request: AtomicBool::new(false),
            close: CancellationToken::new(),
        });
        connection
            .waiting_since
            .store(connection.now(), Ordering::Relaxed);
        self.lock().insert(id, connection.clone());
        connection
    }

    fn remove(&self, connection: &Connection) {
        self.lock().remove(&connection.id);
        self.closed.notify_waiters();
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.connections.lock().expect("connections lock")
    }

    /// Closes the connection that has waited longest for its client; false if none waits for it.
    fn close_longest_waiting(&self) -> bool {
        let connections = self.lock();
        let longest = connections
            .values()
            .filter(|connection| !connection.close.is_cancelled())
            .filter_map(|connection| {
                let since = connection.waiting_since.load(Ordering::Relaxed);
                (since != 0).then_some((since, connection))
            })
            .min_by_key(|(since, _)| *since);
        match longest {
            Some((_, connection)) => {
                connection.close.cancel();
                true
            }
            None => false,
        }
    }

    /// Closes the connections without a request in progress (shutting down).
    fn close_waiting(&self) {
        for connection in self.lock().values() {
            if !connection.in_request.load(Ordering::Relaxed) {
                connection.close.cancel();
            }
        }
    }

    /// Closes the connections without a request in progress that are past the idle or the header
    /// timeout.
    fn close_expired(&self, limits: &Limits) {
        let idle = limits.idle_timeout.as_micros() as u64;
        let header = limits.header_read_timeout.as_micros() as u64;
        for connection in self.lock().values() {
            if connection.in_request.load(Ordering::Relaxed) {
                continue;
            }
            let now = connection.now();
            let head_started = connection.head_started.load(Ordering::Relaxed);
            let waiting_since = connection.waiting_since.load(Ordering::Relaxed);
            let expired = if head_started != 0 {
                now.saturating_sub(head_started) > header
            } else {
                waiting_since != 0 && now.saturating_sub(waiting_since) > idle
            };
            if expired {
                connection.close.cancel();
            }
        }
    }
}

/// What the limits need to know of one connection. Times are microseconds since the tracker's
/// epoch, plus one (0 means "not now").
struct Connection {
    id: u64,
    epoch: Instant,
    /// Since when the connection has waited for its client (for a head, or for body bytes); 0 while
    /// the server works on a request.
    waiting_since: AtomicU64,
    /// When the first byte of the next request head arrived; 0 before it did.
    head_started: AtomicU64,
    in_request: AtomicBool,
    close: CancellationToken,
}

impl Connection {
    fn now(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64 + 1
    }

    fn bytes_read(&self) {
        if !self.in_request.load(Ordering::Relaxed) {
            let _ = self.head_started.compare_exchange(
                0,
                self.now(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    fn waiting_for_body(&self) {
        let _ = self.waiting_since.compare_exchange(
            0,
            self.now(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    fn body_arrived(&self) {
        self.waiting_since.store(0, Ordering::Relaxed);
    }
}

/// A request in progress on its connection, until its response has been written (or dropped).
struct InProgress(Arc<Connection>);

impl InProgress {
    fn start(connection: Arc<Connection>) -> Self {
        connection.in_request.store(true, Ordering::Relaxed);
        connection.head_started.store(0, Ordering::Relaxed);
        connection.waiting_since.store(0, Ordering::Relaxed);
        Self(connection)
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        let connection = &self.0;
        connection.head_started.store(0, Ordering::Relaxed);
        connection
            .waiting_since
            .store(connection.now(), Ordering::Relaxed);
        connection.in_request.store(false, Ordering::Relaxed);
    }
}

/// The socket, noting when the first bytes of a request head arrive.
struct TrackedStream {
    stream: TcpStream,
    connection: Arc<Connection>,
}

impl AsyncRead for TrackedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.connection.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for TrackedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// How a request body ended, as the response needs to know.
#[derive(Default)]
struct BodySlot {
    /// Read to its end.
    ended: bool,
    /// Not complete within `--body-read-timeout`.
    timed_out: bool,
    /// What a handler dropped unread.
    unread: Option<Incoming>,
}

/// A request body with a deadline, telling the connection when it waits for its client, and handing
/// back what a handler left unread.
struct RequestBody {
    incoming: Option<Incoming>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    connection: Arc<Connection>,
    slot: Arc<Mutex<BodySlot>>,
}

/// The body did not arrive within `--body-read-timeout`.
#[derive(Debug)]
struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimeout {}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl HttpBody for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let Some(incoming) = this.incoming.as_mut() else {
            return Poll::Ready(None);
        };
        match Pin::new(incoming).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.connection.body_arrived();
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => {
                this.incoming = None;
                this.connection.body_arrived();
                this.slot.lock().expect("body slot lock").ended = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(error))) => {
                this.incoming = None;
                Poll::Ready(Some(Err(error.into())))
            }
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    this.incoming = None;
                    this.slot.lock().expect("body slot lock").timed_out = true;
                    return Poll::Ready(Some(Err(BodyTimeout.into())));
                }
                this.connection.waiting_for_body();
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming
            .as_ref()
            .is_none_or(|incoming| incoming.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), |incoming| incoming.size_hint())
    }
}

impl Drop for RequestBody {
    fn drop(&mut self) {
        if let Some(incoming) = self.incoming.take() {
            self.slot.lock().expect("body slot lock").unread = Some(incoming);
        }
    }
}

/// The router's response body, keeping the request in progress until hyper has written it.
struct ResponseBody {
    body: Body,
    _in_progress: InProgress,
}

impl HttpBody for ResponseBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
