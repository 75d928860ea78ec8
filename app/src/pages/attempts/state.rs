//! The attempts list's state, apart from its view: the list state in the URL query, the loaded page,
//! live updates (on by default, paused while the tab is hidden), the attempts ticked for a bulk resend, the open attempt, and the resend asked for.

use std::sync::Arc;

use leptos::prelude::*;
use webhook_api::{Attempt, AttemptSortField, Page};

use super::{
    live::refresh_while_live,
    resend::{BulkSelection, EventsToResend},
    table::is_newest_first_page,
};
use crate::{
    api,
    components::remote::Remote,
    deliveries::{self, Try},
    query::ListQuery,
    router::{Location, use_location},
    routes,
    set::SortedSet,
};

#[derive(Clone, Copy)]
pub struct AttemptsState {
    /// The endpoint.
    pub id: u64,
    /// Page, size and order, from the URL query.
    pub query: Memo<ListQuery<AttemptSortField>>,
    pub data: Remote<Page<Attempt>>,
    pub auto_refresh: RwSignal<bool>,
    /// Ids of the attempts ticked for bulk resend.
    pub selected: RwSignal<SortedSet<u64>>,
    /// The attempt whose panel is open.
    pub open: RwSignal<Option<u64>>,
    /// The resend dialog's events, while it is open.
    pub resend: RwSignal<Option<EventsToResend>>,
    /// The path of the page showing the list (its query holds the list state).
    base: StoredValue<String>,
    location: Location,
}

impl AttemptsState {
    /// The attempts of endpoint `id` on the page at `base`, loaded again whenever `reload_on` changes.
    pub fn new(id: u64, base: String, reload_on: Option<Signal<u32>>) -> Self {
        let location = use_location();
        let query = Memo::new(move |_| {
            location.with_query(|get| ListQuery::<AttemptSortField>::from_query(get))
        });
        let data = Remote::new(move |client| {
            if let Some(reload_on) = reload_on {
                reload_on.track();
            }
            let query = query.get();
            async move { api::list_attempts(&client, id, &query).await }
        });
        let this = Self {
            id,
            query,
            data,
            auto_refresh: RwSignal::new(true),
            selected: RwSignal::new(SortedSet::new()),
            open: RwSignal::new(None),
            resend: RwSignal::new(None),
            base: StoredValue::new(base),
            location,
        };
        refresh_while_live(this.auto_refresh, move || this.data.reload());
        this.forget_rows_of_another_page();
        this
    }

    /// A new page or order shows other rows: forget what was ticked and opened.
    fn forget_rows_of_another_page(self) {
        Effect::watch(
            move || self.query.get(),
            move |_, _, _| {
                self.selected.set(SortedSet::new());
                self.open.set(None);
            },
            false,
        );
    }

    /// The path of the page showing the list.
    pub fn base(&self) -> String {
        self.base.get_value()
    }

    /// Shows the list as `next` says (page, size, order).
    pub fn go(&self, next: ListQuery<AttemptSortField>) {
        let href = self
            .base
            .with_value(|base| routes::attempts_with(base, &next));
        self.location.navigate(&href, false);
    }

    /// What the ticked attempts on the page give a bulk resend.
    pub fn bulk_selection(&self) -> BulkSelection {
        self.data.with_loaded(|page| {
            let attempts = page.map_or(&[][..], |page| &page.results);
            self.selected
                .with(|ticked| BulkSelection::of(attempts, ticked))
        })
    }

    /// The open attempt as the page has it, as a try of its event; a memo, so that a refresh that
    /// leaves it unchanged leaves its panel alone.
    pub fn open_attempt(&self) -> Memo<Option<Try>> {
        let (open, data, query) = (self.open, self.data, self.query);
        Memo::new(move |_| {
            let id = open.get()?;
            let newest = query.with(is_newest_first_page);
            data.with_loaded(|page| {
                let attempts: Vec<Arc<Attempt>> =
                    page?.results.iter().cloned().map(Arc::new).collect();
                deliveries::tries_of(&attempts, newest)
                    .into_iter()
                    .find(|t| t.attempt.id == id)
            })
        })
    }

    /// After a resend went through: the dialog closes, the ticks go, the list reloads.
    pub fn resent(&self) {
        self.resend.set(None);
        self.selected.set(SortedSet::new());
        self.data.reload();
    }
}
