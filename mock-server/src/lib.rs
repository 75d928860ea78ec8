//! The mock SelfCommunity webhook backend.
//!
//! [`app`] builds the router; [`run`] serves it on a listener until a shutdown future resolves.

pub mod config;
mod health;
mod static_files;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

pub use config::Config;

/// Everything a handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub config: std::sync::Arc<Config>,
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let router = Router::new().merge(health::router());
    let router = match &state.config.static_dir {
        Some(dir) => router.fallback_service(static_files::service(dir)),
        None => router,
    };
    router.with_state(state)
}

/// Serves the app on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = AppState {
        config: std::sync::Arc::new(config),
    };
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
