//! `/sign-in`: username and password, or a pasted access token, optionally on another server.

use super::Shell;
use crate::Ctx;

pub struct SignInPage<'a>(pub(super) &'a Ctx);

impl SignInPage<'_> {
    pub const USERNAME: &'static str = "#sign-in-username";
    pub const PASSWORD: &'static str = "#sign-in-password";
    pub const TOKEN: &'static str = "#sign-in-token";
    pub const SERVER: &'static str = "#sign-in-server";
    pub const SUBMIT: &'static str = "form button[type=submit]";
    const METHOD: &'static str = ".segmented label";
    const ERROR: &'static str = ".form-error";
    const NOTICE: &'static str = ".notice";

    /// Opens `/sign-in` and waits for the form.
    pub async fn open(&self) {
        self.0.goto("/sign-in").await;
        self.shown().await;
    }

    /// Waits for the form (the username field).
    pub async fn shown(&self) {
        self.0.find(Self::USERNAME).await;
    }

    /// Signs in with a username and password and waits for the signed-in header. Opens the page first
    /// unless the app already sent the visitor there.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.open_unless_there().await;
        self.submit_password(username, password).await;
        self.0.shell().signed_in_as(username).await;
    }

    /// Types a username and password and submits them, without waiting for the outcome.
    pub async fn submit_password(&self, username: &str, password: &str) {
        self.0.type_into(Self::USERNAME, username).await;
        self.0.type_into(Self::PASSWORD, password).await;
        self.0.click(Self::SUBMIT).await;
    }

    /// Signs in by pasting an access token (opening the page first unless there).
    pub async fn sign_in_with_token(&self, token: &str) {
        self.open_unless_there().await;
        self.choose_token().await;
        self.0.type_into(Self::TOKEN, token).await;
        self.0.click(Self::SUBMIT).await;
    }

    /// Makes sure the sign-in form is on screen, keeping the `next` the app gave it. On a page of the app
    /// this first waits until the app has drawn the sign-in form or the signed-in shell: before that the
    /// path is still the one the test opened, not the `/sign-in?next=…` the app sends a signed-out
    /// visitor to, and going to `/sign-in` from there would lose `next`.
    async fn open_unless_there(&self) {
        let url = self.0.client.current_url().await.expect("current url");
        if url.as_str().starts_with(&self.0.base_url) {
            self.0
                .find(&format!("{}, {}", Self::USERNAME, Shell::USER_NAME))
                .await;
        }
        if !self.0.path().await.starts_with("/sign-in") {
            self.0.goto("/sign-in").await;
        }
    }

    /// Switches the form to a pasted access token.
    pub async fn choose_token(&self) {
        self.0.click_text(Self::METHOD, "Access token").await;
        self.0.find(Self::TOKEN).await;
    }

    /// Opens "Another server" and types `address` as the server's.
    pub async fn type_server(&self, address: &str) {
        self.0.click_text("summary", "Another server").await;
        self.0.type_into(Self::SERVER, address).await;
    }

    /// Waits for the form to show the error `text`.
    pub async fn error(&self, text: &str) {
        self.0.find_text(Self::ERROR, text).await;
    }

    /// Waits for the notice that says why the admin is here (`text`).
    pub async fn notice(&self, text: &str) {
        self.0.find_text(Self::NOTICE, text).await;
    }

    /// Waits for the sign-in screen's heading.
    pub async fn heading(&self) {
        Shell(self.0).heading("Sign in").await;
    }
}
