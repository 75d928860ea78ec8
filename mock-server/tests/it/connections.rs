//! The connection limits (`serve.rs`): idle, header and body timeouts, the cap on open connections,
//! and keep-alive after a response that left its request body unread. Everything on loopback,
//! bounded in count and time; a close is awaited, never slept for.

use std::time::Duration;

use crate::common::{
    ADMIN_TOKEN, MEMBER_TOKEN, TestServer, config,
    raw::{RawConnection, request},
};

const ENDPOINTS: &str = "/api/v2/webhook/endpoint/";

fn health() -> Vec<u8> {
    request("GET", "/health", &[], b"")
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let mut config = config();
    config.idle_timeout = Duration::from_millis(500);
    let server = TestServer::with(config).await;
    let mut connection = RawConnection::open(&server.url).await;
    connection.send(&health()).await;
    let answered = connection.response().await.expect("an answer");
    assert_eq!(answered.status, 200);
    assert!(!answered.says_close());
    assert!(connection.closed().await, "the idle connection stayed open");
}

#[tokio::test]
async fn a_connection_that_never_sends_is_closed_after_the_idle_timeout() {
    let mut config = config();
    config.idle_timeout = Duration::from_millis(500);
    let server = TestServer::with(config).await;
    let mut connection = RawConnection::open(&server.url).await;
    assert!(connection.closed().await);
}

#[tokio::test]
async fn half_a_request_head_is_closed_after_the_header_timeout() {
    let mut config = config();
    config.header_read_timeout = Duration::from_millis(500);
    let server = TestServer::with(config).await;
    let mut connection = RawConnection::open(&server.url).await;
    connection
        .send(b"GET /health HTTP/1.1\r\nHost: test\r\nX-Slow: ")
        .await;
    assert!(connection.closed().await, "the slow head was kept open");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408_and_the_connection_closed() {
    let mut config = config();
    config.body_read_timeout = Duration::from_millis(500);
    let server = TestServer::with(config).await;
    let mut connection = RawConnection::open(&server.url).await;
    connection
        .send(b"POST /__mock/sink/slow/ HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n0123456789")
        .await;
    let answered = connection.response().await.expect("an answer");
    assert_eq!(answered.status, 408);
    assert!(answered.says_close());
    assert_eq!(answered.json()["errors"][0]["code"], "request_timeout");
    assert!(connection.closed().await);
    // The sink kept nothing of it.
    let kept = server.get_json("/__mock/sink/slow/requests/").await;
    assert_eq!(kept.as_array().map(Vec::len), Some(0), "{kept}");
}

#[tokio::test]
async fn slow_and_idle_clients_beyond_the_cap_never_keep_health_from_answering() {
    let mut config = config();
    config.max_connections = 32;
    let server = TestServer::with(config).await;
    let mut held = Vec::new();
    for n in 0..300 {
        let mut connection = RawConnection::open(&server.url).await;
        match n % 3 {
            0 => {}
            1 => connection.send(b"GET /health HTTP/1.1\r\nHost: te").await,
            _ => {
                connection
                    .send(b"POST /__mock/sink/held/ HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\nhalf")
                    .await
            }
        }
        held.push(connection);
    }
    for _ in 0..20 {
        let mut probe = RawConnection::open(&server.url).await;
        probe.send(&health()).await;
        let answered = probe.response().await.expect("/health answers");
        assert_eq!(answered.status, 200);
    }
    // The slow clients made room: most of them have been closed, the newest may still wait.
    let mut closed = 0;
    for connection in held.iter_mut().take(200) {
        if connection.closed().await {
            closed += 1;
        }
    }
    assert_eq!(closed, 200);
}

/// The contract's 401 and 403 come before the body is read: the server must still leave the
/// connection usable for the next request, or say that it closes it.
#[tokio::test]
async fn a_refused_request_with_a_small_body_leaves_the_keep_alive_connection_usable() {
    let server = TestServer::start().await;
    let mut failures = Vec::new();
    for n in 0..120 {
        let body = vec![b'x'; if n % 2 == 0 { 1024 } else { 48 * 1024 }];
        let auth = if n % 3 == 0 {
            format!("Authorization: Bearer {MEMBER_TOKEN}")
        } else {
            "X-None: none".to_owned()
        };
        let mut connection = RawConnection::open(&server.url).await;
        connection
            .send(&request(
                "POST",
                ENDPOINTS,
                &[&auth, "Content-Type: application/json"],
                &body,
            ))
            .await;
        let refused = connection.response().await.expect("an answer");
        assert!(matches!(refused.status, 401 | 403), "{refused:?}");
        assert!(!refused.says_close(), "a small body is drained, not closed");
        if !connection.try_send(&health()).await {
            failures.push((n, None));
            continue;
        }
        match connection.response().await {
            Some(answered) if answered.status == 200 => {}
            other => failures.push((n, other.map(|r| r.status))),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 120 failed: {failures:?}",
        failures.len()
    );
}

#[tokio::test]
async fn a_refused_request_with_a_large_unread_body_says_the_connection_closes() {
    let server = TestServer::start().await;
    for (auth, declared) in [
        ("X-None: none", 200 * 1024),
        (
            &*format!("Authorization: Bearer {MEMBER_TOKEN}"),
            200 * 1024,
        ),
        // Over the 1 MiB limit: 413 without reading it.
        (
            &*format!("Authorization: Bearer {ADMIN_TOKEN}"),
            2 * 1024 * 1024,
        ),
    ] {
        let mut connection = RawConnection::open(&server.url).await;
        let head = format!(
            "POST {ENDPOINTS} HTTP/1.1\r\nHost: test\r\n{auth}\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
        );
        connection.send(head.as_bytes()).await;
        connection.send(&vec![b' '; 16 * 1024]).await;
        let refused = connection.response().await.expect("an answer");
        assert!(matches!(refused.status, 401 | 403 | 413), "{refused:?}");
        assert!(refused.says_close(), "{refused:?}");
        assert!(connection.closed().await);
    }
}

#[tokio::test]
async fn a_body_read_to_its_end_keeps_the_connection() {
    let server = TestServer::start().await;
    let mut connection = RawConnection::open(&server.url).await;
    for n in 0..3 {
        connection
            .send(&request(
                "POST",
                &format!("/__mock/sink/kept-{n}/"),
                &[],
                b"{\"n\": 1}",
            ))
            .await;
        let answered = connection.response().await.expect("an answer");
        assert_eq!(answered.status, 200);
        assert!(!answered.says_close());
    }
}

#[tokio::test]
async fn shutdown_closes_idle_connections_and_finishes() {
    let server = TestServer::start().await;
    let mut idle = RawConnection::open(&server.url).await;
    idle.send(&health()).await;
    assert_eq!(idle.response().await.map(|r| r.status), Some(200));
    let mut slow = RawConnection::open(&server.url).await;
    slow.send(b"GET /health HTTP/1.1\r\nHo").await;
    // An answer on the other connection, sent after half a head on this one: by then the server
    // has read that half (hyper's own graceful shutdown would wait for the rest of it).
    idle.send(&health()).await;
    assert_eq!(idle.response().await.map(|r| r.status), Some(200));
    tokio::time::timeout(Duration::from_secs(15), server.stop())
        .await
        .expect("the server stopped with connections open");
    assert!(idle.closed().await);
    assert!(slow.closed().await);
}
