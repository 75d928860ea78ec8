//! The signing-secret panel: reveal (password first), show or hide, copy, expire.

use std::time::Duration;

use super::{Dialog, text_of};
use crate::Ctx;

pub struct SecretPanel<'a>(pub(super) &'a Ctx);

impl SecretPanel<'_> {
    /// The panel (focus goes there when "Reveal…" is gone).
    pub const PANEL: &'static str = ".secret-panel";
    /// "Reveal…".
    pub const REVEAL: &'static str = ".secret-panel button.primary";
    /// "Show" / "Hide".
    pub const SHOW: &'static str = ".secret-row button[aria-pressed]";
    pub const VALUE: &'static str = ".secret-row .secret-value";
    const BUTTONS: &'static str = ".secret-panel button";
    const ROW: &'static str = ".secret-row";

    /// Opens the reveal dialog.
    pub async fn open_reveal(&self) {
        self.0.click_text(Self::BUTTONS, "Reveal").await;
    }

    /// Opens the reveal dialog and submits `password`.
    pub async fn reveal(&self, password: &str) {
        self.open_reveal().await;
        Dialog(self.0).confirm_with(password).await;
    }

    /// Opens the expire dialog.
    pub async fn open_expire(&self) {
        self.0.click_text(Self::BUTTONS, "Expire").await;
    }

    /// Waits for the revealed secret's row.
    pub async fn revealed(&self) {
        self.0.find(Self::ROW).await;
    }

    /// What the secret's place shows (dots while masked).
    pub async fn value(&self) -> String {
        text_of(self.0.find(Self::VALUE).await).await
    }

    /// Masks the revealed secret and waits for "Show".
    pub async fn hide(&self) {
        self.0.click_text(".secret-row button", "Hide").await;
        self.masked().await;
    }

    /// Unmasks the revealed secret and waits for "Hide".
    pub async fn show(&self) {
        self.0.click_text(".secret-row button", "Show").await;
        self.unmasked().await;
    }

    /// Waits until the revealed secret is unmasked (its button pressed, saying "Hide").
    pub async fn unmasked(&self) {
        self.0
            .find_text(".secret-row button[aria-pressed=true]", "Hide")
            .await;
    }

    /// Waits until the revealed secret is masked (its button not pressed, saying "Show").
    pub async fn masked(&self) {
        self.0
            .find_text(".secret-row button[aria-pressed=false]", "Show")
            .await;
    }

    /// The revealed secret, as it shows right after the reveal (unmasked, no "Show" needed).
    pub async fn shown_secret(&self) -> String {
        self.unmasked().await;
        self.value().await
    }

    /// Copies the secret and waits for the button to say so.
    pub async fn copy(&self) {
        self.0
            .click("button[aria-label='Copy the signing secret']")
            .await;
        self.0.find_text(".secret-row .copy-button", "Copied").await;
    }

    /// Waits for the masked place of a hidden secret.
    pub async fn hidden(&self) {
        self.0.find(".secret-hidden").await;
    }

    /// Waits until no revealed secret is left, for at most `timeout`.
    pub async fn gone_within(&self, timeout: Duration) {
        self.0
            .wait_for_absence_within(Self::ROW, None, timeout)
            .await;
    }

    /// Waits until no revealed secret is left.
    pub async fn gone(&self) {
        self.0.wait_for_absence(Self::ROW, None).await;
    }
}
