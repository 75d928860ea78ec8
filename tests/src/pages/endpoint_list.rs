//! `/endpoints`: the table with its search, sorting, page size and pagination; the active switch, edit
//! and delete on each row.

use fantoccini::{Locator, elements::Element};

use super::text_of;
use crate::Ctx;

pub struct EndpointListPage<'a>(pub(super) &'a Ctx);

impl EndpointListPage<'_> {
    const ROWS: &'static str = "table.endpoints-table tbody tr";
    const SUMMARY: &'static str = ".pagination-summary";
    const EMPTY_TITLE: &'static str = ".empty-state h2";
    const SEARCH: &'static str = "#endpoint-search";
    const SWITCH: &'static str = "tbody input[role=switch]";
    /// The header's "New endpoint".
    pub const NEW_ENDPOINT: &'static str = ".page-header a.button.primary";

    /// Opens `/endpoints` with `query` (e.g. `?size=10`, or empty).
    pub async fn open(&self, query: &str) {
        self.0.goto(&format!("/endpoints{query}")).await;
    }

    /// Waits for the first row; returns it.
    pub async fn first_row(&self) -> Element {
        self.0.find(Self::ROWS).await
    }

    /// How many rows the table shows (once it shows one).
    pub async fn row_count(&self) -> usize {
        self.first_row().await;
        self.0
            .client
            .find_all(Locator::Css(Self::ROWS))
            .await
            .expect("the rows")
            .len()
    }

    /// Waits for the row that says `text` (a target, say); returns its text.
    pub async fn row(&self, text: &str) -> String {
        text_of(self.0.find_text(Self::ROWS, text).await).await
    }

    /// Waits until no row says `text`.
    pub async fn no_row(&self, text: &str) {
        self.0.wait_for_absence(Self::ROWS, Some(text)).await;
    }

    /// The targets of the rows shown, in order (once a row shows).
    pub async fn targets(&self) -> Vec<String> {
        self.first_row().await;
        let mut targets = Vec::new();
        for cell in self
            .0
            .client
            .find_all(Locator::Css("table.endpoints-table tbody tr .target"))
            .await
            .expect("the targets")
        {
            targets.push(text_of(cell).await);
        }
        targets
    }

    /// Waits for the first row's target to say `text`.
    pub async fn first_target(&self, text: &str) {
        self.0.find_text("tbody tr:first-child .target", text).await;
    }

    /// Waits for the pagination summary to say `text` ("1–20 of 25 endpoints").
    pub async fn summary(&self, text: &str) {
        self.0.find_text(Self::SUMMARY, text).await;
    }

    /// Waits for the empty state titled `title` ("No endpoints yet", "No match").
    pub async fn empty(&self, title: &str) {
        self.0.find_text(Self::EMPTY_TITLE, title).await;
    }

    /// Follows the empty state's link that says `label`.
    pub async fn follow_empty_link(&self, label: &str) {
        self.0.click_text(".empty-state a", label).await;
    }

    /// Follows the header's "New endpoint".
    pub async fn new_endpoint(&self) {
        self.0.click_text(".page-header a", "New endpoint").await;
    }

    /// Sorts by the column whose class is `col-<column>` (`created`, `updated`, `active`).
    pub async fn sort_by(&self, column: &str) {
        self.0.click(&format!("th.col-{column} a")).await;
    }

    /// The `aria-sort` of that column's header.
    pub async fn sort_of(&self, column: &str) -> Option<String> {
        self.0
            .find(&format!("th.col-{column}"))
            .await
            .attr("aria-sort")
            .await
            .expect("aria-sort")
    }

    pub async fn next_page(&self) {
        self.0.click("a[aria-label='Next page']").await;
    }

    /// Chooses `size` rows per page.
    pub async fn page_size(&self, size: &str) {
        self.0.select(".page-size select", size).await;
    }

    /// Types `text` into the search box.
    pub async fn search(&self, text: &str) {
        self.0.type_into(Self::SEARCH, text).await;
    }

    /// What the search box holds.
    pub async fn search_text(&self) -> String {
        self.0.input_value(Self::SEARCH).await
    }

    /// The first row's active switch.
    pub async fn active_switch(&self) -> Element {
        self.0.find(Self::SWITCH).await
    }

    /// Whether the first row's switch is on (`"true"`/`"false"`).
    pub async fn switch_checked(&self) -> Option<String> {
        self.active_switch()
            .await
            .prop("checked")
            .await
            .expect("checked")
    }

    /// Clicks the first row's switch (turning it off opens a confirmation: see `Dialog`).
    pub async fn click_switch(&self) {
        self.active_switch()
            .await
            .click()
            .await
            .expect("click the switch");
    }

    /// Waits until the first row's switch says `label` ("On", "Off") and the server answered.
    pub async fn switch_says(&self, label: &str) {
        self.0.find_text("tbody .switch-label", label).await;
        self.0
            .wait_for_absence("tbody input[role=switch][aria-disabled=true]", None)
            .await;
    }

    /// Opens the first row's subscribed events; returns them.
    pub async fn events_of_first(&self) -> Vec<String> {
        self.0.click("tbody tr:first-child .event-count").await;
        self.0
            .find("tbody tr:first-child details[open] .chip")
            .await;
        let mut events = Vec::new();
        for chip in self
            .0
            .client
            .find_all(Locator::Css("tbody tr:first-child details[open] .chip"))
            .await
            .expect("the events")
        {
            events.push(text_of(chip).await);
        }
        events
    }

    /// Follows the first row's "Edit".
    pub async fn edit_first(&self) {
        self.0.click_text("tbody a.button", "Edit").await;
    }

    /// Clicks "Delete" on the row of `target`.
    pub async fn delete(&self, target: &str) {
        self.0.click(&Self::delete_button(target)).await;
    }

    /// Clicks the first row's "Delete".
    pub async fn delete_first(&self) {
        let delete = self.0.find("tbody button.danger-text").await;
        self.0
            .click_element(delete, "the first delete button")
            .await;
    }

    /// The accessible name of the row's "Delete" for `target` (where focus returns after its dialog).
    pub fn delete_label(target: &str) -> String {
        format!("Delete {target}")
    }

    fn delete_button(target: &str) -> String {
        format!("button[aria-label='{}']", Self::delete_label(target))
    }
}
