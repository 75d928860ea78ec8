//! The server's flags (contract section 1); each is also read from `MOCK_<FLAG>` (switches take `1`,
//! `true`, `yes`, `on` and `0`, `false`, `no`, `off` there).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Parser, builder::BoolishValueParser};

use crate::targets::HostOverride;

#[derive(Clone, Debug, Parser)]
#[command(
    name = "mock-server",
    version,
    about = "A SelfCommunity webhook backend for development and tests"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "MOCK_ADDR", default_value = "127.0.0.1:8000")]
    pub addr: SocketAddr,

    /// SQLite database file; `:memory:` for a throwaway store.
    #[arg(long, env = "MOCK_DB", default_value = "mock-server.sqlite3")]
    pub db: String,

    /// Serve the built app from this directory at `/` (index.html for unknown non-API paths).
    #[arg(long, env = "MOCK_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// Do not seed a fresh database with demo data.
    #[arg(long, env = "MOCK_NO_SEED", value_parser = BoolishValueParser::new())]
    pub no_seed: bool,

    /// Seconds to wait before each retry of a failed delivery, comma-separated (fractions allowed).
    #[arg(long, env = "MOCK_RETRY_SCHEDULE", default_value = "5,25,125,625,3125", value_parser = parse_schedule)]
    pub retry_schedule: RetrySchedule,

    /// Seconds one delivery try may take, DNS to last byte.
    #[arg(long, env = "MOCK_DELIVERY_TIMEOUT", default_value = "10", value_parser = parse_seconds)]
    pub delivery_timeout: Duration,

    /// Password of the `admin` user.
    #[arg(
        long,
        env = "MOCK_ADMIN_PASSWORD",
        default_value = "admin",
        hide_env_values = true
    )]
    pub admin_password: String,

    /// Static bearer token of the `admin` user, always valid.
    #[arg(
        long,
        env = "MOCK_ADMIN_TOKEN",
        default_value = "dev-admin-token",
        hide_env_values = true
    )]
    pub admin_token: String,

    /// Static bearer token of the `member` user (no admin role), always valid.
    #[arg(
        long,
        env = "MOCK_MEMBER_TOKEN",
        default_value = "dev-member-token",
        hide_env_values = true
    )]
    pub member_token: String,

    /// Allow cross-origin requests from this origin only (default: any origin).
    #[arg(long, env = "MOCK_CORS_ORIGIN")]
    pub cors_origin: Option<String>,

    /// Refuse endpoints and deliveries whose target is not a public internet address: loopback, private,
    /// link-local, CGNAT, documentation, multicast and other reserved ranges, checked again against
    /// every address the target's name resolves to at each delivery. Off by default: local receivers
    /// are normal in development.
    #[arg(long, env = "MOCK_BLOCK_PRIVATE_TARGETS", value_parser = BoolishValueParser::new())]
    pub block_private_targets: bool,

    /// Resolve HOST to IP for deliveries instead of asking the system, like curl's --resolve
    /// (repeatable; several IPs for one host add up).
    #[arg(
        long,
        env = "MOCK_RESOLVE",
        value_name = "HOST=IP",
        value_delimiter = ','
    )]
    pub resolve: Vec<HostOverride>,

    /// Emit random events at this many per second (live traffic for development).
    #[arg(long, env = "MOCK_SIMULATE", value_name = "RATE", value_parser = parse_rate)]
    pub simulate: Option<f64>,

    /// Threads that check passwords (Argon2id, 19 MiB and tens of milliseconds each); default: one
    /// per core.
    #[arg(long, env = "MOCK_PASSWORD_HASH_THREADS", value_parser = clap::value_parser!(u16).range(1..))]
    pub password_hash_threads: Option<u16>,

    /// Password checks that may wait for a thread; past them, 503 with Retry-After.
    #[arg(long, env = "MOCK_PASSWORD_HASH_QUEUE", default_value = "8")]
    pub password_hash_queue: usize,

    /// Bytes the sink keeps of one request's body (the rest is counted, not kept: `body_truncated`).
    #[arg(long, env = "MOCK_SINK_MAX_REQUEST_BYTES", default_value = "262144")]
    pub sink_max_request_bytes: usize,

    /// Bytes one sink keeps (bodies, headers and 256 a request); past it, its oldest requests go.
    #[arg(long, env = "MOCK_SINK_MAX_SINK_BYTES", default_value = "4194304")]
    pub sink_max_sink_bytes: usize,

    /// Bytes all sinks keep together; past it, the oldest request of any sink goes.
    #[arg(long, env = "MOCK_SINK_MAX_TOTAL_BYTES", default_value = "67108864")]
    pub sink_max_total_bytes: usize,

    /// Sinks kept at once; a new name past it forgets the sink used least recently.
    #[arg(long, env = "MOCK_SINK_MAX_SINKS", default_value = "1000",
        value_parser = clap::value_parser!(u32).range(1..))]
    pub sink_max_sinks: u32,

    /// Connections open at once. At the cap, a new connection closes the one that has waited longest
    /// for its client (idle, or slow to send a request).
    #[arg(long, env = "MOCK_MAX_CONNECTIONS", default_value = "1024",
        value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Seconds a connection may stay open with no request in progress and none arriving.
    #[arg(long, env = "MOCK_IDLE_TIMEOUT", default_value = "60", value_parser = parse_timeout)]
    pub idle_timeout: Duration,

    /// Seconds from the first byte of a request's head to its end; then the connection is closed.
    #[arg(long, env = "MOCK_HEADER_READ_TIMEOUT", default_value = "10", value_parser = parse_timeout)]
    pub header_read_timeout: Duration,

    /// Seconds from the end of a request's head to the end of its body; then 408 and the connection
    /// is closed.
    #[arg(long, env = "MOCK_BODY_READ_TIMEOUT", default_value = "30", value_parser = parse_timeout)]
    pub body_read_timeout: Duration,

    /// Seconds an access token issued by /oauth/token/ stays valid.
    #[arg(
        long,
        env = "MOCK_ACCESS_TOKEN_LIFETIME",
        default_value = "36000",
        value_parser = parse_seconds,
        hide = true
    )]
    pub access_token_lifetime: Duration,

    /// Seconds the sign-in throttles remember a wrong password.
    #[arg(
        long,
        env = "MOCK_SIGN_IN_THROTTLE_WINDOW",
        default_value = "900",
        value_parser = parse_timeout,
        hide = true
    )]
    pub sign_in_throttle_window: Duration,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 && rate <= 10_000.0 => Ok(rate),
        _ => Err(format!(
            "`{text}` is not a rate between 0 and 10000 events per second"
        )),
    }
}

