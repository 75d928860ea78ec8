//! The shell around every screen: the header with its navigation and the signed-in user, the toasts, and
//! the screen's own heading.

use super::text_of;
use crate::Ctx;

pub struct Shell<'a>(pub(super) &'a Ctx);

impl Shell<'_> {
    /// The first stop of the Tab order.
    pub const SKIP_LINK: &'static str = ".skip-link";
    /// Where a new screen puts focus.
    pub const MAIN: &'static str = "main";
    pub const NAV_LINKS: &'static str = "header nav a";
    pub const USER_NAME: &'static str = ".user-name";
    pub const USER_ROLE: &'static str = ".user-role";
    /// What the header says instead of a role when the server did not tell it.
    pub const ROLE_UNKNOWN: &'static str = ".user-role-unknown";
    pub const TOAST: &'static str = ".toast-text";
    pub const HEADING: &'static str = "main h1";

    /// Follows the header's link to `section` ("Endpoints", "Events", "Signature tool").
    pub async fn go_to(&self, section: &str) {
        self.0.click_text(Self::NAV_LINKS, section).await;
    }

    /// Waits for the header to name the signed-in `user`.
    pub async fn signed_in_as(&self, user: &str) {
        self.0.find_text(Self::USER_NAME, user).await;
    }

    /// The signed-in user's role, as the header shows it.
    pub async fn role(&self) -> String {
        text_of(self.0.find(Self::USER_ROLE).await).await
    }

    /// Waits for the header to say the role is unknown.
    pub async fn role_unknown(&self) {
        self.0.find_text(Self::ROLE_UNKNOWN, "role unknown").await;
    }

    /// How many role badges the header shows.
    pub async fn role_badges(&self) -> usize {
        self.0
            .client
            .find_all(fantoccini::Locator::Css(Self::USER_ROLE))
            .await
            .expect("the badges")
            .len()
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&self) {
        self.0.click_text(".user-menu button", "Sign out").await;
    }

    /// Waits for a toast that says `text`.
    pub async fn toast(&self, text: &str) {
        self.0.find_text(Self::TOAST, text).await;
    }

    /// Waits for the screen's heading to say `text`.
    pub async fn heading(&self, text: &str) {
        self.0.find_text(Self::HEADING, text).await;
    }

    /// The page's Content-Security-Policy (its `<meta>`).
    pub async fn content_security_policy(&self) -> String {
        self.0
            .find(r#"meta[http-equiv="Content-Security-Policy"]"#)
            .await
            .attr("content")
            .await
            .expect("the policy's content")
            .expect("a content attribute")
    }

    /// Waits for a paragraph of the screen that says `text`.
    pub async fn paragraph(&self, text: &str) {
        self.0.find_text("main p", text).await;
    }
}
