//! The sink: a built-in receiver for deliveries (contract section 7). Any method on
//! `/__mock/sink/{name}/` is recorded and answered with that sink's behaviour; what it received, and
//! whether each signature verifies against an endpoint targeting it, can be read back.
//!
//! Sinks live in memory (a restart or a reset empties them), within bounds that anyone sending to
//! them cannot push past (`--sink-max-*`, [`SinkLimits`]): the bytes kept of one request, of one sink
//! and of all sinks (past either, the oldest requests go first, counted in `Mock-Sink-Dropped` on
//! the `requests/` answer), the requests kept per sink, and the number of sinks (past it, the sink
//! used least recently is forgotten).

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, VecDeque},
    sync::Mutex,
    time::Duration,
};

use axum::{
    Json,
    extract::{RawPathParams, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use http_body::Body as _;
use utoipa_axum::{router::OpenApiRouter, routes};
use webhook_api::{
    ErrorBody, ErrorCode, SinkBehavior, SinkRequest,
    signature::{self, SignatureHeader},
};

use crate::{
    AppState, Config, clock,
    error::{ApiError, ApiResult, FieldErrors},
    extract::{JsonObject, MAX_BODY_BYTES},
    fields,
};

/// Requests each sink keeps (newest first); older ones are dropped.
pub const SINK_CAPACITY: usize = 1000;
/// The longest delay a behaviour may ask for.
const MAX_DELAY_MS: u64 = 600_000;
/// What a kept request costs beyond its body and headers (its record, the map's entries).
const REQUEST_OVERHEAD: usize = 256;
/// The header of a `requests/` answer that counts the requests dropped from that sink.
pub const DROPPED_HEADER: &str = "mock-sink-dropped";

/// What the sinks keep at most (flags `--sink-max-request-bytes`, `--sink-max-sink-bytes`,
/// `--sink-max-total-bytes`, `--sink-max-sinks`).
#[derive(Clone, Copy, Debug)]
pub struct SinkLimits {
    /// Bytes of one request's body; the rest is not kept (`body_truncated`).
    pub request_bytes: usize,
    /// Bytes of one sink's requests (bodies, headers and [`REQUEST_OVERHEAD`] each).
    pub sink_bytes: usize,
    /// Bytes of every sink's requests together.
    pub total_bytes: usize,
    /// Sinks at once.
    pub sinks: usize,
}

impl SinkLimits {
    pub fn of(config: &Config) -> Self {
        Self {
            request_bytes: config.sink_max_request_bytes,
            sink_bytes: config.sink_max_sink_bytes,
            total_bytes: config.sink_max_total_bytes,
            sinks: config.sink_max_sinks as usize,
        }
    }
}

#[derive(Default)]
struct SinkState {
    behavior: SinkBehavior,
    failures_left: u32,
    /// Newest first.
    requests: VecDeque<Kept>,
    next_id: u64,
    bytes: usize,
    /// Requests dropped to stay within the limits since the sink was created or cleared.
    dropped: u64,
    /// When the sink last received or was configured (a sequence number).
    last_used: u64,
}

struct Kept {
    /// Arrival order across every sink.
    seq: u64,
    bytes: usize,
    request: SinkRequest,
}

#[derive(Default)]
struct SinkStore {
    sinks: HashMap<String, SinkState>,
    /// The oldest kept request of each sink holding any, by arrival: the first is the oldest of all.
    oldest: BTreeSet<(u64, String)>,
    bytes: usize,
    seq: u64,
    /// Sinks forgotten to stay within the number of sinks.
    forgotten: u64,
}

/// Every sink, by name.
pub struct Sinks {
    limits: SinkLimits,
    state: Mutex<SinkStore>,
}

impl Sinks {
    pub fn new(limits: SinkLimits) -> Self {
        Self {
            limits,
            state: Mutex::new(SinkStore::default()),
        }
    }

    pub fn limits(&self) -> SinkLimits {
        self.limits
    }

    pub fn clear(&self) {
        *self.lock() = SinkStore::default();
    }

    pub fn set_behavior(&self, name: &str, behavior: SinkBehavior) {
        let mut state = self.lock();
        let sink = state.sink(name, &self.limits);
        sink.failures_left = behavior.fail_first;
        sink.behavior = behavior;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SinkStore> {
        self.state.lock().expect("sinks lock")
    }

    /// Keeps `request` (costing `bytes`) in sink `name`, dropping the oldest requests past the
    /// limits; the status, body and delay to answer with.
    fn record(
        &self,
        name: &str,
        mut request: SinkRequest,
        bytes: usize,
    ) -> (u16, String, Duration) {
        let mut state = self.lock();
        let limits = self.limits;
        let sink = state.sink(name, &limits);
        sink.next_id += 1;
        request.id = sink.next_id;
        let answer = {
            let status = if sink.failures_left > 0 {
                sink.failures_left -= 1;
                500
            } else {
                sink.behavior.status
            };
            (
                status,
                sink.behavior.body.clone(),
                Duration::from_millis(sink.behavior.delay_ms),
            )
        };
        state.seq += 1;
        let seq = state.seq;
        let sink = state.sinks.get_mut(name).expect("created above");
        let was_empty = sink.requests.is_empty();
        sink.requests.push_front(Kept {
            seq,
            bytes,
            request,
        });
        sink.bytes += bytes;
        state.bytes += bytes;
        if was_empty {
            state.oldest.insert((seq, name.to_owned()));
        }
        loop {
            let sink = &state.sinks[name];
            if sink.requests.is_empty()
                || (sink.requests.len() <= SINK_CAPACITY && sink.bytes <= limits.sink_bytes)
            {
                break;
            }
            state.drop_oldest_of(name);
        }
        while state.bytes > limits.total_bytes {
            let Some((_, oldest)) = state.oldest.first().cloned() else {
                break;
            };
            state.drop_oldest_of(&oldest);
        }
        answer
    }
}

impl SinkStore {
    /// Sink `name`, created if new (forgetting the sink used least recently when at the limit).
    fn sink(&mut self, name: &str, limits: &SinkLimits) -> &mut SinkState {
        self.seq += 1;
        let now = self.seq;
        if !self.sinks.contains_key(name) {
            while self.sinks.len() >= limits.sinks.max(1) {
                let Some(stalest) = self
                    .sinks
                    .iter()
                    .min_by_key(|(_, sink)| sink.last_used)
                    .map(|(name, _)| name.clone())
                else {
                    break;
                };
                self.forget(&stalest);
                self.forgotten += 1;
            }
        }
        let sink = self.sinks.entry(name.to_owned()).or_default();
        sink.last_used = now;
        sink
    }

    fn forget(&mut self, name: &str) {
        if let Some(sink) = self.sinks.remove(name) {
            self.bytes -= sink.bytes;
            if let Some(oldest) = sink.requests.back() {
                self.oldest.remove(&(oldest.seq, name.to_owned()));
            }
        }
    }

    fn drop_oldest_of(&mut self, name: &str) {
        let Some(sink) = self.sinks.get_mut(name) else {
            return;
        };
        let Some(dropped) = sink.requests.pop_back() else {
            return;
        };
        sink.bytes -= dropped.bytes;
        sink.dropped += 1;
        self.bytes -= dropped.bytes;
        self.oldest.remove(&(dropped.seq, name.to_owned()));
        if let Some(next) = sink.requests.back() {
            self.oldest.insert((next.seq, name.to_owned()));
        }
    }

    fn clear_requests(&mut self, name: &str) {
        if let Some(sink) = self.sinks.get_mut(name) {
            if let Some(oldest) = sink.requests.back() {
                self.oldest.remove(&(oldest.seq, name.to_owned()));
            }
            self.bytes -= sink.bytes;
            sink.bytes = 0;
            sink.dropped = 0;
            sink.requests.clear();
        }
    }
}

/// The receiving route, open to anyone (deliveries carry no token).
pub fn receiver_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        receive_get,
        receive_post,
        receive_put,
        receive_patch,
        receive_delete,
        receive_options
    ))
}

