//! Lists as Django REST framework's LimitOffsetPagination and OrderingFilter answer them (contract
//! section 5).

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::TestServer;

const ENDPOINTS: &str = "/api/v2/webhook/endpoint/";

/// A server with `n` endpoints; every third inactive, and every fourth updated after creation so that
/// `updated_at` order differs from `created_at` order.
async fn server_with(n: usize) -> TestServer {
    let server = TestServer::start().await;
    for i in 0..n {
        server
            .post(ENDPOINTS, &json!({"target": format!("https://h{i}.example/"), "events": [{"type": "user.created"}], "is_active": i % 3 != 0}))
            .await;
    }
    for id in (1..=n).rev().filter(|id| id % 4 == 0) {
        server
            .send_json(
                Method::PATCH,
                &format!("{ENDPOINTS}{id}/"),
                &json!({"description": "touched"}),
            )
            .await;
    }
    server
}

fn ids(page: &Value) -> Vec<u64> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect()
}

fn host_path(server: &TestServer, path_and_query: &str) -> String {
    format!("{}{path_and_query}", server.url)
}

#[tokio::test]
async fn the_default_page_is_20_newest_first_with_a_next_link() {
    let server = server_with(25).await;
    let page = server.get_json(ENDPOINTS).await;
    assert_eq!(page["count"], 25);
    assert_eq!(ids(&page), (6..=25).rev().collect::<Vec<u64>>());
    assert_eq!(
        page["next"],
        host_path(&server, "/api/v2/webhook/endpoint/?limit=20&offset=20")
    );
    assert_eq!(page["previous"], Value::Null);
}

#[tokio::test]
async fn an_offset_past_the_end_is_an_empty_page_with_a_previous_link() {
    let server = server_with(5).await;
    let page = server
        .get_json(&format!("{ENDPOINTS}?offset=50&limit=10"))
        .await;
    assert_eq!(page["count"], 5);
    assert_eq!(ids(&page), Vec::<u64>::new());
    assert_eq!(page["next"], Value::Null);
    assert_eq!(
        page["previous"],
        host_path(&server, "/api/v2/webhook/endpoint/?limit=10&offset=40")
    );
}

#[tokio::test]
async fn limit_zero_means_the_default() {
    let server = server_with(25).await;
    let page = server.get_json(&format!("{ENDPOINTS}?limit=0")).await;
    assert_eq!(ids(&page).len(), 20);
    assert_eq!(
        page["next"],
        host_path(&server, "/api/v2/webhook/endpoint/?limit=20&offset=20")
    );
}

#[tokio::test]
async fn limit_1000_is_clamped_to_100() {
    let server = server_with(3).await;
    let page = server
        .get_json(&format!("{ENDPOINTS}?limit=1000&offset=1"))
        .await;
    assert_eq!(ids(&page).len(), 2);
    assert_eq!(
        page["previous"],
        host_path(&server, "/api/v2/webhook/endpoint/?limit=100")
    );
}

#[tokio::test]
async fn a_negative_or_invalid_offset_means_zero() {
    let server = server_with(3).await;
    for offset in ["-5", "abc"] {
        let page = server
            .get_json(&format!("{ENDPOINTS}?offset={offset}"))
            .await;
        assert_eq!(ids(&page), vec![3, 2, 1], "{offset}");
        assert_eq!(page["previous"], Value::Null);
    }
}

