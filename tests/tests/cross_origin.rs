//! The console signed in to a mock-server on another origin, in Chromium, as the Fetch standard has
//! CORS: `Access-Control-Allow-Headers: *` does not cover `Authorization`. Chromium still tolerates
//! the wildcard by default; `--enable-features=CorsNonWildcardRequestHeadersSupport` makes it follow
//! the standard, as Firefox can already and every browser has announced it will, so a server that
//! answered `*` fails this test.
//!
//! How it gets two origins out of the one release build the suite uses: the API is a mock-server on
//! `http://127.0.0.1:<port A>`; the console is served by a second mock-server and opened as
//! `http://localhost:<port B>` (another host and another port). The build allows fetches to its own
//! origin only, so the test serves a copy of `dist/` whose `index.html` is widened exactly as a build
//! with `CONSOLE_API_ORIGINS=http://127.0.0.1:<port A>` would be: Trunk.toml's post-build hook
//! replaces `connect-src 'self'` by `connect-src 'self' <origins>`, and this test makes the same
//! replacement on the copy (the server sends the policy of the `index.html` it serves, so header and
//! page agree). The person signing in types the API's address under "Another server".

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use e2e::{Chromedriver, TestServer, artifacts_dir, devtools, workspace_root};
use fantoccini::{Client, Locator};

/// Resolves with whether an element matching `css` and containing `text` shows up within `timeout`
/// ms (a MutationObserver reports it; nothing polls).
const WAIT_FOR_TEXT_JS: &str = r#"
const [css, text, timeout, done] = arguments;
const found = () => [...document.querySelectorAll(css)].some((el) => el.textContent.includes(text));
if (found()) { done(true); return; }
const observer = new MutationObserver(() => { if (found()) { observer.disconnect(); clearTimeout(timer); done(true); } });
const timer = setTimeout(() => { observer.disconnect(); done(false); }, timeout);
observer.observe(document, { subtree: true, childList: true, characterData: true });
"#;

/// Records the page's Content-Security-Policy violations (installed before any page script).
const RECORD_CSP_VIOLATIONS_JS: &str = r#"
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.effectiveDirective + " " + e.blockedURI));
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_console_signs_in_to_a_server_on_another_origin() {
    let api = TestServer::start_with(|config| config.static_dir = None).await;
    let dist = widened_dist(&api.url);
    let console = TestServer::start_with(|config| {
        config.static_dir = Some(dist.clone());
        config.no_seed = true;
    })
    .await;
    let console_url = console.url.replace("127.0.0.1", "localhost");
    let driver = Chromedriver::start();
    let profile = std::env::temp_dir().join(format!("e2e-cross-origin-{}", std::process::id()));
    let client = connect(&driver, &profile).await;
    devtools(
        &client,
        driver.port(),
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": RECORD_CSP_VIOLATIONS_JS }),
    )
    .await;

    let outcome = tokio::spawn(tokio::time::timeout(
        Duration::from_secs(120),
        sign_in(client.clone(), console_url, api.url.clone()),
    ))
    .await;
    if !matches!(outcome, Ok(Ok(()))) {
        let png = client.screenshot().await.unwrap_or_default();
        let _ = std::fs::write(artifacts_dir().join("cross-origin-failure.png"), png);
    }
    let _ = client.close().await;
    drop(driver);
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_dir_all(&dist);
    console.stop().await;
    api.stop().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("signing in across origins took longer than 120 s"),
        Err(join_error) => std::panic::resume_unwind(join_error.into_panic()),
    }
}

async fn sign_in(client: Client, console_url: String, api_url: String) {
    client
        .goto(&format!("{console_url}/sign-in"))
        .await
        .expect("open the sign-in page");
    wait_for_text(&client, "main h1", "Sign in").await;
    client
        .find(Locator::Css("details.advanced summary"))
        .await
        .expect("the Another server section")
        .click()
        .await
        .expect("open it");
    for (css, text) in [
        ("#sign-in-server", api_url.as_str()),
        ("#sign-in-username", "admin"),
        ("#sign-in-password", "admin"),
    ] {
        client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }
    client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("the submit button")
        .click()
        .await
        .expect("submit");
    // `/api/v2/user/me/` carries Authorization: signed in means its preflight was answered right.
    wait_for_text(&client, ".user-name", "admin").await;
    // The endpoint list comes from the other origin's demo data, with the token.
    wait_for_text(&client, "main", "CRM sync").await;
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(artifacts_dir().join("cross-origin-signed-in.png"), png).expect("write");
    let violations = client
        .execute("return window.__violations;", vec![])
        .await
        .expect("read the violations");
    assert_eq!(violations, serde_json::json!([]), "CSP violations");
}

async fn wait_for_text(client: &Client, css: &str, text: &str) {
    let found = client
        .execute_async(
            WAIT_FOR_TEXT_JS,
            vec![css.into(), text.into(), 20_000.into()],
        )
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"));
    assert_eq!(
        found,
        serde_json::Value::Bool(true),
        "no `{css}` shows `{text}` within 20 s"
    );
}

/// A Chromium session that applies the Fetch standard's rule for `Access-Control-Allow-Headers: *`.
async fn connect(driver: &Chromedriver, profile: &Path) -> Client {
    let client = driver
        .connect_with(
            profile,
            &["--enable-features=CorsNonWildcardRequestHeadersSupport"],
        )
        .await;
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(30)),
            None,
            Some(Duration::from_secs(20)),
        ))
        .await
        .expect("timeouts");
    client
}

/// A copy of the release `dist/` whose policy also allows fetches to `api_origin`, as a build with
/// `CONSOLE_API_ORIGINS` set would have it (Trunk.toml's post-build hook, the same replacement).
fn widened_dist(api_origin: &str) -> PathBuf {
    let dist = std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"));
    let copy = workspace_root()
        .join("target")
        .join(format!("e2e-cross-origin-dist-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&dist, &copy);
    let index = copy.join("index.html");
    let page = std::fs::read_to_string(&index).expect("dist/index.html");
    assert!(
        page.contains("connect-src 'self'"),
        "the build's policy has no connect-src 'self' to widen"
    );
    let widened = page.replace(
        "connect-src 'self'",
        &format!("connect-src 'self' {api_origin}"),
    );
    std::fs::write(&index, widened).expect("write index.html");
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read dist/") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}
