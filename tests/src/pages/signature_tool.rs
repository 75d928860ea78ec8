//! `/tools/signature`: body, header and secret in; signed string, signatures and verdict out; the
//! receivers' snippets.

use super::text_of;
use crate::Ctx;

pub struct SignatureToolPage<'a>(pub(super) &'a Ctx);

impl SignatureToolPage<'_> {
    /// Waits for the tool's form.
    pub async fn shown(&self) {
        self.0.find("#tool-body").await;
    }

    pub async fn type_body(&self, text: &str) {
        self.0.type_into("#tool-body", text).await;
    }

    pub async fn type_header(&self, text: &str) {
        self.0.type_into("#tool-header", text).await;
    }

    pub async fn type_secret(&self, text: &str) {
        self.0.type_into("#tool-secret", text).await;
    }

    /// Waits for the signed string to say `text`.
    pub async fn signed_string(&self, text: &str) {
        self.0.find_text(".tool-result .signed-string", text).await;
    }

    /// Waits for the verdict that the signature matches (`text`).
    pub async fn matches(&self, text: &str) {
        self.0.find_text(".verdict.ok", text).await;
    }

    /// Waits for the verdict that it does not (`text`).
    pub async fn does_not_match(&self, text: &str) {
        self.0.find_text(".verdict.bad", text).await;
    }

    /// Waits for the result to say the header cannot be read (`text`).
    pub async fn header_error(&self, text: &str) {
        self.0.find_text(".tool-result .field-error", text).await;
    }

    /// The signature computed with the secret.
    pub async fn expected(&self) -> String {
        text_of(self.0.find(".signature-hex.expected").await).await
    }

    /// The signature the header carries.
    pub async fn received(&self) -> String {
        text_of(self.0.find(".signature-hex.received").await).await
    }

    /// Shows the snippet of `language`.
    pub async fn snippet_tab(&self, language: &str) {
        self.0.click_text("[role=tab]", language).await;
    }

    /// Waits for the snippet shown to contain `text`.
    pub async fn snippet(&self, text: &str) {
        self.0.find_text("#snippet-panel code", text).await;
    }
}
