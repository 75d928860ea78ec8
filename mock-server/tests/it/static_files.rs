//! `--static-dir`: the built app, with the security headers on every file (issue 7), served like
//! production (issue 15): the build's precompressed files by `Accept-Encoding`, hashed files cached for
//! a year, everything else revalidated by `ETag`, a 404 for a missing file; API answers compressed.

use std::{
    io::Read,
    path::Path,
    time::{Duration, SystemTime},
};

use reqwest::{Method, StatusCode, header};

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

/// The names trunk gives a release build's files.
const WASM: &str = "app-0123456789abcdef_bg.wasm";
const GLUE: &str = "app-0123456789abcdef.js";
const CSS: &str = "main-fedcba9876543210.css";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A release build as trunk and `tools/precompress.mjs` leave it: hashed files with `.br` and `.gz`
/// beside them (their bytes say which they are: the server sends them as they are), and unhashed ones.
fn release_build(name: &str) -> ScratchDir {
    let dir = site(name, &page(POLICY));
    for file in [WASM, GLUE, CSS, "index.html"] {
        if file != "index.html" {
            write(&dir, file, &format!("the {file} itself"));
        }
        write(&dir, &format!("{file}.br"), &format!("brotli of {file}"));
        write(&dir, &format!("{file}.gz"), &format!("gzip of {file}"));
    }
    write(&dir, "boot.js", "import('./app.js');\n");
    write(&dir, "robots.txt", "User-agent: *\nDisallow: /\n");
    dir
}

fn write(dir: &ScratchDir, name: &str, text: &str) {
    std::fs::write(dir.path().join(name), text).unwrap();
}

async fn get(server: &TestServer, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = server.request(Method::GET, path);
    if let Some(accepted) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, accepted);
    }
    request.send().await.unwrap()
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> &str {
    response
        .headers()
        .get(&name)
        .map_or("", |value| value.to_str().unwrap())
}

#[tokio::test]
async fn a_client_that_accepts_brotli_gets_the_builds_brotli_file() {
    let build = release_build("brotli");
    let server = serving(build.path()).await;
    let response = get(
        &server,
        &format!("/{WASM}"),
        Some("gzip, deflate, br, zstd"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "br");
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "application/wasm"
    );
    assert_eq!(header_of(&response, header::VARY), "accept-encoding");
    assert_eq!(response.text().await.unwrap(), format!("brotli of {WASM}"));
}

#[tokio::test]
async fn gzip_goes_to_a_client_that_takes_gzip_but_not_brotli() {
    let build = release_build("gzip");
    let server = serving(build.path()).await;
    for accepted in ["gzip", "br;q=0, gzip", "gzip;q=1, br;q=0.5"] {
        let response = get(&server, &format!("/{GLUE}"), Some(accepted)).await;
        assert_eq!(
            header_of(&response, header::CONTENT_ENCODING),
            "gzip",
            "{accepted}"
        );
        assert_eq!(
            header_of(&response, header::CONTENT_TYPE),
            "text/javascript",
            "{accepted}"
        );
        assert_eq!(response.text().await.unwrap(), format!("gzip of {GLUE}"));
    }
}

#[tokio::test]
async fn a_client_that_takes_no_encoding_gets_the_file_itself() {
    let build = release_build("identity");
    let server = serving(build.path()).await;
    for accepted in [None, Some("identity"), Some("zstd")] {
        let response = get(&server, &format!("/{CSS}"), accepted).await;
        assert_eq!(response.status(), 200, "{accepted:?}");
        assert_eq!(
            header_of(&response, header::CONTENT_ENCODING),
            "",
            "{accepted:?}"
        );
        assert_eq!(header_of(&response, header::VARY), "accept-encoding");
        assert_eq!(response.text().await.unwrap(), format!("the {CSS} itself"));
    }
}

#[tokio::test]
async fn a_compressed_file_older_than_its_file_is_not_sent() {
    let build = release_build("stale");
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for variant in [format!("{GLUE}.br"), format!("{GLUE}.gz")] {
        std::fs::File::options()
            .write(true)
            .open(build.path().join(variant))
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    }
    let server = serving(build.path()).await;
    let response = get(&server, &format!("/{GLUE}"), Some("br, gzip")).await;
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "");
    assert_eq!(response.text().await.unwrap(), format!("the {GLUE} itself"));
}

#[tokio::test]
async fn files_named_by_their_hash_are_cached_for_a_year() {
    let build = release_build("immutable");
    let server = serving(build.path()).await;
    for file in [WASM, GLUE, CSS] {
        let response = get(&server, &format!("/{file}"), Some("br")).await;
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            IMMUTABLE,
            "{file}"
        );
    }
}

#[tokio::test]
async fn the_page_and_unhashed_files_are_revalidated_by_their_etag() {
    let build = release_build("no-cache");
    let server = serving(build.path()).await;
    for path in [
        "/",
        "/index.html",
        "/endpoints/7",
        "/boot.js",
        "/robots.txt",
    ] {
        let response = get(&server, path, Some("br")).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        let tag = header_of(&response, header::ETAG);
        assert!(
            tag.starts_with("W/\"") && tag.ends_with('"'),
            "{path}: {tag}"
        );
    }
    // An app route is the page: the same tag.
    assert_eq!(
        header_of(&get(&server, "/endpoints/7", None).await, header::ETAG),
        header_of(&get(&server, "/", None).await, header::ETAG)
    );
}

