//! The endpoint page's deliveries by event: the toolbar (live updates, refresh, the flat list), the
//! filters, the scan's summary, one row per event with its tries, "Resend failed events" and the export.

use fantoccini::{Locator, elements::Element};

use crate::Ctx;

pub struct Deliveries<'a>(pub(super) &'a Ctx);

impl Deliveries<'_> {
    /// The live-updates switch (on when the page opens).
    pub const LIVE: &'static str = ".deliveries .section-header input[role=switch]";
    /// One event: its row and, once opened, its tries.
    const EVENT: &'static str = ".event-table tbody.event-entry";
    /// An event's button that opens its tries.
    pub const TOGGLE: &'static str = ".event-toggle";
    /// A try's button that opens its attempt's panel.
    pub const TRY_OPEN: &'static str = ".try-list .try-open";
    const TRY: &'static str = ".try-list .try";
    const RECOVER: &'static str = ".deliveries .recover-button";

    /// Waits for an event whose row says every one of `texts` ("user.created", "2 tries", "Delivered").
    pub async fn event_saying(&self, texts: &[&str]) -> Element {
        self.0
            .find_texts(&format!("{} tr.event-row", Self::EVENT), texts)
            .await
    }

    /// Waits for the row of event `event_id` to say every one of `texts`.
    pub async fn event(&self, event_id: u64, texts: &[&str]) -> Element {
        let label = format!("· {event_id}");
        let mut all = vec![label.as_str()];
        all.extend_from_slice(texts);
        self.event_saying(&all).await
    }

    /// Opens (or closes) the tries of the event whose row is `row`.
    pub async fn toggle(&self, row: &Element) {
        let button = row
            .find(Locator::Css(Self::TOGGLE))
            .await
            .expect("the event's toggle");
        self.0.click_element(button, "the event's toggle").await;
    }

    /// The texts of the open events' tries, in order, once `count` show.
    pub async fn tries(&self, count: usize) -> Vec<String> {
        self.0
            .find(&format!("{}:nth-child({count})", Self::TRY))
            .await;
        let mut texts = Vec::new();
        for item in self
            .0
            .client
            .find_all(Locator::Css(Self::TRY))
            .await
            .expect("the tries")
        {
            texts.push(item.text().await.expect("the text"));
        }
        texts
    }

    /// Opens the panel of the try whose line says `text` ("Attempt 12").
    pub async fn open_try(&self, text: &str) {
        self.0.click_text(Self::TRY_OPEN, text).await;
    }

    /// The number of event rows on the page, once the first shows.
    pub async fn row_count(&self) -> usize {
        self.0.find(Self::EVENT).await;
        self.0
            .client
            .find_all(Locator::Css(Self::EVENT))
            .await
            .expect("the rows")
            .len()
    }

    /// Waits for the empty state to say `text`.
    pub async fn empty(&self, text: &str) {
        self.0.find_text(".deliveries .empty-state", text).await;
    }

    /// Waits for the scan's summary to say `text`.
    pub async fn scan_summary(&self, text: &str) {
        self.0.find_text(".deliveries .scan-summary", text).await;
    }

    /// Chooses the state filter that says `label` ("Failing").
    pub async fn filter_state(&self, label: &str) {
        self.0
            .click_text(".event-filters .segmented label", label)
            .await;
    }

    /// Chooses an event type (`""`: all types).
    pub async fn filter_type(&self, value: &str) {
        self.0
            .select(".event-filters .event-type-filter", value)
            .await;
    }

    /// Chooses a time window by its value (`1h`, `24h`, `7d`, `custom`).
    pub async fn filter_window(&self, value: &str) {
        self.0.select(".event-filters .window-filter", value).await;
    }

    /// Turns live updates on or off.
    pub async fn set_live(&self, on: bool) {
        let switch = self.0.find(Self::LIVE).await;
        if switch.is_selected().await.expect("the switch's state") != on {
            self.0.click(Self::LIVE).await;
        }
    }

    /// Clicks "Resend failed events" once it says `label` ("Resend 2 failed events…").
    pub async fn recover(&self, label: &str) {
        self.0.find_text(Self::RECOVER, label).await;
        self.0.click_text(Self::RECOVER, label).await;
    }

    /// Waits for the note a finished recovery leaves to say `text`.
    pub async fn recover_note(&self, text: &str) {
        self.0.find_text(".deliveries .recover-note", text).await;
    }

    /// Clicks "Export CSV" or "Export NDJSON" and returns the file's text, as the page handed it to the
    /// browser (the Blob behind the download link).
    pub async fn export(&self, ndjson: bool) -> String {
        self.0
            .eval(
                "const create = URL.createObjectURL;\
                 URL.createObjectURL = (blob) => { window.__export = blob.text(); return create(blob); };",
            )
            .await;
        self.0
            .click(if ndjson {
                ".deliveries .export-ndjson"
            } else {
                ".deliveries .export-csv"
            })
            .await;
        let text = self
            .0
            .client
            .execute_async(
                // The click made the file before it returned.
                "const done = arguments[arguments.length - 1]; window.__export.then(done);",
                vec![],
            )
            .await
            .expect("the exported file");
        text.as_str().expect("text").to_owned()
    }

    /// Opens the flat list of attempts ("All attempts").
    pub async fn all_attempts(&self) {
        self.0
            .click_text(".deliveries .section-header a", "All attempts")
            .await;
        self.0.shell().heading("Delivery attempts").await;
    }
}
