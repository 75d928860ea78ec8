//! An endpoint's delivery attempts, on its page and on `/endpoints/:id/attempts`: the toolbar
//! (auto-refresh, refresh, resend the selection), the rows, and the open attempt's panel.

use fantoccini::{Locator, elements::Element};

use crate::Ctx;

pub struct Attempts<'a>(pub(super) &'a Ctx);

impl Attempts<'_> {
    /// The auto-refresh switch.
    pub const AUTO_REFRESH: &'static str = ".attempts .toolbar-actions input[role=switch]";
    /// "Refresh".
    pub const REFRESH: &'static str = ".attempts .toolbar-actions button.small:not(.primary)";
    pub const ROWS: &'static str = ".attempts-table tbody tr";
    /// A row's button that opens its attempt.
    pub const OPEN: &'static str = ".event-open";
    /// The open attempt's panel.
    pub const PANEL: &'static str = ".attempt-detail";
    /// The panel's "Resend this event" (its first action).
    pub const RESEND: &'static str = ".attempt-detail .form-actions button:first-child";
    /// The panel's actions.
    pub const PANEL_ACTIONS: &'static str = ".attempt-detail .form-actions button";
    const TOOLBAR_BUTTONS: &'static str = ".attempts .toolbar-actions button";

    /// Opens `/endpoints/<id>/attempts` and waits for its heading.
    pub async fn open_page(&self, id: u64) {
        self.0.goto(&format!("/endpoints/{id}/attempts")).await;
        self.0.shell().heading("Delivery attempts").await;
    }

    /// Flips auto-refresh.
    pub async fn toggle_auto_refresh(&self) {
        self.0.click(Self::AUTO_REFRESH).await;
    }

    /// Clicks "Refresh".
    pub async fn refresh(&self) {
        self.0.click_text(Self::TOOLBAR_BUTTONS, "Refresh").await;
    }

    /// Waits for the row of the attempt that delivered event `event_id` and says `text` ("Delivered");
    /// auto-refresh must be on for a new one to come in.
    pub async fn row(&self, event_id: u64, text: &str) -> Element {
        let event = Self::event_label(event_id);
        self.0.find_texts(Self::ROWS, &[&event, text]).await
    }

    /// Waits for a row that says every one of `texts`.
    pub async fn row_saying(&self, texts: &[&str]) -> Element {
        self.0.find_texts(Self::ROWS, texts).await
    }

    /// Opens the attempt of `row`.
    pub async fn open_row(&self, row: &Element) {
        row.find(Locator::Css(Self::OPEN))
            .await
            .expect("the row's open button")
            .click()
            .await
            .expect("click the row's open button");
    }

    /// Opens the attempt of event `event_id`.
    pub async fn open(&self, event_id: u64) {
        self.0
            .click_text(Self::OPEN, &Self::event_label(event_id))
            .await;
    }

    /// The selector of the open button in the row keyed `key` (its `data-key`).
    pub fn open_in_row(key: &str) -> String {
        format!("tr[data-key='{key}'] {}", Self::OPEN)
    }

    /// Waits for the empty state to say `text`.
    pub async fn empty(&self, text: &str) {
        self.0.find_text(".attempts .empty-state", text).await;
    }

    /// Ticks every attempt of the page.
    pub async fn select_all(&self) {
        self.0.click("thead input[type=checkbox]").await;
    }

    /// Clicks the toolbar's resend button once it says `label` ("Resend 2 events").
    pub async fn resend_selected(&self, label: &str) {
        self.0.find_text(Self::TOOLBAR_BUTTONS, label).await;
        self.0.click_text(Self::TOOLBAR_BUTTONS, label).await;
    }

    /// Waits for the pagination summary to say `text`.
    pub async fn summary(&self, text: &str) {
        self.0.find_text(".pagination-summary", text).await;
    }

    /// Waits for the open attempt's panel; returns it.
    pub async fn panel(&self) -> Element {
        self.0.find(Self::PANEL).await
    }

    /// Waits for the panel's title to say `text` (the outcome, say).
    pub async fn panel_title(&self, text: &str) {
        self.0.find_text(".attempt-detail h3", text).await;
    }

    /// Waits for a key of the panel's request body (`"\"event_id\""`).
    pub async fn body_key(&self, key: &str) {
        self.0.find_text(".attempt-detail .json-key", key).await;
    }

    /// Waits for a literal of the panel's request body (`true`).
    pub async fn body_literal(&self, text: &str) {
        self.0
            .find_text(".attempt-detail .json-literal", text)
            .await;
    }

    /// Waits for a fact of the panel's parsed signature header ("Timestamp").
    pub async fn signature_fact(&self, text: &str) {
        self.0
            .find_text(".attempt-detail .signature-facts dt", text)
            .await;
    }

    /// Waits for the panel's signature check to give a verdict.
    pub async fn verdict(&self) {
        self.0.find(".attempt-detail .verdict").await;
    }

    /// Waits for the panel to say the signature matches (`text`).
    pub async fn verdict_ok(&self, text: &str) {
        self.0.find_text(".attempt-detail .verdict.ok", text).await;
    }

    /// Clicks the panel's action that says `label` ("Resend this event", "Open in the signature tool").
    pub async fn panel_action(&self, label: &str) {
        self.0.click_text(".attempt-detail button", label).await;
    }

    /// How a row names the event it delivered.
    fn event_label(event_id: u64) -> String {
        format!("· {event_id}")
    }
}
