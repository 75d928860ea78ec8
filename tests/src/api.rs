//! [`Api`]: the server under test called directly, to set up data and to check what the app did.

/// Calls the server under test directly (setting up data, checking what the app did).
pub struct Api {
    base_url: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    pub(crate) fn new(base_url: &str, token: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            token: token.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// The same server, called with another bearer token.
    pub fn with_token(&self, token: &str) -> Api {
        Api {
            base_url: self.base_url.clone(),
            token: token.to_owned(),
            http: self.http.clone(),
        }
    }

    /// `method path` with an optional JSON body; the status and the JSON answer (null when empty).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        (status, json)
    }

    /// GET that must succeed.
    pub async fn get(&self, path: &str) -> serde_json::Value {
        let (status, json) = self.call(reqwest::Method::GET, path, None).await;
        assert!((200..300).contains(&status), "GET {path}: {status} {json}");
        json
    }

    /// POST that must succeed.
    pub async fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, json) = self.call(reqwest::Method::POST, path, Some(body)).await;
        assert!((200..300).contains(&status), "POST {path}: {status} {json}");
        json
    }

    /// PUT that must succeed.
    pub async fn put(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, json) = self.call(reqwest::Method::PUT, path, Some(body)).await;
        assert!((200..300).contains(&status), "PUT {path}: {status} {json}");
        json
    }

    /// Empties the store (`seed: false`) or refills it with the demo data.
    pub async fn reset(&self, seed: bool) {
        self.post("/__mock/reset/", serde_json::json!({ "seed": seed }))
            .await;
    }

    /// Creates an endpoint; returns it.
    pub async fn create_endpoint(&self, target: &str, events: &[&str]) -> webhook_api::Endpoint {
        let events: Vec<_> = events
            .iter()
            .map(|t| serde_json::json!({ "type": t }))
            .collect();
        let json = self
            .post(
                "/api/v2/webhook/endpoint/",
                serde_json::json!({ "target": target, "events": events }),
            )
            .await;
        serde_json::from_value(json).expect("an endpoint")
    }

    /// An endpoint as the server has it.
    pub async fn endpoint(&self, id: u64) -> webhook_api::Endpoint {
        serde_json::from_value(self.get(&format!("/api/v2/webhook/endpoint/{id}/")).await)
            .expect("an endpoint")
    }

    /// Triggers an event of `event_type` through the mock route.
    pub async fn trigger(&self, event_type: &str) -> webhook_api::MockEventCreated {
        serde_json::from_value(
            self.post("/__mock/events/", serde_json::json!({ "type": event_type }))
                .await,
        )
        .expect("the created event")
    }

    /// What the sink `name` received, newest first.
    pub async fn sink_requests(&self, name: &str) -> Vec<webhook_api::SinkRequest> {
        serde_json::from_value(self.get(&format!("/__mock/sink/{name}/requests/")).await)
            .expect("sink requests")
    }

    /// The `event_id` of each payload the sink `name` received, in the order it lists them (newest first).
    pub async fn sink_event_ids(&self, name: &str) -> Vec<u64> {
        self.sink_requests(name)
            .await
            .iter()
            .map(|request| {
                let payload: serde_json::Value =
                    serde_json::from_str(&request.body).expect("a JSON payload");
                payload["event_id"]
                    .as_u64()
                    .expect("the payload's event_id")
            })
            .collect()
    }

    /// How the sink `name` answers from now on.
    pub async fn sink_behavior(&self, name: &str, behavior: &webhook_api::SinkBehavior) {
        self.put(
            &format!("/__mock/sink/{name}/behavior/"),
            serde_json::to_value(behavior).expect("json"),
        )
        .await;
    }

    /// The URL of the sink `name` on the server under test.
    pub fn sink_url(&self, name: &str) -> String {
        format!("{}/__mock/sink/{name}/", self.base_url)
    }
}
