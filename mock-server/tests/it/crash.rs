//! Durability: a server killed with SIGKILL loses no due delivery nor any event it answered, even in
//! the middle of a group commit, and one stopped gracefully finishes what it was sending (contract
//! section 6, issues 4 and 17).

use std::{
    collections::BTreeSet,
    path::Path,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

use crate::common::{
    ADMIN_TOKEN, ScratchDir, TestServer,
    receiver::{Receiver, Reply},
};

/// The real binary on a free port; returns the child and its URL (from the line it prints).
async fn spawn_binary(db: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--no-seed",
            "--retry-schedule",
            "60",
            "--delivery-timeout",
            "30",
        ])
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the mock-server binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the server prints its URL");
        if let Some(url) = line.strip_prefix("mock-server listening on ") {
            break url.trim().to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// `POST path` with `body`, or `GET path` without one, as the admin, to the binary at `url`; its JSON.
async fn admin(client: &reqwest::Client, url: &str, path: &str, body: Option<Value>) -> Value {
    let request = match body {
        Some(body) => client.post(format!("{url}{path}")).json(&body),
        None => client.get(format!("{url}{path}")),
    };
    request
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn kill_9_with_deliveries_pending_loses_none() {
    const EVENTS: u64 = 20;
    let scratch = ScratchDir::new("kill9");
    let db = scratch.db();
    // Until the kill, the receiver holds every request open: all of them are in flight or still queued.
    let mut receiver =
        Receiver::start(|_| Reply::status(200).after(Duration::from_secs(120))).await;
    let (mut child, url) = spawn_binary(&db).await;
    let client = reqwest::Client::new();
    let endpoint = admin(
        &client,
        &url,
        "/api/v2/webhook/endpoint/",
        Some(json!({"target": receiver.url, "events": [{"type": "post.created"}]})),
    )
    .await;
    let mut event_ids = Vec::new();
    for _ in 0..EVENTS {
        let created = admin(
            &client,
            &url,
            "/__mock/events/",
            Some(json!({"type": "post.created"})),
        )
        .await;
        event_ids.push(created["event_id"].as_u64().unwrap());
    }
    receiver.next().await;
    child.kill().await.expect("SIGKILL");
    while receiver.requests.try_recv().is_ok() {}

    receiver.set_plan(|_| Reply::status(200));
    let (mut child, url) = spawn_binary(&db).await;
    let mut delivered = std::collections::BTreeSet::new();
    while delivered.len() < EVENTS as usize {
        delivered.insert(receiver.next().await.event_id());
    }
    assert_eq!(delivered.into_iter().collect::<Vec<_>>(), event_ids);
    // Every delivery ends in exactly one recorded attempt after the restart.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let page = admin(
            &client,
            &url,
            &format!(
                "/api/v2/webhook/endpoint/{}/attempt/?limit=100",
                endpoint["id"]
            ),
            None,
        )
        .await;
        if page["count"] == EVENTS {
            assert!(
                page["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|a| a["http_response_code"] == 200)
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "attempts: {}",
            page["count"]
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().await.unwrap();
}

/// Every event id among the endpoint's attempts (each page of 100 in turn).
async fn attempted_events(
    client: &reqwest::Client,
    url: &str,
    endpoint_id: &Value,
) -> BTreeSet<u64> {
    let mut events = BTreeSet::new();
    let mut offset = 0;
    loop {
        let page = admin(
            client,
            url,
            &format!("/api/v2/webhook/endpoint/{endpoint_id}/attempt/?limit=100&offset={offset}"),
            None,
        )
        .await;
        let results = page["results"].as_array().cloned().unwrap_or_default();
        events.extend(results.iter().filter_map(|a| a["event"]["id"].as_u64()));
        offset += 100;
        if results.is_empty() || page["next"].is_null() {
            return events;
        }
    }
}

#[tokio::test]
async fn kill_9_in_the_middle_of_a_burst_loses_no_event_that_was_answered() {
    const CONNECTIONS: usize = 32;
    const KILL_AFTER: usize = 300;
    let scratch = ScratchDir::new("kill9-burst");
    let db = scratch.db();
    let mut receiver = Receiver::healthy().await;
    let (mut child, url) = spawn_binary(&db).await;
    let client = reqwest::Client::new();
    let endpoint = admin(
        &client,
        &url,
        "/api/v2/webhook/endpoint/",
        Some(json!({"target": receiver.url, "events": [{"type": "post.created"}]})),
    )
    .await;
    // The burst: every connection posts the next event as soon as the last is answered, so the
    // writer is committing batch after batch when the server is killed.
    let answered: Arc<Mutex<BTreeSet<u64>>> = Arc::default();
    let (enough, mut enough_yet) = tokio::sync::watch::channel(false);
    let mut posting = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, url) = (client.clone(), url.clone());
        let (answered, enough) = (Arc::clone(&answered), enough.clone());
        posting.push(tokio::spawn(async move {
            loop {
                let sent = client
                    .post(format!("{url}/__mock/events/"))
                    .bearer_auth(ADMIN_TOKEN)
                    .json(&json!({"type": "post.created"}))
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                assert_eq!(response.status(), 201);
                let Ok(created) = response.json::<Value>().await else {
                    break;
                };
                let mut answered = answered.lock().unwrap();
                answered.insert(created["event_id"].as_u64().unwrap());
                if answered.len() >= KILL_AFTER {
                    enough.send_replace(true);
                }
            }
        }));
    }
    enough_yet.wait_for(|enough| *enough).await.unwrap();
    child.kill().await.expect("SIGKILL");
    for task in posting {
        task.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() >= KILL_AFTER);

    let (mut child, url) = spawn_binary(&db).await;
    // Each answered event reaches the receiver (before the kill or after the restart)...
    let mut delivered = BTreeSet::new();
    while !answered.is_subset(&delivered) {
        delivered.insert(receiver.next().await.event_id());
    }
    // ...and ends in a recorded successful attempt.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let attempted = attempted_events(&client, &url, &endpoint["id"]).await;
        if answered.is_subset(&attempted) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} answered events have no attempt",
            answered.difference(&attempted).count()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().await.unwrap();
}

#[tokio::test]
async fn a_graceful_stop_finishes_and_records_the_sends_in_flight() {
    let scratch = ScratchDir::new("drain");
    let db = scratch.db();
    let mut receiver =
        Receiver::start(|_| Reply::status(200).after(Duration::from_millis(400))).await;
    let server = TestServer::on_file(&db).await;
    let endpoint = server
        .create_endpoint(&receiver.url, &["post.created"])
        .await;
    server.trigger("post.created").await;
    receiver.next().await;
    server.stop().await;

    let server = TestServer::on_file(&db).await;
    let attempts = server.attempts(endpoint["id"].as_u64().unwrap()).await;
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["http_response_code"], 200);
    let again = tokio::time::timeout(Duration::from_millis(500), receiver.requests.recv()).await;
    assert!(
        again.is_err(),
        "a delivery recorded before the stop was sent again"
    );
    server.stop().await;
}

