//! The attempts list as shown on the detail page and on its own page: toolbar (auto-refresh, resend the
//! selection, page size), the table, pagination, and the open attempt's detail. Page, size and order
//! live in the URL query; the rest of the list's state is [`AttemptsState`].

use leptos::{html, prelude::*};
use webhook_api::{Attempt, AttemptSortField, Page};

use super::{
    AttemptDetail, AttemptTable, ResendDialog,
    live::LiveSwitch,
    resend::{BulkSelection, EventsToResend},
    state::AttemptsState,
};
use crate::{
    components::{
        pagination::{PageSizeSelect, Pagination},
        remote::loaded,
        skeleton::TableSkeleton,
    },
    deliveries::event_id,
    focus,
    pages::signature_tool::SignatureToolInput,
    paging::PageInfo,
    query::ListQuery,
    router::use_location,
    routes,
    set::SortedSet,
};

#[component]
pub fn AttemptsView(
    /// The endpoint.
    id: u64,
    /// The path of the page showing the list (its query holds the list state).
    #[prop(into)]
    base: String,
    /// Reloads the list whenever it changes: the endpoint page bumps it after changing the endpoint,
    /// since deactivating one cancels its scheduled retries.
    #[prop(optional, into)]
    reload_on: Option<Signal<u32>>,
) -> impl IntoView {
    let list = AttemptsState::new(id, base, reload_on);
    let section = NodeRef::<html::Section>::new();
    let (selected, open) = (list.selected, list.open);
    let bulk = Memo::new(move |_| list.bulk_selection());
    view! {
        <section node_ref=section class="attempts" aria-labelledby="attempts-title">
            <div class="section-header">
                <h2 id="attempts-title">"Delivery attempts"</h2>
                <AttemptsToolbar list bulk />
            </div>
            // Why the ticked attempts cannot all be resent, as the attempt panel says it for one.
            <div class="bulk-resend-note" aria-live="polite">
                {move || bulk.with(BulkSelection::note).map(|note| view! {
                    <p id="bulk-resend-note" class="hint">{note}</p>
                })}
            </div>
            {loaded(
                list.data,
                "Could not load the attempts",
                || view! { <TableSkeleton rows=5 columns=8 /> }.into_any(),
                move |page| {
                    let query = list.query.get_untracked();
                    let base = list.base();
                    view! { <LoadedAttempts page query base selected open /> }.into_any()
                },
            )}
            <OpenAttempt list section />
            {move || {
                list.resend.get().map(|events| view! {
                    <ResendDialog
                        endpoint_id=list.id
                        events
                        on_close=Callback::new(move |()| list.resend.set(None))
                        on_sent=Callback::new(move |()| list.resent())
                    />
                })
            }}
        </section>
    }
}

/// Auto-refresh, refresh, resend the selection, page size.
#[component]
fn AttemptsToolbar(list: AttemptsState, bulk: Memo<BulkSelection>) -> impl IntoView {
    let query = list.query;
    view! {
        <div class="toolbar-actions">
            <LiveSwitch live=list.auto_refresh />
            <button type="button" class="button small" on:click=move |_| list.data.reload()>
                "Refresh"
            </button>
            <button
                type="button"
                class="button small primary"
                disabled=move || !bulk.with(BulkSelection::can_resend)
                aria-describedby=move || bulk.with(|b| b.note().is_some()).then_some("bulk-resend-note")
                on:click=move |_| {
                    list.resend.set(Some(EventsToResend::Many(bulk.with_untracked(|b| b.events.clone()))))
                }
            >
                {move || bulk.with(BulkSelection::label)}
            </button>
            <PageSizeSelect
                size=Signal::derive(move || query.with(|q| q.size))
                on_change=Callback::new(move |size| list.go(query.get_untracked().with_size(size)))
            />
        </div>
    }
}

/// The open attempt's panel. A refresh that changed the attempt rebuilds the panel, which then leaves
/// focus where the admin is (or on the same control, if it was inside the old panel).
#[component]
fn OpenAttempt(list: AttemptsState, section: NodeRef<html::Section>) -> impl IntoView {
    let location = use_location();
    let open_attempt = list.open_attempt();
    // The attempt whose panel is on screen.
    let panel_of = StoredValue::new(None::<u64>);
    move || {
        let Some(tried) = open_attempt.get() else {
            panel_of.set_value(None);
            return None;
        };
        let id = tried.attempt.id;
        let opened = panel_of.get_value() != Some(id);
        panel_of.set_value(Some(id));
        let panel = move || {
            section
                .get_untracked()?
                .query_selector(".attempt-detail")
                .ok()
                .flatten()
        };
        if let Some(position) = panel().and_then(|old| focus::position(&old)) {
            request_animation_frame(move || {
                if let Some(new) = panel() {
                    focus::restore(&new, &position);
                }
            });
        }
        Some(view! {
            <AttemptDetail
                tried
                take_focus=opened
                on_close=Callback::new(move |()| list.open.set(None))
                on_resend=Callback::new(move |a: Attempt| {
                    if let Some(event) = event_id(&a) {
                        list.resend.set(Some(EventsToResend::One { event, event_type: a.event.event_type }));
                    }
                })
                on_open_in_tool=Callback::new(move |a: Attempt| {
                    SignatureToolInput::open(a.http_request_body, a.http_request_signature_header);
                    location.navigate(&routes::signature_tool(), false);
                })
            />
        })
    }
}

/// One loaded page: the table and pagination, or why there is nothing.
#[component]
fn LoadedAttempts(
    page: Page<Attempt>,
    query: ListQuery<AttemptSortField>,
    base: String,
    selected: RwSignal<SortedSet<u64>>,
    open: RwSignal<Option<u64>>,
) -> impl IntoView {
    let info = PageInfo::of(&page, query.offset, query.size);
    if page.count == 0 {
        return view! {
            <div class="empty-state">
                <h3>"No attempts yet"</h3>
                <p>"When an event this endpoint subscribes to happens, each try to deliver it shows here."</p>
            </div>
        }
        .into_any();
    }
    if page.results.is_empty() {
        let last = query.with_offset(info.last_page_offset());
        return view! {
            <div class="empty-state">
                <h3>"Past the last page"</h3>
                <a href=routes::attempts_with(&base, &last) class="button">"Go to the last page"</a>
            </div>
        }
        .into_any();
    }
    let href_base = base.clone();
    let href_query = query.clone();
    view! {
        <AttemptTable attempts=page.results query base selected open />
        <Pagination
            info
            noun="attempts"
            href=Callback::new(move |offset| routes::attempts_with(&href_base, &href_query.with_offset(offset)))
        />
    }
    .into_any()
}
