//! The mock SelfCommunity webhook backend.
//!
//! [`app`] builds the router; [`run`] serves it on a listener until a shutdown future resolves, with the
//! delivery worker beside it. Features by module:
//! - [`endpoints`], [`secrets`], [`attempts`]: the platform's webhook API (`/api/v2/webhook/...`)
//! - [`session`] and [`auth`]: `/oauth/token/`, `/api/v2/user/me/`; accounts, tokens, the password
//!   throttle, the route guard by role
//! - [`mock`] and [`sink`]: `/__mock/` routes for development and tests; [`seed`]: the demo data
//! - [`delivery`]: events to deliveries to tries (signed, sent, retried by the rule), the worker;
//!   [`simulate`]: `--simulate RATE`
//! - [`store`]: SQLite; [`error`] and [`extract`]: the contract's error bodies; [`pagination`]: lists
//! - [`targets`]: which addresses deliveries may reach (`--block-private-targets`, `--resolve`)
//! - [`serve`]: the HTTP server under the router, with the connection limits

pub mod attempts;
pub mod auth;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod endpoints;
pub mod error;
pub mod extract;
mod fields;
mod health;
pub mod mock;
mod openapi;
pub mod pagination;
pub mod secrets;
pub mod seed;
pub mod serve;
pub mod session;
pub mod simulate;
pub mod sink;
mod static_files;
pub mod store;
pub mod targets;

use std::{
    future::Future,
    net::SocketAddr,
    ops::Deref,
    path::PathBuf,
    sync::{Arc, OnceLock},
    time::Instant,
};

use axum::{
    Router,
    extract::{DefaultBodyLimit, MatchedPath, Request, State},
    http::{HeaderValue, Method, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    CompressionLevel,
    compression::{
        CompressionLayer,
        predicate::{And, DefaultPredicate, Predicate, SizeAbove},
    },
    cors::{AllowOrigin, Any, CorsLayer},
};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use webhook_api::Role;

pub use config::Config;

use crate::{
    auth::Accounts,
    delivery::{Deliveries, Limits, RetryRule, Sender, Worker},
    sink::Sinks,
    store::Store,
    targets::Resolver,
};

/// Everything a handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub config: Config,
    pub store: Store,
    pub accounts: Accounts,
    pub sinks: Sinks,
    /// Emitting events and scheduling deliveries (the worker learns of each from the store).
    pub deliveries: Deliveries,
    /// Name resolution for deliveries, and the non-public address check of `--block-private-targets`.
    pub resolver: Resolver,
    /// `127.0.0.1:<port>`: the host of list links for a request without a `Host` header.
    pub host: String,
    /// `http://127.0.0.1:<port>`: where the seed's endpoints send (this server's sink).
    pub base_url: String,
    openapi_json: OnceLock<String>,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The state and whether its database was just created.
pub struct Started {
    pub state: AppState,
    pub fresh: bool,
}

impl AppState {
    /// Opens the store and loads the accounts for a server reachable at `addr`.
    pub async fn open(config: Config, addr: SocketAddr) -> anyhow::Result<Started> {
        let opened = Store::open(&config.db)?;
        let accounts = Accounts::load(&opened.store, &config).await?;
        // A server listening on every interface is reached locally at the loopback address.
        let reachable = if addr.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        } else {
            addr
        };
        let resolver = Resolver::new(&config.resolve, config.block_private_targets);
        let sinks = Sinks::new(sink::SinkLimits::of(&config));
        let deliveries = Deliveries::new(
            opened.store.clone(),
            RetryRule::new(&config.retry_schedule.0),
        );
        Ok(Started {
            state: Self(Arc::new(Shared {
                resolver,
                config,
                store: opened.store,
                accounts,
                sinks,
                deliveries,
                host: reachable.to_string(),
                base_url: format!("http://{reachable}"),
                openapi_json: OnceLock::new(),
            })),
            fresh: opened.fresh,
        })
    }
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let admin = OpenApiRouter::new()
        .merge(endpoints::router())
        .merge(secrets::router())
        .merge(attempts::router())
        .merge(mock::router())
        .merge(sink::admin_router())
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Admin),
            auth::require_role,
        ));
    let signed_in = session::user_router().route_layer(middleware::from_fn_with_state(
        (state.clone(), Role::Member),
        auth::require_role,
    ));
    let (router, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(admin)
        .merge(signed_in)
        .merge(session::public_router())
        .merge(sink::receiver_router())
        .merge(health::router())
        .routes(utoipa_axum::routes!(openapi_document))
        .split_for_parts();
    let _ = state.openapi_json.set(openapi::to_json(&document));
    // Before the fallback: the static files are compressed once, by the build (`static_files`).
    let router = router.layer(api_compression());
    let router = match state.config.static_dir.clone() {
        Some(dir) => {
            if static_files::page_policy(&dir).is_none() {
                tracing::warn!(
                    dir = %dir.display(),
                    "index.html carries no Content-Security-Policy: only frame-ancestors 'none' is sent"
                );
            }
            router.fallback(move |request: Request| serve_app(dir.clone(), request))
        }
        None => router.fallback(error::unknown_route),
    };
    router
        .route_layer(middleware::from_fn(remember_route))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(middleware::from_fn(error::method_not_allowed_body))
        .layer(middleware::from_fn(log_request))
        .layer(cors(state.config.cors_origin.as_deref()))
        .with_state(state)
}

