//! `--block-private-targets`: endpoints and deliveries to non-public addresses are refused (issue 7);
//! off by default. `--resolve HOST=IP` stands in for DNS answers.

use std::time::Duration;

use mock_server::{Config, targets::HostOverride};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{
    ScratchDir, TestServer, config, delivery_config, error_of, field_codes,
    receiver::{Receiver, Reply},
};

const ENDPOINTS: &str = "/api/v2/webhook/endpoint/";

fn overrides(entries: &[&str]) -> Vec<HostOverride> {
    entries.iter().map(|entry| entry.parse().unwrap()).collect()
}

fn blocking(resolve: &[&str]) -> Config {
    let mut config = config();
    config.block_private_targets = true;
    config.resolve = overrides(resolve);
    config
}

async fn create(server: &TestServer, target: &str) -> reqwest::Response {
    server
        .post(
            ENDPOINTS,
            &json!({"target": target, "events": [{"type": "post.created"}]}),
        )
        .await
}

/// The messages about `target` of a 400, failing the test for any other answer.
async fn target_refusal(response: reqwest::Response) -> String {
    let (status, body) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(field_codes(&body, "target"), ["invalid"], "{body}");
    body["errors"][0]["messages"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn non_public_targets_are_accepted_by_default() {
    let server = TestServer::start().await;
    for target in [
        "http://10.0.0.1/hook",
        "http://localhost:9/",
        "http://[::1]/",
    ] {
        assert_eq!(
            create(&server, target).await.status(),
            StatusCode::CREATED,
            "{target}"
        );
    }
}

#[tokio::test]
async fn create_refuses_a_target_in_each_non_public_range() {
    let server = TestServer::with(blocking(&[])).await;
    for (target, kind) in [
        ("http://127.0.0.1:8000/hook", "a loopback address"),
        ("http://[::1]/", "a loopback address"),
        ("http://2130706433/", "a loopback address"),
        ("http://0x7f.1/", "a loopback address"),
        ("http://10.20.30.40/", "a private address"),
        ("http://172.16.0.1/", "a private address"),
        ("http://172.31.255.254/", "a private address"),
        ("https://192.168.1.10/hook", "a private address"),
        ("http://[fd12:3456::1]/", "a unique local address"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "a link-local address",
        ),
        ("http://[fe80::1]/", "a link-local address"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://100.127.255.254/", "carrier-grade NAT"),
        ("http://0.0.0.0/", "the unspecified address"),
        ("http://[::]/", "the unspecified address"),
        ("http://0.1.2.3/", "this network"),
        ("http://255.255.255.255/", "the broadcast address"),
        ("http://192.0.2.1/", "a documentation address"),
        ("http://198.51.100.7/", "a documentation address"),
        ("http://203.0.113.9/", "a documentation address"),
        ("http://[2001:db8::1]/", "a documentation address"),
        ("http://198.18.0.1/", "a benchmarking address"),
        ("http://[2001:2::1]/", "a benchmarking address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://[ff02::1]/", "a multicast address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://192.0.0.8/", "IETF protocols"),
        ("http://[::ffff:127.0.0.1]/", "a loopback address"),
        ("http://[::ffff:10.0.0.1]/", "a private address"),
        ("http://[64:ff9b::a9fe:a9fe]/", "a link-local address"),
        ("http://[2002:c0a8:101::1]/", "a private address"),
    ] {
        let message = target_refusal(create(&server, target).await).await;
        assert!(
            message.starts_with("Targets on non-public addresses are refused: ")
                && message.contains(kind),
            "{target}: {message}"
        );
    }
}

#[tokio::test]
async fn public_addresses_are_accepted_while_blocking() {
    let server = TestServer::with(blocking(&[])).await;
    for target in [
        "https://93.184.216.34/hook",
        "http://[2606:4700:4700::1111]/",
        "http://[::ffff:8.8.8.8]/",
    ] {
        assert_eq!(
            create(&server, target).await.status(),
            StatusCode::CREATED,
            "{target}"
        );
    }
}

#[tokio::test]
async fn put_and_patch_refuse_a_non_public_target() {
    let server = TestServer::with(blocking(&[])).await;
    let endpoint = server
        .create_endpoint("https://93.184.216.34/hook", &["post.created"])
        .await;
    let path = format!("{ENDPOINTS}{}/", endpoint["id"]);
    let put = server
        .send_json(
            Method::PUT,
            &path,
            &json!({"target": "http://192.168.0.1/", "events": [{"type": "post.created"}]}),
        )
        .await;
    assert!(
        target_refusal(put)
            .await
            .contains("192.168.0.1 is a private address")
    );
    let patch = server
        .send_json(
            Method::PATCH,
            &path,
            &json!({"target": "http://[::1]:8000/"}),
        )
        .await;
    assert!(
        target_refusal(patch)
            .await
            .contains("::1 is a loopback address")
    );
    assert_eq!(
        server.get_json(&path).await["target"],
        "https://93.184.216.34/hook"
    );
}

#[tokio::test]
async fn localhost_names_are_refused_without_asking_dns() {
    let server = TestServer::with(blocking(&[])).await;
    for target in [
        "http://localhost:8000/",
        "http://LOCALHOST./hook",
        "http://console.localhost/",
    ] {
        let message = target_refusal(create(&server, target).await).await;
        assert!(
            message.contains("is a name for a loopback address"),
            "{target}: {message}"
        );
    }
}

#[tokio::test]
async fn a_name_that_resolves_to_a_private_address_is_refused_at_write() {
    let server = TestServer::with(blocking(&["intranet.test=10.1.2.3"])).await;
    let message = target_refusal(create(&server, "https://intranet.test/hook").await).await;
    assert_eq!(
        message,
        "Targets on non-public addresses are refused: intranet.test resolves to 10.1.2.3, a private address."
    );
}

#[tokio::test]
async fn a_name_with_one_private_address_among_public_ones_is_refused() {
    let server = TestServer::with(blocking(&[
        "mixed.test=93.184.216.34",
        "mixed.test=2606:4700::1",
        "mixed.test=fd00::7",
    ]))
    .await;
    let message = target_refusal(create(&server, "https://mixed.test/").await).await;
    assert!(
        message.contains("mixed.test resolves to fd00::7"),
        "{message}"
    );
}

#[tokio::test]
async fn a_name_that_resolves_only_to_public_addresses_is_accepted() {
    let server = TestServer::with(blocking(&["public.test=93.184.216.34"])).await;
    assert_eq!(
        create(&server, "https://public.test/hook").await.status(),
        StatusCode::CREATED
    );
}

/// A delivery server on the file `db` with one retry after `schedule` seconds.
fn on_file(db: &std::path::Path, schedule: &str, block: bool, resolve: &[&str]) -> Config {
    let mut config = delivery_config(schedule, Duration::from_secs(5));
    config.db = db.to_str().unwrap().to_owned();
    config.block_private_targets = block;
    config.resolve = overrides(resolve);
    config
}

/// Creates an endpoint for `target` while nothing is blocked, then restarts the server on the same
/// store with `--block-private-targets`, as when the flag is turned on for an existing store (or a
/// name's DNS answer changes after the endpoint was written).
/// The scratch dir holds the store: keep it until the server has stopped.
async fn stored_then_blocked(
    name: &str,
    target: &str,
    schedule: &str,
) -> (ScratchDir, TestServer, u64) {
    let scratch = ScratchDir::new(&format!("private-{name}"));
    let db = scratch.db();
    let resolve = ["receiver.test=127.0.0.1"];
    let open = TestServer::with(on_file(&db, schedule, false, &resolve)).await;
    let endpoint = open.create_endpoint(target, &["post.created"]).await;
    open.stop().await;
    let blocked = TestServer::with(on_file(&db, schedule, true, &resolve)).await;
    (scratch, blocked, endpoint["id"].as_u64().unwrap())
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_name_overridden_to_a_local_receiver_is_delivered_there_when_not_blocking() {
    let scratch = ScratchDir::new("private-override");
    let server = TestServer::with(on_file(
        &scratch.db(),
        "60",
        false,
        &["receiver.test=127.0.0.1"],
    ))
    .await;
    let mut receiver = Receiver::healthy().await;
    let target = format!("http://receiver.test:{}/hook", port_of(&receiver.url));
    let endpoint = server.create_endpoint(&target, &["post.created"]).await;
    server.trigger("post.created").await;
    receiver.next().await;
    let attempts = server
        .wait_for_attempts(endpoint["id"].as_u64().unwrap(), 1)
        .await;
    assert_eq!(attempts[0]["http_response_code"], 200);
}

#[tokio::test]
async fn a_delivery_to_a_name_resolving_to_loopback_is_refused_and_recorded_as_other() {
    let mut receiver = Receiver::healthy().await;
    let target = format!("http://receiver.test:{}/hook", port_of(&receiver.url));
    let (_scratch, server, id) = stored_then_blocked("name", &target, "60").await;
    server.trigger("post.created").await;
    let attempts = server.wait_for_attempts(id, 1).await;
    assert_eq!(attempts[0]["error"], "other");
    assert_eq!(attempts[0]["http_response_code"], Value::Null);
    assert_eq!(attempts[0]["http_response_body"], Value::Null);
    assert!(
        receiver.requests.try_recv().is_err(),
        "the receiver got a request"
    );
}

#[tokio::test]
async fn a_delivery_to_a_loopback_address_in_the_url_is_refused_and_recorded_as_other() {
    let mut receiver = Receiver::start(|_| Reply::status(200)).await;
    let (_scratch, server, id) = stored_then_blocked("literal", &receiver.url, "60").await;
    server.trigger("post.created").await;
    let attempts = server.wait_for_attempts(id, 1).await;
    assert_eq!(attempts[0]["error"], "other");
    assert_eq!(attempts[0]["http_response_code"], Value::Null);
    assert!(
        receiver.requests.try_recv().is_err(),
        "the receiver got a request"
    );
}

#[tokio::test]
async fn a_refused_delivery_is_retried_by_the_schedule_and_then_given_up() {
    let receiver = Receiver::healthy().await;
    let (_scratch, server, id) = stored_then_blocked("retries", &receiver.url, "0.05").await;
    server.trigger("post.created").await;
    let attempts = server.wait_for_attempts(id, 2).await;
    assert!(attempts[0]["next_retry"].is_string());
    assert_eq!(attempts[1]["error"], "other");
    assert_eq!(attempts[1]["next_retry"], Value::Null);
}

/// The binary reads the switch and the overrides from the environment (`MOCK_BLOCK_PRIVATE_TARGETS=1`).
#[tokio::test]
async fn the_binary_takes_the_switch_and_overrides_from_the_environment() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--addr", "127.0.0.1:0", "--db", ":memory:"])
        .env("MOCK_NO_SEED", "yes")
        .env("MOCK_BLOCK_PRIVATE_TARGETS", "1")
        .env("MOCK_RESOLVE", "a.test=93.184.216.34,b.test=10.9.8.7")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the mock-server binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
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
    let create = |target: &str| {
        reqwest::Client::new()
            .post(format!("{url}{ENDPOINTS}"))
            .bearer_auth(crate::common::ADMIN_TOKEN)
            .json(&json!({"target": target, "events": [{"type": "post.created"}]}))
            .send()
    };
    assert_eq!(
        create("http://a.test/").await.unwrap().status(),
        StatusCode::CREATED
    );
    let message = target_refusal(create("http://b.test/").await.unwrap()).await;
    assert!(message.contains("b.test resolves to 10.9.8.7"), "{message}");
    child.kill().await.unwrap();
}
