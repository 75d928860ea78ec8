//! The HTTP transport of a try: a signed `POST` to the endpoint's target, bounded by the timeout, what
//! came back (or why nothing did) classified for the attempt.

use std::{error::Error as _, sync::Arc, time::Duration};

use reqwest::{Client, header, redirect};
use tokio::time::Instant;
use webhook_api::{DeliveryError, signature};

use super::attempt::{Delivery, Exchange, Posted, Transport};
use crate::targets::{self, Refusal, Resolver};

/// The most of a response body an attempt keeps [platform].
pub const RESPONSE_BODY_LIMIT: usize = 20_000;

/// Two clients: one that checks certificates, one for endpoints with `ssl_cert_verification: false`.
/// Both resolve names through `resolver`, which refuses non-public addresses when told to.
#[derive(Clone)]
pub struct Sender {
    verifying: Client,
    lenient: Client,
    timeout: Duration,
    block_private: bool,
}

impl Sender {
    pub fn new(timeout: Duration, resolver: Resolver) -> anyhow::Result<Self> {
        let block_private = resolver.blocks_private();
        let resolver = Arc::new(resolver);
        let builder = || {
            let builder = Client::builder()
                .redirect(redirect::Policy::none())
                .timeout(timeout)
                .user_agent("SelfCommunity-Webhooks/1.0 (mock-server)")
                .pool_max_idle_per_host(64)
                .dns_resolver(Arc::clone(&resolver));
            // A proxy would resolve and connect on its own, past the resolver's check.
            if block_private {
                builder.no_proxy()
            } else {
                builder
            }
        };
        Ok(Self {
            verifying: builder().build()?,
            lenient: builder().danger_accept_invalid_certs(true).build()?,
            timeout,
            block_private,
        })
    }

    /// A target whose URL holds a non-public address (no resolver sees those), when refusing them.
    fn refusal(&self, delivery: &Delivery) -> Option<Refusal> {
        if self.block_private {
            targets::refuse_without_lookup(&delivery.target)
        } else {
            None
        }
    }

    /// The plain client, for the benchmark's baseline loop.
    pub fn client(&self) -> &Client {
        &self.verifying
    }
}

impl Transport for Sender {
    async fn post(&self, delivery: &Delivery, signature_header: &str) -> Posted {
        let client = if delivery.ssl_cert_verification {
            &self.verifying
        } else {
            &self.lenient
        };
        let started = Instant::now();
        let deadline = started + self.timeout;
        let exchange = match self.refusal(delivery) {
            Some(refusal) => {
                tracing::warn!(
                    endpoint_id = delivery.endpoint_id,
                    %refusal,
                    "delivery refused: the target is not a public address"
                );
                Exchange::NoResponse(DeliveryError::Other)
            }
            None => exchange(client, delivery, signature_header, deadline).await,
        };
        Posted {
            exchange,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }
}

async fn exchange(
    client: &Client,
    delivery: &Delivery,
    signature_header: &str,
    deadline: Instant,
) -> Exchange {
    let request = client
        .post(&delivery.target)
        .header(header::CONTENT_TYPE, "application/json")
        .header(signature::HEADER, signature_header)
        .body(delivery.payload.clone())
        .send();
    let mut response = match tokio::time::timeout_at(deadline, request).await {
        Err(_) => return Exchange::NoResponse(DeliveryError::Timeout),
        Ok(Err(error)) => return Exchange::NoResponse(classify(&error)),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let mut body = Vec::new();
    // Read only what is kept: a 5 MB answer costs no more than 20 kB.
    while body.len() < RESPONSE_BODY_LIMIT {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_) => {
                return Exchange::Answered {
                    status,
                    body,
                    error: Some(DeliveryError::Timeout),
                };
            }
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            Ok(Ok(None)) => break,
            Ok(Err(error)) => {
                return Exchange::Answered {
                    status,
                    body,
                    error: Some(classify(&error)),
                };
            }
        }
    }
    body.truncate(RESPONSE_BODY_LIMIT);
    Exchange::Answered {
        status,
        body,
        error: None,
    }
}

/// Why no response came, from the error's chain of causes. A target refused by the resolver is
/// `other`: the contract has no closer code, and `dns` would say the name did not resolve.
fn classify(error: &reqwest::Error) -> DeliveryError {
    if error.is_timeout() {
        return DeliveryError::Timeout;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(current) = cause {
        if current.downcast_ref::<Refusal>().is_some() {
            return DeliveryError::Other;
        }
        cause = current.source();
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(current) = cause {
        if current.downcast_ref::<rustls::Error>().is_some() {
            return DeliveryError::Tls;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return DeliveryError::ConnectionRefused,
                std::io::ErrorKind::TimedOut => return DeliveryError::Timeout,
                _ => {}
            }
            if io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
            {
                return DeliveryError::Tls;
            }
        }
        let text = current.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return DeliveryError::Dns;
        }
        cause = current.source();
    }
    let text = format!("{error:?}").to_ascii_lowercase();
    if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
        DeliveryError::Tls
    } else {
        DeliveryError::Other
    }
}
