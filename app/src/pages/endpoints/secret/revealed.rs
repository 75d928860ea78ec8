//! The revealed signing secret of the endpoint on screen: in memory only (never in storage or the URL),
//! hidden again after [`REVEAL_FOR`] or when the page goes.

use std::time::Duration;

use leptos::prelude::*;

/// How long a revealed secret stays on screen.
pub const REVEAL_FOR: Duration = Duration::from_secs(60);

/// The revealed secret of the endpoint on screen, shared with the attempts' signature check (a context
/// value of the page; it goes when the page goes).
#[derive(Clone, Copy)]
pub struct RevealedSecret {
    secret: RwSignal<Option<String>>,
    /// When it hides itself (epoch ms).
    hide_at: RwSignal<Option<f64>>,
}

impl Default for RevealedSecret {
    fn default() -> Self {
        Self::new()
    }
}

impl RevealedSecret {
    pub fn new() -> Self {
        Self {
            secret: RwSignal::new(None),
            hide_at: RwSignal::new(None),
        }
    }

    /// The secret while it is revealed.
    pub fn get(&self) -> Option<String> {
        self.secret.get()
    }

    /// When it hides itself (epoch ms), while it is revealed.
    pub fn hide_at(&self) -> Option<f64> {
        self.hide_at.get()
    }

    /// Shows `secret` for `REVEAL_FOR`.
    pub fn show(&self, secret: String) {
        let hide_at = js_sys::Date::now() + REVEAL_FOR.as_millis() as f64;
        self.secret.set(Some(secret));
        self.hide_at.set(Some(hide_at));
        let this = *self;
        set_timeout(
            move || {
                // Only if no later reveal restarted the clock (and the page is still there).
                if this.hide_at.try_get_untracked().flatten() == Some(hide_at) {
                    this.hide();
                }
            },
            REVEAL_FOR,
        );
    }

    pub fn hide(&self) {
        self.secret.set(None);
        self.hide_at.set(None);
    }
}

/// Provides a [`RevealedSecret`] for the page being built.
pub fn provide_revealed_secret() -> RevealedSecret {
    let revealed = RevealedSecret::new();
    provide_context(revealed);
    revealed
}
