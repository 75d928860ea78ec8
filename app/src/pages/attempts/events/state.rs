//! The event view's state, apart from its view: the filters (from the URL), the scan of the window's
//! attempts and what it loaded, the events derived from them, live updates, and what is open.
//!
//! One request loop runs at a time (a scan, its continuation, or a live refresh); a new window starts
//! a new scan and aborts the old one's request, and so does leaving the screen.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use webhook_api::AttemptSortField;

use super::{
    export,
    filters::{Bounds, EventFilters},
    recover::Recovery,
};
use crate::{
    api::{self, ApiError, Client},
    components::datetime::exact,
    deliveries::{
        EventDeliveries, EventKey, Try, by_event,
        scan::{Loaded, SCAN_CAP, SCAN_PAGE, Scan},
    },
    pages::attempts::{live::refresh_while_live, resend::EventsToResend},
    paging::PageInfo,
    query::ListQuery,
    router::{Location, use_location},
    session::{SessionCtx, use_session},
    set::SortedSet,
};

/// What the view says once the admin acts on recover.
#[derive(Clone, Debug, PartialEq)]
pub enum RecoverNote {
    /// Every event was sent.
    Done(Recovery),
    /// The session ended midway (before this screen was shown again).
    Interrupted(Recovery),
}

#[derive(Clone, Copy)]
pub struct EventsState {
    /// The endpoint.
    pub id: u64,
    pub filters: Memo<EventFilters>,
    /// The window of the current scan.
    pub bounds: RwSignal<Bounds>,
    pub loaded: RwSignal<Loaded>,
    pub scan: RwSignal<Scan>,
    /// Why the last request failed.
    pub error: RwSignal<Option<ApiError>>,
    /// Every loaded event, newest first.
    pub events: Memo<Vec<EventDeliveries>>,
    /// The events the filters show.
    pub shown: Memo<Vec<EventDeliveries>>,
    pub live: RwSignal<bool>,
    /// The events whose tries are open.
    pub open: RwSignal<SortedSet<EventKey>>,
    /// The attempt whose panel is open.
    pub open_try: RwSignal<Option<u64>>,
    /// Said politely to screen readers: new rows from a live update.
    pub announcement: RwSignal<String>,
    pub resend: RwSignal<Option<EventsToResend>>,
    /// The recover dialog's events, while it is open.
    pub recover: RwSignal<Option<Recovery>>,
    pub note: RwSignal<Option<RecoverNote>>,
    /// A request loop is running.
    pub busy: RwSignal<bool>,
    /// Bumped for each request loop; a loop whose number is not the latest stops.
    run: StoredValue<u64>,
    abort: StoredValue<Option<SendWrapper<web_sys::AbortController>>>,
    on_missing: Option<Callback<()>>,
    base: StoredValue<String>,
    session: SessionCtx,
    location: Location,
}

impl EventsState {
    pub fn new(
        id: u64,
        base: String,
        reload_on: Option<Signal<u32>>,
        on_missing: Option<Callback<()>>,
    ) -> Self {
        let location = use_location();
        let filters = Memo::new(move |_| location.with_query(|get| EventFilters::from_query(get)));
        let loaded = RwSignal::new(Loaded::default());
        let scan = RwSignal::new(Scan::new(None, SCAN_CAP));
        // Derived again whenever attempts come (never compared: always new).
        let events = Memo::new_with_compare(
            move |_| loaded.with(|l| by_event(l.rows(), scan.with(Scan::coverage))),
            |_, _| true,
        );
        let bounds = RwSignal::new(Bounds {
            start: 0.0,
            end: None,
        });
        let shown = Memo::new_with_compare(
            move |_| {
                let filters = filters.get();
                let bounds = bounds.get();
                events.with(|all| {
                    all.iter()
                        .filter(|event| filters.shows(event, &bounds))
                        .cloned()
                        .collect()
                })
            },
            |_, _| true,
        );
        let this = Self {
            id,
            filters,
            bounds,
            loaded,
            scan,
            error: RwSignal::new(None),
            events,
            shown,
            live: RwSignal::new(true),
            open: RwSignal::new(SortedSet::new()),
            open_try: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            resend: RwSignal::new(None),
            recover: RwSignal::new(None),
            note: RwSignal::new(super::recover::take_interrupted(id).map(RecoverNote::Interrupted)),
            busy: RwSignal::new(false),
            run: StoredValue::new(0),
            abort: StoredValue::new(None),
            on_missing,
            base: StoredValue::new(base),
            session: use_session(),
            location,
        };
        this.scan_each_window(reload_on);
        refresh_while_live(this.live, move || this.refresh());
        this
    }

