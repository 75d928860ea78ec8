//! [`Ctx`]: what a test drives the browser with. Generic waits, clicks and typing by CSS selector; the
//! selectors of each screen live in its page object ([`crate::pages`]).

use std::{path::PathBuf, time::Duration};

use fantoccini::{Client, elements::Element};

use crate::{
    Api,
    harness::{artifacts_dir, devtools},
};

/// The longest [`Ctx::find`] waits for something to show.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(20);

/// Calls back with the first element matching `css` (whose text contains `text`, or every one of a list of
/// texts, unless null) as soon as
/// the DOM holds one, or with null after `timeout` ms.
const WAIT_FOR_ELEMENT_JS: &str = r#"
const [css, text, timeout, done] = arguments;
const match = () => [...document.querySelectorAll(css)]
  .find((el) => text === null || [].concat(text).every((t) => el.textContent.includes(t))) || null;
const now = match();
if (now) { done(now); return; }
const observer = new MutationObserver(() => {
  const el = match();
  if (el) { observer.disconnect(); clearTimeout(timer); done(el); }
});
const timer = setTimeout(() => { observer.disconnect(); done(null); }, timeout);
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"#;

/// Calls back as soon as `location.pathname + location.search` equals the expected text (checked on
/// every DOM change and on back/forward), or with the last value seen after `timeout` ms.
const WAIT_FOR_PATH_JS: &str = r#"
const [expected, timeout, done] = arguments;
const here = () => location.pathname + location.search;
if (here() === expected) { done(here()); return; }
const check = () => { if (here() === expected) { finish(); } };
const observer = new MutationObserver(check);
const finish = () => { observer.disconnect(); removeEventListener("popstate", check); clearTimeout(timer); done(here()); };
const timer = setTimeout(finish, timeout);
addEventListener("popstate", check);
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"#;

/// Calls back once nothing matches `css` (with `text`, unless null), or false after `timeout` ms.
const WAIT_FOR_ABSENCE_JS: &str = r#"
const [css, text, timeout, done] = arguments;
const present = () => [...document.querySelectorAll(css)]
  .some((el) => text === null || el.textContent.includes(text));
if (!present()) { done(true); return; }
const observer = new MutationObserver(() => {
  if (!present()) { observer.disconnect(); clearTimeout(timer); done(true); }
});
const timer = setTimeout(() => { observer.disconnect(); done(false); }, timeout);
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"#;

/// What a test gets: the browser, and where the app and the API live.
#[derive(Clone)]
pub struct Ctx {
    pub client: Client,
    /// `http://127.0.0.1:<port>`: the console and the API it talks to, on one origin.
    pub base_url: String,
    /// The mock-server the tests call directly ([`Ctx::api`]): `base_url`, unless the console runs
    /// behind the reference proxy ([`crate::reference_test`]).
    pub api_url: String,
    pub(crate) name: String,
    pub(crate) driver_port: u16,
}