/// Reading and configuring sinks (admin).
pub fn admin_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_requests, clear_requests))
        .routes(routes!(set_behavior))
}

fn sink_name(params: &RawPathParams) -> String {
    params
        .iter()
        .find(|(key, _)| *key == "name")
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

#[utoipa::path(get, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_get(state: State<AppState>, params: RawPathParams, request: Request) -> Response {
    receive(state, params, request).await
}

/// Records a request and answers with the sink's behaviour.
#[utoipa::path(post, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    request_body(content = String, description = "Anything; deliveries send an event payload."),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_post(state: State<AppState>, params: RawPathParams, request: Request) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(put, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_put(state: State<AppState>, params: RawPathParams, request: Request) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(patch, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_patch(
    state: State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(delete, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_delete(
    state: State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    receive(state, params, request).await
}

#[utoipa::path(options, path = "/__mock/sink/{name}/", tag = "mock",
    params(("name" = String, Path, description = "Any name: each name is its own sink.")),
    responses((status = 200, description = "The sink's configured answer (status and body).")))]
async fn receive_options(
    state: State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    receive(state, params, request).await
}

async fn receive(
    State(state): State<AppState>,
    params: RawPathParams,
    request: Request,
) -> Response {
    let (parts, mut body) = request.into_parts();
    let (method, uri, headers) = (parts.method, parts.uri, parts.headers);
    if body
        .size_hint()
        .exact()
        .is_some_and(|length| length > MAX_BODY_BYTES as u64)
    {
        return ApiError::PayloadTooLarge(MAX_BODY_BYTES).into_response();
    }
    let name = sink_name(&params);
    let header = headers
        .get(signature::HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<SignatureHeader>().ok());
    let secrets = match &header {
        Some(_) => match state
            .store
            .secrets_for_target_path(uri.path().to_owned())
            .await
        {
            Ok(secrets) => secrets,
            Err(error) => return ApiError::Internal(error).into_response(),
        },
        None => Vec::new(),
    };
    let mut checks: Vec<_> = header
        .iter()
        .flat_map(|header| secrets.iter().map(|secret| header.verifying(secret)))
        .collect();
    // The body streams through the signature checks; only its first bytes are kept.
    let keep = state.sinks.limits().request_bytes;
    let mut kept = Vec::new();
    let mut received = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(frame) = frame else {
            return ApiError::PayloadTooLarge(MAX_BODY_BYTES).into_response();
        };
        let Some(data) = frame.data_ref() else {
            continue;
        };
        received += data.len();
        if received > MAX_BODY_BYTES {
            return ApiError::PayloadTooLarge(MAX_BODY_BYTES).into_response();
        }
        for check in &mut checks {
            check.update(data);
        }
        let room = keep.saturating_sub(kept.len());
        kept.extend_from_slice(&data[..data.len().min(room)]);
    }
    let signature_valid = checks
        .into_iter()
        .fold(false, |valid, check| check.verify() | valid);
    let recorded_headers = recorded_headers(&headers);
    let bytes = REQUEST_OVERHEAD
        + kept.len()
        + recorded_headers
            .iter()
            .map(|(key, value)| key.len() + value.len())
            .sum::<usize>();
    let request = SinkRequest {
        id: 0,
        received_at: clock::iso(clock::now()),
        method: method.to_string(),
        headers: recorded_headers,
        body: String::from_utf8_lossy(&kept).into_owned(),
        body_truncated: received > kept.len(),
        signature_valid,
    };
    let (status, answer, delay) = state.sinks.record(&name, request, bytes);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, [(header::CONTENT_TYPE, "application/json")], answer).into_response()
}