    /// A new scan when the window changes or the page asks (`reload_on`); the old
    /// one's request is aborted, as it is when the screen goes.
    fn scan_each_window(self, reload_on: Option<Signal<u32>>) {
        let window = Memo::new(move |_| self.filters.with(|f| (f.window, f.from, f.to)));
        Effect::new(move |_| {
            window.track();
            if let Some(reload_on) = reload_on {
                reload_on.track();
            }
            let bounds = self
                .filters
                .with_untracked(|f| f.bounds(js_sys::Date::now()));
            self.bounds.set(bounds);
            self.loaded.set(Loaded::default());
            self.scan.set(Scan::new(Some(bounds.start), SCAN_CAP));
            self.error.set(None);
            self.go_on();
            on_cleanup(move || self.cancel());
        });
    }

    /// Stops the request under way, if any.
    fn cancel(&self) {
        self.run.try_update_value(|run| *run += 1);
        if let Some(Some(controller)) = self.abort.try_get_value() {
            controller.abort();
        }
        self.busy.try_set(false);
    }

    /// A client whose requests stop with this loop, and the loop's number.
    fn start_loop(&self) -> (Client, u64) {
        self.cancel();
        let run = self.run.get_value();
        let mut client = self.session.client();
        let controller = web_sys::AbortController::new().ok();
        if let Some(controller) = &controller {
            client = client.with_abort(controller.signal());
        }
        self.abort.set_value(controller.map(SendWrapper::new));
        self.busy.set(true);
        (client, run)
    }

    fn is_current(&self, run: u64) -> bool {
        self.run.try_get_value() == Some(run)
    }

    /// Runs the scan on from where it is, to its end.
    pub fn go_on(&self) {
        let this = *self;
        let (client, run) = this.start_loop();
        leptos::task::spawn_local(async move {
            let result = this.scan_pages(&client, run).await;
            if this.is_current(run) {
                this.busy.set(false);
                if let Err(error) = result {
                    this.scan.update(Scan::stop);
                    this.failed(error);
                }
            }
        });
    }

    async fn scan_pages(self, client: &Client, run: u64) -> Result<(), ApiError> {
        while let Some(offset) = self
            .scan
            .with_untracked(|s| s.running().then_some(s.offset))
        {
            let page = api::list_attempts(client, self.id, &page_at(offset)).await?;
            if !self.is_current(run) {
                return Ok(());
            }
            let info = PageInfo::of(&page, offset, SCAN_PAGE);
            let Some((times, count)) = self.loaded.try_update(|loaded| {
                let times = loaded.add_older(page.results);
                (times, loaded.len())
            }) else {
                return Ok(());
            };
            self.scan.update(|scan| {
                scan.answered(&info, &times, count);
            });
        }
        Ok(())
    }

    /// Stops the scan where it is (the admin).
    pub fn stop(&self) {
        self.cancel();
        self.scan.update(Scan::stop);
    }

    /// After an error or a stop: on from where it was.
    pub fn resume(&self) {
        self.error.set(None);
        self.scan.update(Scan::resume);
        self.go_on();
    }

    /// Loads further back, to `until` (an event's earlier tries).
    pub fn load_earlier(&self, until: f64) {
        let mut more = false;
        self.scan.update(|scan| more = scan.extend_to(until));
        if more && !self.busy.get_untracked() {
            self.go_on();
        }
    }

    /// A live update: the newest attempts, a page at a time until one holds attempts already loaded.
    /// Skipped while another request loop runs (a scan already starts from the newest).
    pub fn refresh(&self) {
        if self.busy.get_untracked() {
            return;
        }
        let this = *self;
        let (client, run) = this.start_loop();
        let events_before = this.events.with_untracked(Vec::len);
        leptos::task::spawn_local(async move {
            let result = this.newest_pages(&client, run).await;
            if !this.is_current(run) {
                return;
            }
            this.busy.set(false);
            match result {
                Ok(()) => {
                    this.error.set(None);
                    let new = this
                        .events
                        .with_untracked(Vec::len)
                        .saturating_sub(events_before);
                    if new > 0 {
                        this.announcement.set(match new {
                            1 => "1 new event".to_owned(),
                            n => format!("{n} new events"),
                        });
                    }
                }
                Err(error) => this.failed(error),
            }
        });
    }