impl Ctx {
    /// Opens `path` (e.g. `/endpoints`) of the app.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base_url))
            .await
            .unwrap_or_else(|e| panic!("could not open {path}: {e}"));
    }

    /// The current value of the form control matching `css` (once it is in the DOM).
    pub async fn input_value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("read the value")
            .unwrap_or_default()
    }

    /// Waits for an element matching `css` to be in the DOM.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for_element(css, None).await
    }

    /// Waits for an element matching `css` whose text contains `text`.
    pub async fn find_text(&self, css: &str, text: &str) -> Element {
        self.wait_for_element(css, Some(text)).await
    }

    /// Waits for an element matching `css` whose text contains every one of `texts`.
    pub async fn find_texts(&self, css: &str, texts: &[&str]) -> Element {
        self.wait_for_element_matching(css, serde_json::json!(texts), &texts.join("` and `"))
            .await
    }

    async fn wait_for_element(&self, css: &str, text: Option<&str>) -> Element {
        self.wait_for_element_matching(css, text.into(), text.unwrap_or_default())
            .await
    }

    /// Resolves as soon as the page holds a match: a MutationObserver in the page reports it, so nothing
    /// polls. Fails after [`WAIT_TIMEOUT`].
    async fn wait_for_element_matching(
        &self,
        css: &str,
        text: serde_json::Value,
        described: &str,
    ) -> Element {
        let found = self
            .client
            .execute_async(
                WAIT_FOR_ELEMENT_JS,
                vec![css.into(), text, (WAIT_TIMEOUT.as_millis() as u64).into()],
            )
            .await
            .unwrap_or_else(|e| panic!("waiting for `{css}` failed: {e}"));
        let reference = found
            .as_object()
            .and_then(|object| object.values().next())
            .and_then(|id| id.as_str())
            .unwrap_or_else(|| {
                if described.is_empty() {
                    panic!("no `{css}` within {WAIT_TIMEOUT:?}")
                } else {
                    panic!("no `{css}` shows `{described}` within {WAIT_TIMEOUT:?}")
                }
            });
        Element::from_element_id(self.client.clone(), reference.to_owned().into())
    }

    /// The current path and query of the page.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Saves a PNG of the page as `target/e2e-artifacts/<test>-<label>.png` and returns its path.
    pub async fn screenshot(&self, label: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = artifacts_dir().join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Waits until the page's path and query are `expected`.
    pub async fn wait_for_path(&self, expected: &str) {
        let seen = self
            .client
            .execute_async(
                WAIT_FOR_PATH_JS,
                vec![expected.into(), (WAIT_TIMEOUT.as_millis() as u64).into()],
            )
            .await
            .expect("waiting for the path");
        assert_eq!(
            seen.as_str(),
            Some(expected),
            "the page did not get to {expected}"
        );
    }

    /// Waits until no `css` element (containing `text`) is left.
    pub async fn wait_for_absence(&self, css: &str, text: Option<&str>) {
        self.wait_for_absence_within(css, text, WAIT_TIMEOUT).await;
    }

    /// [`Ctx::wait_for_absence`] for something that takes longer (e.g. a 60 s timer).
    pub async fn wait_for_absence_within(&self, css: &str, text: Option<&str>, timeout: Duration) {
        // The in-page wait must not outlast the session's script timeout.
        let script_timeout = (timeout + Duration::from_secs(10)).max(Duration::from_secs(30));
        self.client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(script_timeout),
                None,
                None,
            ))
            .await
            .expect("script timeout");
        let gone = self
            .client
            .execute_async(
                WAIT_FOR_ABSENCE_JS,
                vec![css.into(), text.into(), (timeout.as_millis() as u64).into()],
            )
            .await
            .expect("waiting for absence");
        assert_eq!(
            gone,
            serde_json::Value::Bool(true),
            "`{css}` {text:?} is still there after {timeout:?}"
        );
    }

    /// Lets the page use the clipboard (headless Chromium asks for permission otherwise).
    pub async fn allow_clipboard(&self) {
        self.devtools(
            "Browser.grantPermissions",
            serde_json::json!({
                "origin": self.base_url,
                "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
            }),
        )
        .await;
    }

    /// What the page's clipboard holds.
    pub async fn clipboard(&self) -> String {
        let text = self
            .client
            .execute_async(
                "const done = arguments[0];\
                 navigator.clipboard.readText().then(done, (e) => done('ERR ' + e));",
                vec![],
            )
            .await
            .expect("reading the clipboard");
        text.as_str().unwrap_or_default().to_owned()
    }

    /// Clicks the first `css` element (waiting for it).
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.click_element(element, css).await;
    }

    /// Clicks the first `css` element whose text contains `text`.
    pub async fn click_text(&self, css: &str, text: &str) {
        let element = self.find_text(css, text).await;
        self.click_element(element, &format!("{css} `{text}`"))
            .await;
    }

    /// Scrolls `element` to the middle of the window first, so that the sticky header cannot cover it.
    pub async fn click_element(&self, element: Element, described: &str) {
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });",
                vec![serde_json::to_value(&element).expect("an element reference")],
            )
            .await
            .unwrap_or_else(|e| panic!("scroll to {described}: {e}"));
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click on {described}: {e}"));
    }

    /// Chooses the option with `value` in the `css` select, as picking it from the list does (WebDriver's
    /// option click does not fire `change` in headless Chromium).
    pub async fn select(&self, css: &str, value: &str) {
        self.find(css).await;
        let chosen = self
            .client
            .execute(
                "const [css, value] = arguments; const el = document.querySelector(css);\
                 el.value = value; el.dispatchEvent(new Event('change', { bubbles: true }));\
                 return el.value;",
                vec![css.into(), value.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("select {value} in `{css}`: {e}"));
        assert_eq!(
            chosen.as_str(),
            Some(value),
            "`{css}` has no option {value}"
        );
    }

    /// Replaces the text of the `css` input by typing `text` into it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear `{css}`: {e}"));
        input
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
    }

    /// Presses a key (a WebDriver key code such as `"\u{E00C}"` for Escape) in the focused element.
    pub async fn press(&self, key: &str) {
        self.client
            .active_element()
            .await
            .expect("a focused element")
            .send_keys(key)
            .await
            .expect("key press");
    }

    /// Runs `script` in the page and returns its value.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Reloads the page.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
    }

    /// Sends a DevTools command through chromedriver.
    pub async fn devtools(&self, cmd: &str, params: serde_json::Value) {
        devtools(&self.client, self.driver_port, cmd, params).await;
    }

    /// Renders the page as a 360 px wide phone.
    pub async fn phone_width(&self) {
        self.devtools(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": 360, "height": 780, "deviceScaleFactor": 1, "mobile": true }),
        )
        .await;
    }

    /// Back to the desktop window size.
    pub async fn desktop_width(&self) {
        self.devtools(
            "Emulation.clearDeviceMetricsOverride",
            serde_json::json!({}),
        )
        .await;
    }

    /// Renders the page with the system's dark (`true`) or light theme.
    pub async fn dark_theme(&self, dark: bool) {
        let scheme = if dark { "dark" } else { "light" };
        self.devtools(
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await;
    }

    /// The API of the mock-server under test, as the admin.
    pub fn api(&self) -> Api {
        Api::new(&self.api_url, "dev-admin-token")
    }
}
