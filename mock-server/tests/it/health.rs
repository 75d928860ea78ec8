//! `GET /health` answers without a token.

use mock_server::Config;
use tokio::net::TcpListener;

#[tokio::test]
async fn health_answers_ok_without_auth() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mock_server::run(listener, Config::defaults(), async {
        let _ = stopped.await;
    }));

    let response = reqwest::get(format!("http://{addr}/health")).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}
