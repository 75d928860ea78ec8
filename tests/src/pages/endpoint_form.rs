//! `/endpoints/new` and `/endpoints/:id/edit`: target, description, the two switches, the event picker,
//! messages next to their fields.

use crate::Ctx;

pub struct EndpointFormPage<'a>(pub(super) &'a Ctx);

impl EndpointFormPage<'_> {
    pub const TARGET: &'static str = "#endpoint-target";
    pub const DESCRIPTION: &'static str = "#endpoint-description";
    pub const SUBMIT: &'static str = "form button[type=submit]";
    pub const SELECTED_COUNT: &'static str = ".picker-count";
    const TARGET_ERRORS: &'static str = "#endpoint-target-errors .field-error";

    /// Opens `/endpoints/new` and waits for the event picker.
    pub async fn open_new(&self) {
        self.0.goto("/endpoints/new").await;
        self.shown().await;
    }

    /// Opens `/endpoints/<id>/edit` and waits for the endpoint's `event` to be on offer.
    pub async fn open_edit(&self, id: u64, event: &str) {
        self.0.goto(&format!("/endpoints/{id}/edit")).await;
        self.event_shown(event).await;
    }

    /// Waits for the event picker's groups.
    pub async fn shown(&self) {
        self.0.find(".picker-group").await;
    }

    /// The checkbox of one event type (for the keyboard).
    pub fn event_box(event_type: &str) -> String {
        format!("input[value='{event_type}']")
    }

    /// Waits for the checkbox of `event_type`.
    pub async fn event_shown(&self, event_type: &str) {
        self.0.find(&Self::event_box(event_type)).await;
    }

    pub async fn type_target(&self, text: &str) {
        self.0.type_into(Self::TARGET, text).await;
    }

    pub async fn type_description(&self, text: &str) {
        self.0.type_into(Self::DESCRIPTION, text).await;
    }

    /// What the target field holds.
    pub async fn target(&self) -> String {
        self.0.input_value(Self::TARGET).await
    }

    pub async fn description(&self) -> String {
        self.0.input_value(Self::DESCRIPTION).await
    }

    /// Ticks (or unticks) one event type.
    pub async fn toggle_event(&self, event_type: &str) {
        self.0.click(&Self::event_box(event_type)).await;
    }

    /// Ticks (or unticks) every event type of `resource` ("comment").
    pub async fn toggle_group(&self, resource: &str) {
        self.0
            .click(&format!("input[aria-label='All {resource} events']"))
            .await;
    }

    /// Waits for the picker to count `text` ("5 of 38 selected").
    pub async fn selected(&self, text: &str) {
        self.0.find_text(Self::SELECTED_COUNT, text).await;
    }

    /// Types into the picker's filter.
    pub async fn filter_events(&self, text: &str) {
        self.0.type_into(".picker-filter input", text).await;
    }

    /// Waits for the picker to say nothing matches its filter.
    pub async fn no_event_matches(&self) {
        self.0
            .find_text(".event-picker p.muted", "No event matches")
            .await;
    }

    /// Flips "Verify the SSL certificate".
    pub async fn toggle_ssl_verification(&self) {
        self.0.click("#endpoint-ssl").await;
    }

    /// Waits for the warning shown while certificate verification is off.
    pub async fn ssl_warning(&self) {
        self.0
            .find_text(".callout.warn", "Verification is off.")
            .await;
    }

    /// Clicks the submit button that says `label` ("Create endpoint", "Save changes").
    pub async fn submit(&self, label: &str) {
        self.0.click_text(Self::SUBMIT, label).await;
    }

    /// Waits for a message under the target.
    pub async fn target_has_error(&self) {
        self.0.find(Self::TARGET_ERRORS).await;
    }

    /// Waits for the message `text` under the target.
    pub async fn target_error(&self, text: &str) {
        self.0.find_text(Self::TARGET_ERRORS, text).await;
    }

    /// Waits for the form-wide error `text`.
    pub async fn form_error(&self, text: &str) {
        self.0.find_text(".form-error", text).await;
    }

    /// Waits for the notice that changes kept from an ended session were restored.
    pub async fn restored_notice(&self) {
        self.0
            .find_text(".endpoint-form .notice", "unsaved changes were kept")
            .await;
    }
}