#[tokio::test]
async fn sigterm_drains_the_sends_in_flight_before_the_process_exits() {
    let scratch = ScratchDir::new("sigterm");
    let db = scratch.db();
    let mut receiver =
        Receiver::start(|_| Reply::status(200).after(Duration::from_millis(500))).await;
    let (mut child, url) = spawn_binary(&db).await;
    let client = reqwest::Client::new();
    let endpoint = admin(
        &client,
        &url,
        "/api/v2/webhook/endpoint/",
        Some(json!({"target": receiver.url, "events": [{"type": "post.created"}]})),
    )
    .await;
    admin(
        &client,
        &url,
        "/__mock/events/",
        Some(json!({"type": "post.created"})),
    )
    .await;
    receiver.next().await;
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "{exit}");

    receiver.set_plan(|_| Reply::status(200));
    let (mut child, url) = spawn_binary(&db).await;
    let page = admin(
        &client,
        &url,
        &format!("/api/v2/webhook/endpoint/{}/attempt/", endpoint["id"]),
        None,
    )
    .await;
    assert_eq!(page["count"], 1);
    assert_eq!(page["results"][0]["http_response_code"], 200);
    let again = tokio::time::timeout(Duration::from_millis(500), receiver.requests.recv()).await;
    assert!(again.is_err(), "the drained delivery was sent again");
    child.kill().await.unwrap();
}
