//! `/endpoints/:id`: the endpoint's fields and subscriptions and its actions (edit, activate or
//! deactivate, delete); the signing secret and the attempts are [`super::SecretPanel`] and
//! [`super::Attempts`].

use super::Shell;
use crate::Ctx;

/// Wraps the page's `fetch` so that the answer for endpoint `__ID__` waits until the endpoint's
/// deliveries are drawn (rows or "No attempts yet"): the order in which the deliveries come first.
const HOLD_THE_ENDPOINT_JS: &str = r#"
const held = /\/api\/v2\/webhook\/endpoint\/__ID__\/(\?.*)?$/;
const deliveriesDrawn = new Promise((resolve) => {
  const drawn = () => document.querySelector(".event-table tbody tr, .deliveries .empty-state");
  if (drawn()) { resolve(); return; }
  const observer = new MutationObserver(() => {
    if (drawn()) { observer.disconnect(); resolve(); }
  });
  observer.observe(document, { subtree: true, childList: true });
});
const fetchNow = window.fetch;
window.fetch = (input, init) => {
  const url = typeof input === "string" ? input : input.url;
  return held.test(url)
    ? deliveriesDrawn.then(() => fetchNow.call(window, input, init))
    : fetchNow.call(window, input, init);
};
"#;

pub struct EndpointDetailPage<'a>(pub(super) &'a Ctx);

impl EndpointDetailPage<'_> {
    /// Opens the page of endpoint `id` (a visitor without a session is sent to sign in first).
    pub async fn open(&self, id: u64) {
        self.0.goto(&format!("/endpoints/{id}")).await;
    }

    /// From now on, every page opened answers the request for endpoint `id` only once its deliveries
    /// are drawn (call before opening the page).
    pub async fn hold_the_endpoint_until_its_deliveries_show(&self, id: u64) {
        self.0
            .devtools(
                "Page.addScriptToEvaluateOnNewDocument",
                serde_json::json!({ "source": HOLD_THE_ENDPOINT_JS.replace("__ID__", &id.to_string()) }),
            )
            .await;
    }

    /// Waits for the page of the endpoint whose target is `target`.
    pub async fn shown(&self, target: &str) {
        Shell(self.0).heading(target).await;
    }

    /// Waits for one of the endpoint's facts (ID, description, times) to say `text`.
    pub async fn fact(&self, text: &str) {
        self.0.find_text(".facts dd", text).await;
    }

    /// Waits for a subscription that says `text`.
    pub async fn subscription(&self, text: &str) {
        self.0.find_text(".subscriptions li", text).await;
    }

    /// Clicks the header's action that says `label` ("Deactivate", "Delete…").
    pub async fn action(&self, label: &str) {
        self.0
            .click_text(".page-header .form-actions button", label)
            .await;
    }

    /// Waits for a badge that says `text` ("Inactive").
    pub async fn badge(&self, text: &str) {
        self.0.find_text(".page-header .badges .badge", text).await;
    }

    /// Waits for "Updated" to be the time `iso`.
    pub async fn updated_at(&self, iso: &str) {
        self.0
            .find(&format!(".facts dd.updated-at time[datetime='{iso}']"))
            .await;
    }
}
