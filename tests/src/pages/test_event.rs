//! "Send a test event" on `/endpoints/:id` (only against a server that offers test events), and the
//! header's theme switch.

use crate::Ctx;

pub struct TestEventPanel<'a>(pub(super) &'a Ctx);

impl TestEventPanel<'_> {
    const PANEL: &'static str = "section.test-event";
    const DATA: &'static str = "#test-event-data";

    /// Waits for the panel.
    pub async fn shown(&self) {
        self.0.find(Self::PANEL).await;
    }

    /// Waits until the console asked the server whether it offers test events (the answer it keeps in
    /// `sessionStorage`); returns whether the page shows the panel then.
    pub async fn shown_once_asked(&self) -> bool {
        // WebDriver waits for the promise the script returns.
        let answer = self
            .0
            .eval(
                "return new Promise(resolve => { const asked = () => {\
                   const answer = sessionStorage.getItem('webhook-console.test-events');\
                   if (answer === null) setTimeout(asked, 50); else resolve(answer);\
                 }; asked(); });",
            )
            .await;
        assert!(answer.is_string(), "{answer}");
        // Rendered in the same update as the answer.
        self.0
            .eval(&format!(
                "return new Promise(r => requestAnimationFrame(() => r(!!document.querySelector('{}'))))",
                Self::PANEL
            ))
            .await
            .as_bool()
            .expect("a boolean")
    }

    /// Chooses the event type `event_type`.
    pub async fn choose(&self, event_type: &str) {
        self.0.select("#test-event-type", event_type).await;
    }

    /// The data the panel holds.
    pub async fn data(&self) -> String {
        self.0.input_value(Self::DATA).await
    }

    /// Replaces the data with `text`.
    pub async fn type_data(&self, text: &str) {
        self.0.type_into(Self::DATA, text).await;
    }

    /// Waits for the data's error to say `text`.
    pub async fn data_error(&self, text: &str) {
        self.0
            .find_text("#test-event-error .field-error", text)
            .await;
    }

    /// Clicks "Send test event".
    pub async fn send(&self) {
        self.0
            .click_text(".test-event .button.primary", "Send test event")
            .await;
    }

    /// Waits for the status line to say `text` ("sent").
    pub async fn status(&self, text: &str) {
        self.0.find_text(".test-event-status", text).await;
    }

    /// The id of the event the status line says was sent ("Event 12 sent. …").
    pub async fn sent_event(&self) -> u64 {
        let status = super::text_of(self.0.find_text(".test-event-status", " sent.").await).await;
        status
            .strip_prefix("Event ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no event id in {status:?}"))
    }
}

/// The header's theme switch.
pub struct ThemeSwitch<'a>(pub(super) &'a Ctx);

impl ThemeSwitch<'_> {
    const SELECT: &'static str = ".theme-switch select";

    /// Chooses `theme` ("system", "light", "dark").
    pub async fn choose(&self, theme: &str) {
        self.0.select(Self::SELECT, theme).await;
    }

    /// What the switch shows.
    pub async fn chosen(&self) -> String {
        self.0.input_value(Self::SELECT).await
    }

    /// The theme the page is drawn in: `data-theme` on `<html>`, `null` for the system's.
    pub async fn page_theme(&self) -> serde_json::Value {
        self.0
            .eval("return document.documentElement.getAttribute('data-theme')")
            .await
    }
}