#[tokio::test]
async fn next_and_previous_walk_the_whole_list_without_overlap_or_gap() {
    let server = server_with(23).await;
    let mut seen = Vec::new();
    let mut url = format!("{}{ENDPOINTS}?limit=5&ordering=is_active", server.url);
    let mut pages = Vec::new();
    loop {
        let page: Value = server
            .client
            .get(&url)
            .bearer_auth(crate::common::ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.extend(ids(&page));
        pages.push(url.clone());
        match page["next"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, (1..=23).collect::<Vec<u64>>());
    assert_eq!(seen.len(), 23);
    assert_eq!(pages.len(), 5);
    assert!(
        pages[1].ends_with("?limit=5&offset=5&ordering=is_active"),
        "{}",
        pages[1]
    );
    let last: Value = server
        .client
        .get(&pages[4])
        .bearer_auth(crate::common::ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        last["previous"].as_str().unwrap(),
        format!(
            "{}{ENDPOINTS}?limit=5&offset=15&ordering=is_active",
            server.url
        )
    );
}

/// Every endpoint, as the ordering key sees it.
async fn all(server: &TestServer) -> Vec<Value> {
    server.get_json(&format!("{ENDPOINTS}?limit=100")).await["results"]
        .as_array()
        .unwrap()
        .clone()
}

fn expected_order(endpoints: &[Value], field: &str, descending: bool) -> Vec<u64> {
    let mut sorted: Vec<&Value> = endpoints.iter().collect();
    sorted.sort_by(|a, b| {
        let key = |e: &Value| (e[field].to_string(), e["id"].as_u64().unwrap());
        let (ka, kb) = (key(a), key(b));
        let ordering = ka.0.cmp(&kb.0).then(ka.1.cmp(&kb.1));
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    sorted.iter().map(|e| e["id"].as_u64().unwrap()).collect()
}

#[tokio::test]
async fn every_ordering_field_sorts_both_ways_with_ties_broken_by_id() {
    let server = server_with(12).await;
    let endpoints = all(&server).await;
    for field in ["created_at", "is_active", "updated_at"] {
        for descending in [false, true] {
            let key = if descending {
                format!("-{field}")
            } else {
                field.to_owned()
            };
            let page = server
                .get_json(&format!("{ENDPOINTS}?limit=100&ordering={key}"))
                .await;
            assert_eq!(
                ids(&page),
                expected_order(&endpoints, field, descending),
                "ordering={key}"
            );
        }
    }
}

#[tokio::test]
async fn several_ordering_keys_apply_in_turn() {
    let server = server_with(9).await;
    let page = server
        .get_json(&format!(
            "{ENDPOINTS}?limit=100&ordering=-is_active,created_at"
        ))
        .await;
    // Active ones first (oldest first among them), then the inactive ones; ties would go by id descending.
    assert_eq!(ids(&page), vec![2, 3, 5, 6, 8, 9, 1, 4, 7]);
}

#[tokio::test]
async fn an_unknown_ordering_falls_back_to_newest_first() {
    let server = server_with(4).await;
    for ordering in ["bogus", "", "-target", "id"] {
        let page = server
            .get_json(&format!("{ENDPOINTS}?ordering={ordering}"))
            .await;
        assert_eq!(ids(&page), vec![4, 3, 2, 1], "{ordering}");
    }
}

#[tokio::test]
async fn unknown_fields_in_an_ordering_are_skipped() {
    let server = server_with(4).await;
    let page = server
        .get_json(&format!("{ENDPOINTS}?ordering=bogus,created_at"))
        .await;
    assert_eq!(ids(&page), vec![1, 2, 3, 4]);
}

#[tokio::test]
async fn the_attempts_list_is_paginated_even_when_empty() {
    let server = server_with(1).await;
    let page = server
        .get_json(&format!(
            "{ENDPOINTS}1/attempt/?ordering=-next_retry&limit=5"
        ))
        .await;
    assert_eq!(
        page,
        json!({"count": 0, "next": null, "previous": null, "results": []})
    );
    let missing = server.get(&format!("{ENDPOINTS}99/attempt/")).await;
    assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_agree_however_the_same_order_is_spelled() {
    // One key is served from memory, several keys by SQL: both must give the same pages.
    let server = server_with(15).await;
    for field in ["created_at", "-updated_at", "is_active", "-is_active"] {
        for offset in [0, 4, 13] {
            let single = server
                .get_json(&format!(
                    "{ENDPOINTS}?limit=4&offset={offset}&ordering={field}"
                ))
                .await;
            let spelled_twice = server
                .get_json(&format!(
                    "{ENDPOINTS}?limit=4&offset={offset}&ordering={field},{field}"
                ))
                .await;
            assert_eq!(
                single["results"], spelled_twice["results"],
                "{field} at {offset}"
            );
            assert_eq!(single["count"], spelled_twice["count"]);
        }
    }
}

#[tokio::test]
async fn attempts_sort_by_every_field_both_ways_with_ties_broken_by_id() {
    // The demo history has attempts with and without next_retry, sent at varied times.
    let mut config = crate::common::config();
    config.no_seed = false;
    // Retries far off: no live attempt joins the history while the test reads it.
    config.retry_schedule =
        mock_server::config::RetrySchedule(vec![std::time::Duration::from_secs(3600); 5]);
    let server = TestServer::with(config).await;
    for endpoint_id in 1..=6 {
        let path = format!("{ENDPOINTS}{endpoint_id}/attempt/?limit=100");
        let all = server.get_json(&path).await["results"]
            .as_array()
            .unwrap()
            .clone();
        for field in ["created_at", "sent_at", "next_retry"] {
            for descending in [false, true] {
                let key = if descending {
                    format!("-{field}")
                } else {
                    field.to_owned()
                };
                let page = server.get_json(&format!("{path}&ordering={key}")).await;
                let mut expected: Vec<&Value> = all.iter().collect();
                expected.sort_by(|a, b| {
                    // Nulls first ascending (SQLite's rule); ISO strings sort as times.
                    let key = |e: &Value| {
                        (
                            e[field].as_str().map(str::to_owned),
                            e["id"].as_u64().unwrap(),
                        )
                    };
                    let ordering = key(a).cmp(&key(b));
                    if descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                });
                let expected: Vec<u64> =
                    expected.iter().map(|a| a["id"].as_u64().unwrap()).collect();
                assert_eq!(
                    ids(&page),
                    expected,
                    "endpoint {endpoint_id} ordering={key}"
                );
            }
        }
    }
}
