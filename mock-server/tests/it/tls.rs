//! Deliveries to an HTTPS endpoint with a self-signed certificate: refused while
//! `ssl_cert_verification` is on, accepted when it is off (contract section 6).

use std::{sync::Arc, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    sync::mpsc,
};
use tokio_rustls::{
    TlsAcceptor,
    rustls::{
        ServerConfig,
        pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer},
    },
};

use crate::common::{TestServer, delivery_config};

/// An HTTPS receiver with a self-signed certificate for 127.0.0.1 that answers every request with 200
/// and reports each one it completes the handshake for.
async fn self_signed_receiver() -> (String, mpsc::UnboundedReceiver<()>) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/hook", listener.local_addr().unwrap());
    let (seen, requests) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                loop {
                    let Ok(n) = tls.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let length = text[..head_end]
                            .lines()
                            .find_map(|line| line.strip_prefix("content-length:"))
                            .and_then(|value| value.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= head_end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = seen.send(());
                let body = r#"{"success":true}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (url, requests)
}

#[tokio::test]
async fn an_invalid_certificate_fails_with_error_tls_while_verification_is_on() {
    let server = TestServer::with(delivery_config("60", Duration::from_secs(5))).await;
    let (url, mut requests) = self_signed_receiver().await;
    let endpoint = server.create_endpoint(&url, &["post.created"]).await;
    server.trigger("post.created").await;
    let attempts = server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 1)
        .await;
    assert_eq!(attempts[0]["error"], "tls");
    assert_eq!(attempts[0]["http_response_code"], Value::Null);
    assert!(attempts[0]["next_retry"].is_string());
    assert!(requests.try_recv().is_err(), "the request went through");
}

#[tokio::test]
async fn an_invalid_certificate_is_accepted_when_verification_is_off() {
    let server = TestServer::with(delivery_config("60", Duration::from_secs(5))).await;
    let (url, mut requests) = self_signed_receiver().await;
    let response = server
        .post("/api/v2/webhook/endpoint/", &json!({"target": url, "events": [{"type": "post.created"}], "ssl_cert_verification": false}))
        .await;
    let endpoint: Value = response.json().await.unwrap();
    server.trigger("post.created").await;
    tokio::time::timeout(Duration::from_secs(20), requests.recv())
        .await
        .unwrap()
        .unwrap();
    let attempts = server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 1)
        .await;
    assert_eq!(attempts[0]["http_response_code"], 200);
    assert_eq!(attempts[0]["error"], Value::Null);
    // Turning verification back on makes the next try fail again.
    server
        .send_json(
            Method::PATCH,
            &format!("/api/v2/webhook/endpoint/{}/", endpoint["id"]),
            &json!({"ssl_cert_verification": true}),
        )
        .await;
    server.trigger("post.created").await;
    let attempts = server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 2)
        .await;
    assert_eq!(attempts[1]["error"], "tls");
}
