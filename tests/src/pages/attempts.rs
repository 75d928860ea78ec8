//! An endpoint's delivery attempts, on its page and on `/endpoints/:id/attempts`: the toolbar
//! (auto-refresh, refresh, resend the selection), the rows, and the open attempt's panel.

use fantoccini::{Locator, elements::Element};

use crate::Ctx;

pub struct Attempts<'a>(pub(super) &'a Ctx);

impl Attempts<'_> {
    /// The live-updates switch (on when the list opens).
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
    /// The toolbar's "Resend selected" / "Resend 2 events".
    const RESEND_SELECTED: &'static str = ".attempts .toolbar-actions button.primary";
    /// Why the ticked attempts cannot all be resent.
    const BULK_NOTE: &'static str = "#bulk-resend-note";

    /// Opens `/endpoints/<id>/attempts` and waits for its heading.
    pub async fn open_page(&self, id: u64) {
        self.0.goto(&format!("/endpoints/{id}/attempts")).await;
        self.0.shell().heading("Delivery attempts").await;
    }

    /// Turns live updates on or off (they are on when the list opens).
    pub async fn set_live(&self, on: bool) {
        let switch = self.0.find(Self::AUTO_REFRESH).await;
        if switch.is_selected().await.expect("the switch's state") != on {
            self.0.click(Self::AUTO_REFRESH).await;
        }
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

    /// Ticks the attempt of event `event_id` (its row's checkbox).
    pub async fn tick_event(&self, event_id: u64) {
        let row = self
            .0
            .find_text(Self::ROWS, &Self::event_label(event_id))
            .await;
        let checkbox = row
            .find(Locator::Css(".col-select input"))
            .await
            .expect("the row's checkbox");
        self.0
            .click_element(checkbox, &format!("the checkbox of event {event_id}"))
            .await;
    }

    /// Ticks the attempt `id` (its row's checkbox).
    pub async fn tick(&self, id: u64) {
        self.0
            .click(&format!("tr[data-attempt-id='{id}'] .col-select input"))
            .await;
    }

    /// The ids of the attempts the page shows, in order (once a row shows).
    pub async fn ids(&self) -> Vec<u64> {
        self.0.find(Self::ROWS).await;
        let mut ids = Vec::new();
        for row in self
            .0
            .client
            .find_all(Locator::Css(Self::ROWS))
            .await
            .expect("the rows")
        {
            let id = row
                .attr("data-attempt-id")
                .await
                .expect("the attribute")
                .expect("a row names its attempt");
            ids.push(id.parse().expect("a number"));
        }
        ids
    }

    /// The texts of the rows' event buttons ("user.created · 12"), in order.
    pub async fn event_labels(&self) -> Vec<String> {
        self.0.find(Self::ROWS).await;
        let mut labels = Vec::new();
        for button in self
            .0
            .client
            .find_all(Locator::Css(&format!("{} {}", Self::ROWS, Self::OPEN)))
            .await
            .expect("the event buttons")
        {
            labels.push(button.text().await.expect("the label"));
        }
        labels
    }

    /// The texts of the table's header cells, in order.
    pub async fn columns(&self) -> Vec<String> {
        self.0.find(".attempts-table thead th").await;
        let mut columns = Vec::new();
        for th in self
            .0
            .client
            .find_all(Locator::Css(".attempts-table thead th"))
            .await
            .expect("the header cells")
        {
            columns.push(th.text().await.expect("the text"));
        }
        columns
    }

    /// Waits for the resend button to say `label` and be disabled.
    pub async fn resend_selected_disabled(&self, label: &str) {
        self.0
            .find_text(&format!("{}[disabled]", Self::RESEND_SELECTED), label)
            .await;
    }

    /// Waits for the note under the toolbar to say `text`.
    pub async fn bulk_note(&self, text: &str) {
        self.0.find_text(Self::BULK_NOTE, text).await;
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
