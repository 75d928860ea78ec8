//! What the server writes to its logs: one line per request, and never a secret, a password or a
//! token (the real binary, logging at debug level).

use std::{process::Stdio, time::Duration};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, BufReader},
    process::Command,
};

#[tokio::test]
async fn secrets_passwords_and_tokens_never_reach_the_log() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--addr", "127.0.0.1:0", "--db", ":memory:", "--no-seed"])
        .args([
            "--admin-password",
            "correct-horse-battery",
            "--admin-token",
            "static-admin-token-xyz",
        ])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    let url = loop {
        let mut line = String::new();
        stdout.read_line(&mut line).await.unwrap();
        banner.push_str(&line);
        if let Some(url) = line.strip_prefix("mock-server listening on ") {
            break url.trim().to_owned();
        }
    };
    let client = reqwest::Client::new();
    let token = "static-admin-token-xyz";
    let endpoint: Value = client
        .post(format!("{url}/api/v2/webhook/endpoint/"))
        .bearer_auth(token)
        .json(&json!({"target": "https://a.example/", "events": [{"type": "user.created"}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret: Value = client
        .post(format!(
            "{url}/api/v2/webhook/endpoint/{}/secret/reveal/",
            endpoint["id"]
        ))
        .bearer_auth(token)
        .json(&json!({"password": "correct-horse-battery"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issued: Value = client
        .post(format!("{url}/oauth/token/"))
        .form(&[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", "correct-horse-battery"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    child.start_kill().unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    let mut log = banner;
    stdout.read_to_string(&mut log).await.unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .await
        .unwrap();

    assert!(
        log.contains("/secret/reveal/"),
        "one line per request, naming the route:\n{log}"
    );
    let secret = secret["signing_secret"].as_str().unwrap();
    for (what, needle) in [
        ("the signing secret", secret),
        ("the password", "correct-horse-battery"),
        ("the static admin token", token),
        ("an issued token", issued["access_token"].as_str().unwrap()),
        ("a refresh token", issued["refresh_token"].as_str().unwrap()),
    ] {
        assert!(!log.contains(needle), "{what} is in the log");
    }
}
