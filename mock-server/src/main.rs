use clap::Parser;
use mock_server::Config;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        // Colours only for a person at a terminal, not in files and pipes.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let config = Config::parse();
    let listener = TcpListener::bind(config.addr).await?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("mock-server listening on {url}");
    // The defaults are public knowledge (the README has them); credentials set by flag are never printed.
    let shown = |value: &str, default: &str, flag: &str| {
        if value == default {
            value.to_owned()
        } else {
            format!("(as set by {flag})")
        }
    };
    println!(
        "  admin:  username admin, password {}, token {}",
        shown(&config.admin_password, "admin", "--admin-password"),
        shown(&config.admin_token, "dev-admin-token", "--admin-token")
    );
    println!(
        "  member: username member, password member, token {}",
        shown(&config.member_token, "dev-member-token", "--member-token")
    );
    mock_server::run(listener, config, shutdown_signal()).await
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