    async fn newest_pages(self, client: &Client, run: u64) -> Result<(), ApiError> {
        let mut offset = 0;
        loop {
            let page = api::list_attempts(client, self.id, &page_at(offset)).await?;
            if !self.is_current(run) {
                return Ok(());
            }
            let info = PageInfo::of(&page, offset, SCAN_PAGE);
            let came = page.results.len();
            let (added, count) = self
                .loaded
                .try_update(|loaded| (loaded.add_newer(page.results), loaded.len()))
                .unwrap_or((0, 0));
            match info.next {
                Some(next) if added == came && count < SCAN_CAP => offset = next,
                _ => return Ok(()),
            }
        }
    }

    /// A request failed: a gone endpoint is the page's to show; anything else says so here.
    fn failed(&self, error: ApiError) {
        if error.is_not_found()
            && let Some(on_missing) = self.on_missing
        {
            on_missing.run(());
            return;
        }
        self.error.set(Some(error));
    }

    /// Shows the view as `next` says (filters, page).
    pub fn go(&self, next: &EventFilters) {
        self.location.navigate(&self.href(next), false);
    }

    /// The link to the view as `next` says: the page's path with the filters' query.
    pub fn href(&self, next: &EventFilters) -> String {
        self.base
            .with_value(|base| format!("{base}{}", next.to_query_string()))
    }

    /// Opens or closes the tries of event `key`.
    pub fn toggle(&self, key: EventKey) {
        self.open.update(|open| {
            if !open.remove(&key) {
                open.insert(key);
            }
        });
    }

    /// Goes to `path` (another screen).
    pub fn navigate(&self, path: &str) {
        self.location.navigate(path, false);
    }

    /// The open try, as a memo: a live update that leaves it unchanged leaves its panel alone.
    pub fn open_try_memo(&self) -> Memo<Option<Try>> {
        let (open, events) = (self.open_try, self.events);
        Memo::new(move |_| {
            let id = open.get()?;
            events.with(|events| {
                events
                    .iter()
                    .flat_map(|e| e.tries.iter())
                    .find(|t| t.attempt.id == id)
                    .cloned()
            })
        })
    }

    /// What "Resend failed events" sends: each event of the window (and of the type chosen, whatever
    /// the state filter) that no try delivered and that will not be retried by itself, and that names
    /// its id; oldest first.
    pub fn failed_events(&self) -> Vec<(u64, String)> {
        let now = js_sys::Date::now();
        let bounds = self.bounds.get();
        let event_type = self.filters.with(|f| f.event_type.clone());
        let mut events: Vec<(u64, String)> = self.events.with(|events| {
            events
                .iter()
                .filter(|e| {
                    bounds.contains(e) && event_type.as_ref().is_none_or(|t| *t == e.event_type)
                })
                .filter(|e| e.state(now).needs_resend())
                .filter_map(|e| Some((e.event_id?, e.event_type.clone())))
                .collect()
        });
        events.reverse();
        events
    }

    /// Opens the recover dialog with the events it would send now.
    pub fn open_recover(&self) {
        self.note.set(None);
        self.recover.set(Some(Recovery::new(self.failed_events())));
    }

    /// Where the recovered events come from, in words: "since 1 May, 14:00 (user.created)".
    pub fn scope(&self) -> String {
        let bounds = self.bounds.get_untracked();
        let mut scope = format!("since {}", exact(bounds.start));
        if let Some(end) = bounds.end {
            scope.push_str(&format!(" until {}", exact(end)));
        }
        if let Some(event_type) = self.filters.with_untracked(|f| f.event_type.clone()) {
            scope.push_str(&format!(" of type {event_type}"));
        }
        scope
    }

    /// Downloads the events the filters show (every page), one attempt a line: CSV or NDJSON.
    pub fn export(&self, ndjson: bool) {
        let now = js_sys::Date::now();
        let (contents, extension, mime) = self.shown.with_untracked(|events| {
            if ndjson {
                (
                    export::ndjson(events, now),
                    "ndjson",
                    "application/x-ndjson",
                )
            } else {
                (export::csv(events, now), "csv", "text/csv;charset=utf-8")
            }
        });
        let stamp = crate::time::iso8601(now).replace([':', '.'], "-");
        let name = format!("endpoint-{}-deliveries-{stamp}.{extension}", self.id);
        // A browser without Blob URLs has no download either: nothing to say beyond the button doing nothing.
        let _ = export::download(&name, mime, &contents);
    }

    /// After a resend or a recovery went through: the dialog closes, the new attempts come in.
    pub fn resent(&self) {
        self.resend.set(None);
        self.refresh();
    }
}

/// A scan's request from `offset`, newest first.
fn page_at(offset: u64) -> ListQuery<AttemptSortField> {
    ListQuery::default()
        .with_size(SCAN_PAGE)
        .with_offset(offset)
}
