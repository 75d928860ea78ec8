//! `cargo xtask bench render`: how fast the built console renders in headless Chromium, and how much
//! memory it holds. Not a test: it prints figures (Markdown) for BENCHMARKS.md.
//!
//! Usage: `render_bench <dist>` where `<dist>` is a release build of the app made with the `bench`
//! feature (`trunk build --release --features bench --dist <dist>`); the feature adds the hooks of
//! `app/src/bench.rs` that render the app's own table components from JSON text. The bench writes its
//! files into `<dist>/bench/`: the plain-JavaScript baseline page (`tests/bench/baseline.js`) and the
//! JSON both sides render.
//!
//! A mock-server in this process (release build, in-memory store, no demo data) holds 10,000
//! endpoints and one endpoint with 1,000 delivery attempts, all created through the API.
//!
//! 1. First table: navigation start (`performance.now()` is 0 there) to the endpoint table's rows in
//!    the DOM (a MutationObserver installed before the page's own scripts records the time), `/endpoints`,
//!    10 loads with the HTTP cache and 10 with it disabled.
//! 2. Attempts: navigation start to the 100 rows of `/endpoints/<id>/attempts?size=100`, 10 loads; and
//!    the app's attempts table rendering the same 100 attempts from JSON (the hook), 10 runs.
//! 3. 1,000 rows: the baseline page building the endpoint table from the JSON, and the app's
//!    `EndpointTable` rendering the same JSON, alternately, 10 runs each on a fresh page: the time from
//!    having the JSON text to the rows in the DOM with layout done (`offsetHeight`), and to the next
//!    task (whatever the first render queued has run).
//! 4. Memory after the 1,000-row page: Chromium's `Performance.getMetrics` after a forced garbage
//!    collection (JS heap used and total) with the wasm memory's size and the elements in the document.
//!    (Chromium's `Nodes` metric counts every node the renderer process holds, earlier pages' too.)

use std::{path::PathBuf, time::Duration};

use e2e::{Chromedriver, TestServer, devtools};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

const ENDPOINTS: usize = 10_000;
const ATTEMPTS: u64 = 1_000;
const LOADS: usize = 10;
const TOKEN: &str = "dev-admin-token";

/// Installed in every document before its scripts: records when each table's rows are first in the DOM.
const MARK_ROWS_JS: &str = r#"
window.__rows = {};
const watched = [["endpoints", ".endpoints-table tbody tr"], ["attempts", ".attempts-table tbody tr"]];
new MutationObserver(() => {
  for (const [name, css] of watched) {
    if (window.__rows[name] === undefined) {
      const rows = document.querySelectorAll(css).length;
      if (rows > 0) window.__rows[name] = { at: performance.now(), rows };
    }
  }
}).observe(document, { subtree: true, childList: true });
"#;

/// Waits for the rows of table `name` and answers when they came, with the resource timings.
const WAIT_FOR_ROWS_JS: &str = r#"
const [name, done] = arguments;
const answer = () => done({
  rows: window.__rows[name],
  resources: performance.getEntriesByType("resource").map((r) => ({ name: r.name, start: r.startTime, end: r.responseEnd })),
});
if (window.__rows[name]) { answer(); return; }
new MutationObserver((_, observer) => {
  if (window.__rows[name]) { observer.disconnect(); answer(); }
}).observe(document, { subtree: true, childList: true });
"#;

/// Renders the JSON at `url` with `side` ("app": the app's hook `hook`, or "baseline") into a new
/// element and times it.
const TIME_RENDER_JS: &str = r#"
const [side, hook, url, done] = arguments;
(async () => {
  const text = await (await fetch(url)).text();
  let render;
  if (side === "app") {
    const glue = await import(document.querySelector("script[data-js]").dataset.js);
    await glue.default();
    render = glue[hook];
  } else {
    render = window.buildEndpointTable;
  }
  const parent = document.createElement("div");
  document.body.append(parent);
  const start = performance.now();
  render(parent, text);
  parent.offsetHeight;
  const built = performance.now();
  await new Promise((resolve) => { const channel = new MessageChannel(); channel.port1.onmessage = resolve; channel.port2.postMessage(0); });
  parent.offsetHeight;
  const settled = performance.now();
  done({ built: built - start, settled: settled - start, rows: parent.querySelectorAll("tbody tr").length });
})().catch((e) => done({ error: String(e) }));
"#;

