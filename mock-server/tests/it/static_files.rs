//! `--static-dir`: the built app, with the security headers on every file (issue 7).

use std::path::Path;

use reqwest::{Method, header};

use crate::common::{ScratchDir, TestServer, config};

const POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

fn page(policy: &str) -> String {
    format!(
        "<!doctype html>\n<html><head>\n<meta charset=\"utf-8\" />\n<meta\n  http-equiv=\"Content-Security-Policy\"\n  content=\"{policy}\"\n/>\n<title>t</title></head><body></body></html>\n"
    )
}

fn site(name: &str, index: &str) -> ScratchDir {
    let dir = ScratchDir::new(&format!("static-{name}"));
    std::fs::write(dir.path().join("index.html"), index).unwrap();
    std::fs::write(dir.path().join("app.js"), "export default 1;\n").unwrap();
    dir
}

async fn serving(dir: &Path) -> TestServer {
    let mut config = config();
    config.static_dir = Some(dir.to_owned());
    TestServer::with(config).await
}

async fn headers_of(server: &TestServer, path: &str) -> header::HeaderMap {
    let response = server.request(Method::GET, path).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.headers().clone()
}

fn policy_of(headers: &header::HeaderMap) -> &str {
    headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap()
}

#[tokio::test]
async fn the_page_is_served_with_its_own_policy_plus_frame_ancestors_none() {
    let site = site("policy", &page(POLICY));
    let server = serving(site.path()).await;
    let headers = headers_of(&server, "/").await;
    assert_eq!(
        policy_of(&headers),
        format!("{POLICY}; frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn every_file_and_app_route_carries_the_security_headers() {
    let site = site("every", &page(POLICY));
    let server = serving(site.path()).await;
    for path in ["/", "/index.html", "/app.js", "/endpoints/7/attempts"] {
        let headers = headers_of(&server, path).await;
        assert_eq!(
            policy_of(&headers),
            format!("{POLICY}; frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    }
}

#[tokio::test]
async fn the_header_follows_the_page_when_it_is_rebuilt() {
    let site = site("rebuilt", &page(POLICY));
    let server = serving(site.path()).await;
    headers_of(&server, "/").await;
    let widened = format!("{POLICY} https://community.example.org");
    std::fs::write(site.path().join("index.html"), page(&widened)).unwrap();
    assert_eq!(
        policy_of(&headers_of(&server, "/app.js").await),
        format!("{widened}; frame-ancestors 'none'")
    );
}

#[tokio::test]
async fn a_page_without_a_policy_still_forbids_framing() {
    let site = site("none", "<!doctype html><title>t</title>");
    let server = serving(site.path()).await;
    let headers = headers_of(&server, "/").await;
    assert_eq!(policy_of(&headers), "frame-ancestors 'none'");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

/// The repository's own `index.html` (trunk copies its `<meta>` unchanged into `dist/`).
#[tokio::test]
async fn the_consoles_index_html_policy_reaches_the_header() {
    let index =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../index.html"))
            .unwrap();
    let site = site("console", &index);
    let server = serving(site.path()).await;
    let policy = policy_of(&headers_of(&server, "/").await).to_owned();
    let meta = index
        .split("http-equiv=\"Content-Security-Policy\"")
        .nth(1)
        .and_then(|after| after.split("content=\"").nth(1))
        .and_then(|content| content.split('"').next())
        .expect("index.html carries a Content-Security-Policy meta tag");
    for directive in meta.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        assert!(policy.contains(directive), "{directive} is not in {policy}");
    }
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(policy.ends_with("; frame-ancestors 'none'"), "{policy}");
}

#[tokio::test]
async fn api_paths_under_a_static_dir_stay_the_apis_404() {
    let site = site("api", &page(POLICY));
    let server = serving(site.path()).await;
    let response = server
        .request(Method::GET, "/api/v2/nothing/")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "not_found");
}
