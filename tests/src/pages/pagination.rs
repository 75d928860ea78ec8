//! The pagination under a list (the endpoint table, the attempts): the summary ("6–10 of 12
//! endpoints"), Previous, the numbered pages, Next; and the "Rows per page" choice above it.

use fantoccini::Locator;

use super::text_of;
use crate::Ctx;

pub struct Pagination<'a>(pub(super) &'a Ctx);

impl Pagination<'_> {
    const SUMMARY: &'static str = ".pagination-summary";
    const NEXT: &'static str = ".pagination a[aria-label='Next page']";
    const PREVIOUS: &'static str = ".pagination a[aria-label='Previous page']";
    const SIZE_OPTIONS: &'static str = ".page-size select option";

    /// Waits for the summary to say `text` ("6–10 of 12 endpoints · the server sends 5 per page").
    pub async fn summary(&self, text: &str) {
        self.0.find_text(Self::SUMMARY, text).await;
    }

    /// The summary as it is.
    pub async fn summary_text(&self) -> String {
        text_of(self.0.find(Self::SUMMARY).await).await
    }

    /// Whether there is a Next link (once the pagination shows).
    pub async fn has_next(&self) -> bool {
        self.0.find(Self::SUMMARY).await;
        !self
            .0
            .client
            .find_all(Locator::Css(Self::NEXT))
            .await
            .expect("the links")
            .is_empty()
    }

    pub async fn next(&self) {
        self.0.click(Self::NEXT).await;
    }

    /// Waits for Next to link to `href` (the list from the offset the server's answer gave), and follows it.
    pub async fn next_to(&self, href: &str) {
        self.0
            .click(&format!("{}[href='{href}']", Self::NEXT))
            .await;
    }

    pub async fn previous(&self) {
        self.0.click(Self::PREVIOUS).await;
    }

    /// Follows the link to page `page`.
    pub async fn page(&self, page: u64) {
        self.0
            .click(&format!(".pagination a[aria-label='Page {page}']"))
            .await;
    }

    /// The page numbers offered, in order.
    pub async fn page_numbers(&self) -> Vec<String> {
        self.0.find(Self::SUMMARY).await;
        let mut numbers = Vec::new();
        for link in self
            .0
            .client
            .find_all(Locator::Css(".pagination a[aria-label^='Page ']"))
            .await
            .expect("the page links")
        {
            numbers.push(text_of(link).await);
        }
        numbers
    }

    /// The sizes "Rows per page" offers.
    pub async fn sizes(&self) -> Vec<String> {
        self.0.find(Self::SIZE_OPTIONS).await;
        let mut sizes = Vec::new();
        for option in self
            .0
            .client
            .find_all(Locator::Css(Self::SIZE_OPTIONS))
            .await
            .expect("the options")
        {
            sizes.push(
                option
                    .attr("value")
                    .await
                    .expect("the value")
                    .expect("a value attribute"),
            );
        }
        sizes
    }

    /// Chooses `size` rows per page.
    pub async fn choose_size(&self, size: &str) {
        self.0.select(".page-size select", size).await;
    }
}
