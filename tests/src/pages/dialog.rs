//! The dialog that is open: a confirmation (delete, discard changes) or a password dialog (reveal,
//! expire, resend), and its messages.

use fantoccini::elements::Element;

use super::text_of;
use crate::Ctx;

pub struct Dialog<'a>(pub(super) &'a Ctx);

impl Dialog<'_> {
    pub const PASSWORD: &'static str = "dialog[open] input[type=password]";
    /// "Cancel" or "Close".
    pub const CANCEL: &'static str = "dialog[open] .modal-actions button[type=button]";
    const SUBMIT: &'static str = "dialog[open] button[type=submit]";

    /// Waits for an open dialog titled `title`.
    pub async fn titled(&self, title: &str) {
        self.0.find_text("dialog[open] h2", title).await;
    }

    /// Waits for the dialog's explanation to say `text`.
    pub async fn says(&self, text: &str) {
        self.0.find_text("dialog[open] .modal-body", text).await;
    }

    /// Clicks the dialog's button that says `label`.
    pub async fn press(&self, label: &str) {
        self.0.click_text("dialog[open] button", label).await;
    }

    pub async fn type_password(&self, password: &str) {
        self.0.type_into(Self::PASSWORD, password).await;
    }

    /// Clicks the dialog's submit button.
    pub async fn submit(&self) {
        self.0.click(Self::SUBMIT).await;
    }

    /// Types `password` and submits it.
    pub async fn confirm_with(&self, password: &str) {
        self.type_password(password).await;
        self.submit().await;
    }

    /// The submit button.
    pub async fn submit_button(&self) -> Element {
        self.0.find(Self::SUBMIT).await
    }

    /// Whether the submit button is disabled.
    pub async fn submit_disabled(&self) -> bool {
        self.submit_button()
            .await
            .attr("disabled")
            .await
            .expect("disabled")
            .as_deref()
            == Some("true")
    }

    /// Waits until the submit button is no longer busy.
    pub async fn submit_ready(&self) {
        self.0
            .find("dialog[open] button[type=submit][aria-disabled=false]")
            .await;
    }

    /// Ticks the dialog's "I understand" box.
    pub async fn tick_confirmation(&self) {
        self.0.click("dialog[open] .confirm-check input").await;
    }

    /// Waits for the message next to the password (`text`).
    pub async fn password_error(&self, text: &str) {
        self.0.find_text("dialog[open] .field-error", text).await;
    }

    /// What the dialog says about a lockout.
    pub async fn throttled(&self) -> String {
        text_of(self.0.find("dialog[open] .throttled").await).await
    }

    /// Waits until no dialog is left.
    pub async fn closed(&self) {
        self.0.wait_for_absence("dialog", None).await;
    }
}