/// The wasm memory's size in bytes (0 on a page without the app).
const WASM_MEMORY_JS: &str = r#"
const done = arguments[0];
const tag = document.querySelector("script[data-js]");
if (!tag) { done(0); return; }
import(tag.dataset.js).then((glue) => glue.default()).then((wasm) => done(wasm.memory.buffer.byteLength), () => done(0));
"#;

#[tokio::main]
async fn main() {
    let dist = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: render_bench <dist built with --features bench>"),
    );
    assert!(
        dist.join("index.html").is_file(),
        "{} holds no built app",
        dist.display()
    );
    let static_dir = dist.clone();
    let server = TestServer::start_with(move |config| {
        config.static_dir = Some(static_dir);
        config.no_seed = true;
    })
    .await;
    let base = server.url.clone();
    let http = reqwest::Client::new();

    println!("==> creating {ENDPOINTS} endpoints and {ATTEMPTS} attempts through the API");
    let started = std::time::Instant::now();
    create_endpoints(&http, &base).await;
    let attempts_endpoint = create_attempts(&http, &base).await;
    println!("    took {:.1} s", started.elapsed().as_secs_f64());
    write_bench_files(&http, &base, &dist, attempts_endpoint).await;

    let driver = Chromedriver::start();
    let client = driver.connect().await;
    let port = driver.port();
    let cdp = |cmd: &'static str, params: Value| {
        let client = client.clone();
        async move { devtools(&client, port, cmd, params).await }
    };
    cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": MARK_ROWS_JS }),
    )
    .await;
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(60)),
            None,
        ))
        .await
        .expect("timeouts");
    sign_in(&client, &base).await;
    let version = cdp("Browser.getVersion", json!({})).await;
    println!(
        "browser: {}",
        version["product"].as_str().unwrap_or("unknown")
    );

    println!("\n==> first table: navigation start to the rows of /endpoints ({LOADS} loads each)");
    println!(
        "| HTTP cache | median ms | min ms | max ms | rows | wasm fetched (median ms) | list API answered (median ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for cache in [true, false] {
        cdp(
            "Network.setCacheDisabled",
            json!({ "cacheDisabled": !cache }),
        )
        .await;
        let loads = load_rows(&client, &format!("{base}/endpoints"), "endpoints").await;
        print_load_row(if cache { "on" } else { "off" }, &loads);
    }
    cdp(
        "Network.setCacheDisabled",
        json!({ "cacheDisabled": false }),
    )
    .await;

    println!(
        "\n==> attempts: navigation start to the rows of /endpoints/{attempts_endpoint}/attempts?size=100 ({LOADS} loads)"
    );
    println!(
        "| HTTP cache | median ms | min ms | max ms | rows | wasm fetched (median ms) | list API answered (median ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let loads = load_rows(
        &client,
        &format!("{base}/endpoints/{attempts_endpoint}/attempts?size=100"),
        "attempts",
    )
    .await;
    print_load_row("on", &loads);

    println!("\n==> rendering from JSON text ({LOADS} runs each, a fresh page for each run)");
    println!(
        "| what | rows | built: median ms | min ms | max ms | settled: median ms | min ms | max ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let app_page = format!("{base}/bench-blank");
    let baseline_page = format!("{base}/bench/baseline.html");
    let attempts_runs = render_runs(
        &client,
        &app_page,
        "app",
        "bench_render_attempts",
        "/bench/attempts-100.json",
    )
    .await;
    print_render_row("app: attempts table, 100 attempts", &attempts_runs);
    let mut app = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..LOADS {
        baseline.push(
            render_once(
                &client,
                &baseline_page,
                "baseline",
                "",
                "/bench/endpoints-1000.json",
            )
            .await,
        );
        app.push(
            render_once(
                &client,
                &app_page,
                "app",
                "bench_render_endpoints",
                "/bench/endpoints-1000.json",
            )
            .await,
        );
    }
    print_render_row(
        "plain JavaScript: endpoint table, 1,000 endpoints",
        &baseline,
    );
    print_render_row("app: endpoint table, 1,000 endpoints", &app);
    let ratio = |pick: fn(&Render) -> f64| {
        median(app.iter().map(pick).collect()) / median(baseline.iter().map(pick).collect())
    };
    println!(
        "\napp / plain JavaScript (medians): built {:.2}x, settled {:.2}x",
        ratio(|r| r.built),
        ratio(|r| r.settled)
    );

    println!("\n==> memory after the page rendered its table (forced GC first)");
    println!(
        "| page | JS heap used MB | JS heap total MB | wasm memory MB | elements in the document |"
    );
    println!("|---|---:|---:|---:|---:|");
    // Each page as the runs above left it: the last run rendered 1,000 rows.
    render_once(
        &client,
        &baseline_page,
        "baseline",
        "",
        "/bench/endpoints-1000.json",
    )
    .await;
    print_memory_row(
        "plain JavaScript, 1,000 endpoints",
        &memory(&client, &cdp).await,
    );
    render_once(
        &client,
        &app_page,
        "app",
        "bench_render_endpoints",
        "/bench/endpoints-1000.json",
    )
    .await;
    print_memory_row("app, 1,000 endpoints", &memory(&client, &cdp).await);
    load_rows_once(&client, &format!("{base}/endpoints"), "endpoints").await;
    print_memory_row(
        "app, /endpoints (20 rows, as shipped)",
        &memory(&client, &cdp).await,
    );

    let _ = client.close().await;
    drop(driver);
    server.stop().await;
}

