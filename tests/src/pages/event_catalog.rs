//! `/events`: every event type, grouped by resource, with its subscribers and an example payload drawn
//! when opened; a filter over the types and groups, kept in the URL.

use fantoccini::Locator;

use crate::Ctx;

pub struct EventCatalogPage<'a>(pub(super) &'a Ctx);

impl EventCatalogPage<'_> {
    const FILTER: &'static str = "#event-filter";
    /// The cards the filter leaves (it hides the others).
    const CARDS: &'static str = ".event-card:not([hidden])";

    /// The card of `event_type` (its id, with the dot escaped).
    fn card(event_type: &str) -> String {
        format!("#event-{}", event_type.replace('.', "\\."))
    }

    /// Waits for the card of `event_type`.
    pub async fn card_shown(&self, event_type: &str) {
        self.0.find(&Self::card(event_type)).await;
    }

    /// Waits for `event_type`'s card to list a subscriber.
    pub async fn has_subscriber(&self, event_type: &str) {
        self.0
            .find(&format!("{} .subscriber-list a", Self::card(event_type)))
            .await;
    }

    /// Waits for `event_type`'s card to list the endpoint `target` as a subscriber.
    pub async fn subscriber(&self, event_type: &str, target: &str) {
        self.0
            .find_text(
                &format!("{} .subscriber-list a", Self::card(event_type)),
                target,
            )
            .await;
    }

    /// Waits for `event_type`'s subscribers to say `text` ("no endpoint").
    pub async fn subscribers_say(&self, event_type: &str, text: &str) {
        self.0
            .find_text(&format!("{} .subscribers", Self::card(event_type)), text)
            .await;
    }

    /// How many cards there are (once there is one).
    pub async fn card_count(&self) -> usize {
        self.0.find(Self::CARDS).await;
        self.0
            .client
            .find_all(Locator::Css(Self::CARDS))
            .await
            .expect("the cards")
            .len()
    }

    /// Waits for a group headed `resource`.
    pub async fn group(&self, resource: &str) {
        self.0.find_text(".event-group h2", resource).await;
    }

    /// Opens `event_type`'s example payload and waits for its `key`.
    pub async fn open_example(&self, event_type: &str, key: &str) {
        let card = Self::card(event_type);
        self.0.click(&format!("{card} details summary")).await;
        self.0.find_text(&format!("{card} .json-key"), key).await;
    }

    /// Types into the filter.
    pub async fn filter(&self, text: &str) {
        self.0.type_into(Self::FILTER, text).await;
    }

    /// What the filter holds.
    pub async fn filter_text(&self) -> String {
        self.0.input_value(Self::FILTER).await
    }

    /// Waits for the count above the cards to say `text` ("4 of 38 event types match").
    pub async fn count_says(&self, text: &str) {
        self.0.find_text(".catalog-count", text).await;
    }

    /// How many example payloads are drawn (an example is drawn when first opened).
    pub async fn examples_drawn(&self) -> usize {
        self.0.count(".event-card .example .json-viewer").await
    }

    /// Waits for a card that says `text`.
    pub async fn card_saying(&self, text: &str) {
        self.0.find_text(Self::CARDS, text).await;
    }

    /// Waits until no card says `text`.
    pub async fn no_card_saying(&self, text: &str) {
        self.0.wait_for_absence(Self::CARDS, Some(text)).await;
    }
}