async fn serve_app(dir: PathBuf, request: Request) -> Response {
    static_files::serve(&dir, request).await
}

/// The OpenAPI 3.1 document of every route.
#[utoipa::path(get, path = "/openapi.json", tag = "health",
    responses((status = 200, description = "This document.", content_type = "application/json")))]
async fn openapi_document(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.get().cloned().unwrap_or_default(),
    )
        .into_response()
}

/// API answers of at least [`COMPRESS_FROM_BYTES`], in brotli or gzip when the request accepts one, at
/// level 4 of each: the fast end, since each answer is compressed as it is sent (its size is bounded by
/// the page size). A page of 20 attempts goes from 18.8 KB to 2.5 KB in brotli. Smaller answers fit in
/// a packet as they are.
fn api_compression() -> CompressionLayer<And<DefaultPredicate, SizeAbove>> {
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(4))
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_FROM_BYTES)))
}

/// The smallest API answer worth compressing.
pub const COMPRESS_FROM_BYTES: u16 = 1024;

/// Any origin unless `--cors-origin` names one; the request headers the API reads (and the app sends).
fn cors(origin: Option<&str>) -> CorsLayer {
    let allow_origin = match origin.and_then(|origin| HeaderValue::from_str(origin).ok()) {
        Some(origin) => AllowOrigin::exact(origin),
        None => AllowOrigin::from(Any),
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        // Named, never `*`: the wildcard does not cover `Authorization` (Fetch standard).
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([
            header::RETRY_AFTER,
            header::ALLOW,
            header::WWW_AUTHENTICATE,
            header::HeaderName::from_static(sink::DROPPED_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// The route a request matched, for the request log.
#[derive(Clone)]
struct MatchedRoute(String);

async fn remember_route(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| MatchedRoute(path.as_str().to_owned()));
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// One line per request: method, matched route (never the query or body), status, latency.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.run(request).await;
    let route = response
        .extensions()
        .get::<MatchedRoute>()
        .map_or("(unmatched)", |route| route.0.as_str());
    tracing::info!(
        method = %method,
        route,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// Serves on `listener` until `shutdown` resolves, then finishes in-flight requests and drains the
/// delivery worker. A fresh database is seeded first unless `--no-seed`.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let Started { state, fresh } = AppState::open(config, addr).await?;
    if fresh && !state.config.no_seed {
        seed::populate(&state).await?;
    }
    let cancel = CancellationToken::new();
    let worker = Worker::new(
        &state.deliveries,
        Sender::new(state.config.delivery_timeout, state.resolver.clone())?,
        Limits::default(),
    );
    let worker = tokio::spawn(worker.run(cancel.clone()));
    let simulation = state
        .config
        .simulate
        .map(|rate| tokio::spawn(simulate::run(state.clone(), rate, cancel.clone())));
    let limits = serve::Limits::of(&state.config);
    let served = serve::serve(listener, app(state), limits, shutdown).await;
    cancel.cancel();
    if let Some(simulation) = simulation {
        let _ = simulation.await;
    }
    let _ = worker.await;
    served?;
    Ok(())
}