/// The delays before each retry; k entries mean k retries, k + 1 tries.
#[derive(Clone, Debug, PartialEq)]
pub struct RetrySchedule(pub Vec<Duration>);

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("`{text}` is not a duration in seconds"))
}

/// A timeout: seconds above zero.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    parse_seconds(text).and_then(|duration| {
        if duration.is_zero() {
            Err(format!("`{text}` is not a timeout above zero seconds"))
        } else {
            Ok(duration)
        }
    })
}

fn parse_schedule(text: &str) -> Result<RetrySchedule, String> {
    if text.trim().is_empty() {
        return Ok(RetrySchedule(Vec::new()));
    }
    text.split(',')
        .map(parse_seconds)
        .collect::<Result<_, _>>()
        .map(RetrySchedule)
}

impl Config {
    /// The defaults, as if no flag was given (for tests and embedding).
    pub fn defaults() -> Self {
        Self::parse_from(["mock-server"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_take_fractions_and_may_be_empty() {
        assert_eq!(
            parse_schedule("0.5,2").unwrap(),
            RetrySchedule(vec![Duration::from_millis(500), Duration::from_secs(2)])
        );
        assert_eq!(parse_schedule("").unwrap(), RetrySchedule(vec![]));
        assert!(parse_schedule("1,x").is_err());
        assert!(parse_schedule("-1").is_err());
    }
}