/// 10,000 endpoints like `cargo xtask bench api` creates, over one connection.
async fn create_endpoints(http: &reqwest::Client, base: &str) {
    let types = [
        "post.created",
        "comment.created",
        "user.created",
        "vote.created",
    ];
    for i in 0..ENDPOINTS {
        let body = json!({
            "target": format!("https://hooks{i}.example.com/webhooks/selfcommunity"),
            "description": format!("Integration number {i}"),
            "is_active": i % 7 != 0,
            "events": [{ "type": types[i % 4] }, { "type": types[(i + 1) % 4] }],
        });
        post(http, base, "/api/v2/webhook/endpoint/", body).await;
    }
}

/// One endpoint on the mock-server's sink with `ATTEMPTS` delivered events; its id.
async fn create_attempts(http: &reqwest::Client, base: &str) -> u64 {
    // A type no other endpoint subscribes to, so that only this one receives the events.
    let event_type = "category.follow";
    let endpoint = post(
        http,
        base,
        "/api/v2/webhook/endpoint/",
        json!({
            "target": format!("{base}/__mock/sink/bench/"),
            "description": "Bench: a thousand attempts",
            "events": [{ "type": event_type }],
        }),
    )
    .await;
    let id = endpoint["id"].as_u64().expect("an endpoint id");
    for _ in 0..ATTEMPTS {
        post(http, base, "/__mock/events/", json!({ "type": event_type })).await;
    }
    // The delivery worker records the attempts as the sink answers: wait for the last of them.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let page = get(
            http,
            base,
            &format!("/api/v2/webhook/endpoint/{id}/attempt/?limit=1"),
        )
        .await;
        if page["count"].as_u64() >= Some(ATTEMPTS) {
            return id;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {} attempts after 2 min",
            page["count"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The JSON both sides render and the baseline page, into `<dist>/bench/`.
async fn write_bench_files(http: &reqwest::Client, base: &str, dist: &std::path::Path, id: u64) {
    let dir = dist.join("bench");
    std::fs::create_dir_all(&dir).expect("create the bench dir");
    let mut endpoints = Vec::new();
    for offset in (0..1000).step_by(100) {
        let page = get(
            http,
            base,
            &format!("/api/v2/webhook/endpoint/?limit=100&offset={offset}"),
        )
        .await;
        endpoints.extend(page["results"].as_array().expect("results").clone());
    }
    let page =
        json!({ "count": endpoints.len(), "next": null, "previous": null, "results": endpoints });
    std::fs::write(dir.join("endpoints-1000.json"), page.to_string()).expect("write json");
    let attempts = get(
        http,
        base,
        &format!("/api/v2/webhook/endpoint/{id}/attempt/?limit=100"),
    )
    .await;
    std::fs::write(dir.join("attempts-100.json"), attempts.to_string()).expect("write json");

    let baseline_js = e2e::workspace_root().join("tests/bench/baseline.js");
    std::fs::copy(&baseline_js, dir.join("baseline.js")).expect("copy baseline.js");
    // The app's own stylesheet, so that both tables get the same styles and layout.
    let index = std::fs::read_to_string(dist.join("index.html")).expect("index.html");
    let css = index
        .split('"')
        .find(|part| part.ends_with(".css"))
        .expect("a stylesheet in index.html");
    std::fs::write(
        dir.join("baseline.html"),
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>Plain JavaScript baseline</title>\n<link rel=\"stylesheet\" href=\"{css}\">\n\
             <script src=\"/bench/baseline.js\"></script>\n</head>\n<body></body>\n</html>\n"
        ),
    )
    .expect("write baseline.html");
}

async fn post(http: &reqwest::Client, base: &str, path: &str, body: Value) -> Value {
    let response = http
        .post(format!("{base}{path}"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .expect("the server answers");
    assert!(
        response.status().is_success(),
        "POST {path}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

async fn get(http: &reqwest::Client, base: &str, path: &str) -> Value {
    let response = http
        .get(format!("{base}{path}"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the server answers");
    assert!(
        response.status().is_success(),
        "GET {path}: {}",
        response.status()
    );
    response.json().await.expect("json")
}

/// Signs in through the sign-in form, as an admin would.
async fn sign_in(client: &Client, base: &str) {
    client
        .goto(&format!("{base}/sign-in"))
        .await
        .expect("sign-in page");
    let field = |css: &'static str| async move {
        client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    };
    field("#sign-in-username")
        .await
        .send_keys("admin")
        .await
        .expect("type");
    field("#sign-in-password")
        .await
        .send_keys("admin")
        .await
        .expect("type");
    field("form button[type=submit]")
        .await
        .click()
        .await
        .expect("submit");
    field(".user-name").await;
}

/// One page load's figures.
struct Load {
    rows_at: f64,
    rows: u64,
    wasm_fetched: f64,
    list_answered: f64,
}

async fn load_rows(client: &Client, url: &str, table: &str) -> Vec<Load> {
    let mut loads = Vec::new();
    for _ in 0..LOADS {
        loads.push(load_rows_once(client, url, table).await);
    }
    loads
}

async fn load_rows_once(client: &Client, url: &str, table: &str) -> Load {
    client.goto(url).await.expect("navigate");
    let answer = client
        .execute_async(WAIT_FOR_ROWS_JS, vec![table.into()])
        .await
        .expect("the rows show");
    let resource_end = |pick: &dyn Fn(&str) -> bool| {
        answer["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["name"].as_str().is_some_and(pick))
            .filter_map(|r| r["end"].as_f64())
            .fold(f64::NAN, f64::max)
    };
    Load {
        rows_at: answer["rows"]["at"].as_f64().expect("a time"),
        rows: answer["rows"]["rows"].as_u64().unwrap_or(0),
        wasm_fetched: resource_end(&|name| name.ends_with(".wasm")),
        list_answered: resource_end(&|name| {
            name.contains("/api/v2/webhook/endpoint/") && name.contains("limit=")
        }),
    }
}

fn print_load_row(cache: &str, loads: &[Load]) {
    let at: Vec<f64> = loads.iter().map(|l| l.rows_at).collect();
    println!(
        "| {cache} | {:.0} | {:.0} | {:.0} | {} | {:.0} | {:.0} |",
        median(at.clone()),
        at.iter().copied().fold(f64::INFINITY, f64::min),
        at.iter().copied().fold(0.0, f64::max),
        loads[0].rows,
        median(loads.iter().map(|l| l.wasm_fetched).collect()),
        median(loads.iter().map(|l| l.list_answered).collect()),
    );
}

/// One timed render.
struct Render {
    built: f64,
    settled: f64,
    rows: u64,
}

async fn render_runs(
    client: &Client,
    page: &str,
    side: &str,
    hook: &str,
    json: &str,
) -> Vec<Render> {
    let mut runs = Vec::new();
    for _ in 0..LOADS {
        runs.push(render_once(client, page, side, hook, json).await);
    }
    runs
}

async fn render_once(client: &Client, page: &str, side: &str, hook: &str, json: &str) -> Render {
    client.goto(page).await.expect("navigate");
    if side == "app" {
        // The app has started once it has drawn its shell.
        client
            .wait()
            .for_element(Locator::Css("main"))
            .await
            .expect("the app starts");
    }
    let answer = client
        .execute_async(TIME_RENDER_JS, vec![side.into(), hook.into(), json.into()])
        .await
        .expect("the render script runs");
    assert!(answer.get("error").is_none(), "{side}: {answer}");
    Render {
        built: answer["built"].as_f64().expect("a time"),
        settled: answer["settled"].as_f64().expect("a time"),
        rows: answer["rows"].as_u64().unwrap_or(0),
    }
}

fn print_render_row(what: &str, runs: &[Render]) {
    let built: Vec<f64> = runs.iter().map(|r| r.built).collect();
    let settled: Vec<f64> = runs.iter().map(|r| r.settled).collect();
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "| {what} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
        runs[0].rows,
        median(built.clone()),
        min(&built),
        max(&built),
        median(settled.clone()),
        min(&settled),
        max(&settled),
    );
}

/// Chromium's metrics of the current page after a garbage collection, and the wasm memory's size.
async fn memory<F, Fut>(client: &Client, cdp: &F) -> (f64, f64, f64, f64)
where
    F: Fn(&'static str, Value) -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    cdp("HeapProfiler.collectGarbage", json!({})).await;
    cdp("Performance.enable", json!({})).await;
    let metrics = cdp("Performance.getMetrics", json!({})).await;
    cdp("Performance.disable", json!({})).await;
    let metric = |name: &str| {
        metrics["metrics"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["name"] == name)
            .and_then(|m| m["value"].as_f64())
            .unwrap_or(f64::NAN)
    };
    let wasm = client
        .execute_async(WASM_MEMORY_JS, vec![])
        .await
        .expect("wasm memory")
        .as_f64()
        .unwrap_or(0.0);
    (
        metric("JSHeapUsedSize"),
        metric("JSHeapTotalSize"),
        wasm,
        client
            .execute("return document.getElementsByTagName('*').length;", vec![])
            .await
            .expect("count the elements")
            .as_f64()
            .unwrap_or(f64::NAN),
    )
}

fn print_memory_row(page: &str, (used, total, wasm, elements): &(f64, f64, f64, f64)) {
    let mb = |bytes: f64| bytes / 1_048_576.0;
    println!(
        "| {page} | {:.1} | {:.1} | {:.1} | {elements:.0} |",
        mb(*used),
        mb(*total),
        mb(*wasm)
    );
}

fn median(mut values: Vec<f64>) -> f64 {
    values.retain(|v| !v.is_nan());
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}