/// A request's headers, several values of one name joined by `, `.
fn recorded_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut recorded: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        recorded
            .entry(key.as_str().to_owned())
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    recorded
}

/// What the sink received, newest first; `Mock-Sink-Dropped` counts the requests dropped to stay
/// within the limits since it was created or cleared.
#[utoipa::path(get, path = "/__mock/sink/{name}/requests/", tag = "mock",
    params(("name" = String, Path, description = "The sink's name.")),
    responses((status = 200, body = Vec<SinkRequest>, headers(
            ("Mock-Sink-Dropped" = u64, description = "Requests this sink dropped (oldest first) to stay within the limits since it was created or cleared."))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_requests(State(state): State<AppState>, params: RawPathParams) -> Response {
    let (requests, dropped) = {
        let kept = state.sinks.lock();
        match kept.sinks.get(&sink_name(&params)) {
            Some(sink) => (
                sink.requests
                    .iter()
                    .map(|kept| kept.request.clone())
                    .collect(),
                sink.dropped,
            ),
            None => (Vec::new(), 0),
        }
    };
    let mut response = Json::<Vec<SinkRequest>>(requests).into_response();
    response
        .headers_mut()
        .insert(DROPPED_HEADER, HeaderValue::from(dropped));
    response
}

/// Forgets what the sink received.
#[utoipa::path(delete, path = "/__mock/sink/{name}/requests/", tag = "mock",
    params(("name" = String, Path, description = "The sink's name.")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn clear_requests(State(state): State<AppState>, params: RawPathParams) -> StatusCode {
    state.sinks.lock().clear_requests(&sink_name(&params));
    StatusCode::NO_CONTENT
}

/// Sets how the sink answers; fields left out take their defaults.
#[utoipa::path(put, path = "/__mock/sink/{name}/behavior/", tag = "mock",
    params(("name" = String, Path, description = "The sink's name.")),
    request_body = SinkBehavior,
    responses((status = 200, body = SinkBehavior), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_behavior(
    State(state): State<AppState>,
    params: RawPathParams,
    JsonObject(body): JsonObject,
) -> ApiResult<Json<SinkBehavior>> {
    let defaults = SinkBehavior::default();
    let mut errors = FieldErrors::default();
    let mut integer = |name: &str, range: std::ops::RangeInclusive<u64>| -> Option<u64> {
        let value = body.get(name)?;
        match fields::integer_value(value)
            .and_then(|n| u64::try_from(n).ok())
            .filter(|n| range.contains(n))
        {
            Some(n) => Some(n),
            None => {
                errors.add(
                    name,
                    ErrorCode::Invalid,
                    format!(
                        "A valid integer from {} to {} is required.",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
        }
    };
    let status = integer("status", 100..=599).map_or(defaults.status, |n| n as u16);
    let delay_ms = integer("delay_ms", 0..=MAX_DELAY_MS).unwrap_or(defaults.delay_ms);
    let fail_first = integer("fail_first", 0..=1_000_000).map_or(defaults.fail_first, |n| n as u32);
    let answer = if body.contains_key("body") {
        fields::string(&body, "body", false, true, &mut errors)
    } else {
        Some(defaults.body)
    };
    errors.into_result()?;
    let behavior = SinkBehavior {
        status,
        delay_ms,
        body: answer.unwrap_or_default(),
        fail_first,
    };
    state
        .sinks
        .set_behavior(&sink_name(&params), behavior.clone());
    Ok(Json(behavior))
}