#[tokio::test]
async fn a_still_valid_etag_gets_304_without_a_body() {
    let build = release_build("not-modified");
    let server = serving(build.path()).await;
    for path in ["/", "/endpoints/7/attempts", "/boot.js"] {
        let first = get(&server, path, Some("br")).await;
        let tag = header_of(&first, header::ETAG).to_owned();
        let again = server
            .request(Method::GET, path)
            .header(header::ACCEPT_ENCODING, "br")
            .header(header::IF_NONE_MATCH, &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(header_of(&again, header::ETAG), tag, "{path}");
        assert_eq!(
            header_of(&again, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        assert_eq!(header_of(&again, header::VARY), "accept-encoding", "{path}");
        assert_eq!(
            policy_of(again.headers()),
            format!("{POLICY}; frame-ancestors 'none'"),
            "{path}"
        );
        assert!(again.bytes().await.unwrap().is_empty(), "{path}");
    }
    // One of several tags, or any.
    let tag = header_of(&get(&server, "/", None).await, header::ETAG).to_owned();
    for condition in [format!("W/\"0-0\", {tag}"), "*".to_owned()] {
        let response = server
            .request(Method::GET, "/")
            .header(header::IF_NONE_MATCH, condition)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    }
}

#[tokio::test]
async fn a_rebuilt_page_answers_an_old_etag_with_the_new_page() {
    let build = release_build("rebuilt-etag");
    let server = serving(build.path()).await;
    let before = get(&server, "/", None).await;
    let old_tag = header_of(&before, header::ETAG).to_owned();
    let last_modified = header_of(&before, header::LAST_MODIFIED).to_owned();
    let rebuilt = page("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'");
    write(&build, "index.html", &rebuilt);
    // Conditions from before the rebuild: the tag decides, not the date (whole seconds).
    let response = server
        .request(Method::GET, "/endpoints")
        .header(header::IF_NONE_MATCH, &old_tag)
        .header(header::IF_MODIFIED_SINCE, &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_ne!(header_of(&response, header::ETAG), old_tag);
    assert_eq!(response.text().await.unwrap(), rebuilt);
}

#[tokio::test]
async fn robots_txt_is_the_repositorys_and_forbids_everything() {
    let robots =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/robots.txt"))
            .unwrap();
    let build = release_build("robots");
    write(&build, "robots.txt", &robots);
    let server = serving(build.path()).await;
    let response = get(&server, "/robots.txt", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header_of(&response, header::CONTENT_TYPE), "text/plain");
    let body = response.text().await.unwrap();
    let rules: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    assert_eq!(rules, ["User-agent: *", "Disallow: /"]);
}

#[tokio::test]
async fn a_missing_file_is_a_404_not_the_page() {
    let build = release_build("missing");
    let server = serving(build.path()).await;
    for path in [
        "/favicon.ico",
        "/app-ffffffffffffffff.js",
        "/snippets/x/inline0.js",
        "/%2e%2e/Cargo.toml",
        "/a/../../Cargo.toml",
    ] {
        let response = get(&server, path, Some("br")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            header_of(&response, header::CONTENT_TYPE),
            "text/plain; charset=utf-8",
            "{path}"
        );
        assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
        assert_eq!(
            header_of(&response, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff"
        );
    }
    // Paths without an extension are the app's routes.
    for path in [
        "/endpoints/7/attempts",
        "/tools/signature",
        "/no-such-screen",
    ] {
        let response = get(&server, path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(header_of(&response, header::CONTENT_TYPE).starts_with("text/html"));
    }
}

/// The seeded demo data: a list of endpoints well over a kilobyte.
async fn seeded() -> TestServer {
    let mut config = config();
    config.no_seed = false;
    TestServer::with(config).await
}

async fn list(server: &TestServer, accept_encoding: &str) -> reqwest::Response {
    server
        .admin(Method::GET, "/api/v2/webhook/endpoint/?limit=100")
        .header(header::ACCEPT_ENCODING, accept_encoding)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn api_lists_are_compressed_for_a_client_that_accepts_it() {
    let server = seeded().await;
    let plain = list(&server, "identity").await;
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
    let plain = plain.bytes().await.unwrap();
    assert!(plain.len() > mock_server::COMPRESS_FROM_BYTES as usize);

    let response = list(&server, "gzip, deflate, br").await;
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "br");
    assert!(header_of(&response, header::VARY).contains("accept-encoding"));
    let compressed = response.bytes().await.unwrap();
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&compressed[..], 4096)
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
    assert!(
        compressed.len() * 3 < plain.len(),
        "{} of {}",
        compressed.len(),
        plain.len()
    );

    let response = list(&server, "gzip").await;
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "gzip");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&response.bytes().await.unwrap()[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
}

#[tokio::test]
async fn small_api_answers_go_uncompressed() {
    let server = seeded().await;
    let response = server
        .admin(Method::GET, "/api/v2/webhook/endpoint/?limit=1")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "");
    let body = response.bytes().await.unwrap();
    assert!(body.len() < mock_server::COMPRESS_FROM_BYTES as usize);
    serde_json::from_slice::<serde_json::Value>(&body).unwrap();
}
