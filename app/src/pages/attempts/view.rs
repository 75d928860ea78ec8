//! The attempts list as shown on the detail page and on its own page: toolbar (auto-refresh, resend the
//! selection, page size), the table, pagination, and the open attempt's detail. Page, size and order
//! live in the URL query.

use std::time::Duration;

use leptos::{html, prelude::*};
use webhook_api::{Attempt, AttemptSortField, Page, validate::BULK_RESEND_MAX};

use super::{AttemptDetail, AttemptTable, ResendDialog, ResendRequestKind};
use crate::{
    api,
    components::{
        pagination::{PageSizeSelect, Pagination},
        remote::{Remote, loaded},
        skeleton::TableSkeleton,
    },
    focus,
    outcome::event_id,
    pages::signature_tool::SignatureToolInput,
    query::{ListQuery, PageInfo},
    router::use_location,
    routes,
    set::SortedSet,
};

/// How often auto-refresh re-polls.
pub const AUTO_REFRESH: Duration = Duration::from_secs(5);

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
    let location = use_location();
    let query = Memo::new(move |_| {
        location.with_query(|get| ListQuery::<AttemptSortField>::from_query(get))
    });
    let data = Remote::new(move |client| {
        if let Some(reload_on) = reload_on {
            reload_on.track();
        }
        let query = query.get();
        async move { api::attempts(&client, id, &query).await }
    });
    let auto_refresh = RwSignal::new(false);
    Effect::new(move |_| {
        if auto_refresh.get()
            && let Ok(handle) = set_interval_with_handle(move || data.reload(), AUTO_REFRESH)
        {
            on_cleanup(move || handle.clear());
        }
    });
    let selected = RwSignal::new(SortedSet::<u64>::new());
    let open = RwSignal::new(None::<u64>);
    let resend = RwSignal::new(None::<ResendRequestKind>);
    // A new page or order shows other rows: forget what was ticked and opened.
    Effect::watch(
        move || query.get(),
        move |_, _, _| {
            selected.set(SortedSet::new());
            open.set(None);
        },
        false,
    );
    let selected_events = move || -> Vec<u64> {
        data.with_loaded(|page| {
            let Some(page) = page else {
                return Vec::new();
            };
            selected.with(|s| {
                let events: SortedSet<u64> = page
                    .results
                    .iter()
                    .filter(|a| s.contains(&a.id))
                    .filter_map(event_id)
                    .collect();
                events.into_iter().collect()
            })
        })
    };
    // A memo, so that a refresh that leaves the open attempt unchanged leaves its panel alone.
    let open_attempt = Memo::new(move |_| {
        let id = open.get()?;
        data.with_loaded(|page| page?.results.iter().find(|a| a.id == id).cloned())
    });
    // The attempt whose panel is on screen: a refresh that changed it rebuilds the panel, which then
    // leaves focus where the admin is (or on the same control, if it was inside the old panel).
    let panel_of = StoredValue::new(None::<u64>);
    let section = NodeRef::<html::Section>::new();
    let base = StoredValue::new(base);
    let go = move |next: ListQuery<AttemptSortField>| {
        let href = base.with_value(|b| routes::attempts_with(b, &next));
        location.navigate(&href, false);
    };

    view! {
        <section node_ref=section class="attempts" aria-labelledby="attempts-title">
            <div class="section-header">
                <h2 id="attempts-title">"Delivery attempts"</h2>
                <div class="toolbar-actions">
                    <label class="switch">
                        <input type="checkbox" role="switch" bind:checked=auto_refresh />
                        <span class="switch-track" aria-hidden="true"></span>
                        <span class="switch-label">"Auto-refresh every 5 s"</span>
                    </label>
                    <button type="button" class="button small" on:click=move |_| data.reload()>
                        "Refresh"
                    </button>
                    <button
                        type="button"
                        class="button small primary"
                        disabled=move || {
                            let n = selected_events().len();
                            n == 0 || n > BULK_RESEND_MAX
                        }
                        on:click=move |_| resend.set(Some(ResendRequestKind::Many(selected_events())))
                    >
                        {move || match selected_events().len() {
                            0 => "Resend selected".to_owned(),
                            1 => "Resend 1 event".to_owned(),
                            n => format!("Resend {n} events"),
                        }}
                    </button>
                    <PageSizeSelect
                        size=Signal::derive(move || query.with(|q| q.size))
                        on_change=Callback::new(move |size| go(query.get_untracked().with_size(size)))
                    />
                </div>
            </div>
            {loaded(
                data,
                "Could not load the attempts",
                || view! { <TableSkeleton rows=5 columns=8 /> }.into_any(),
                move |page| {
                    let q = query.get_untracked();
                    let base = base.get_value();
                    view! { <LoadedAttempts page query=q base selected open /> }.into_any()
                },
            )}
            {move || {
                let Some(attempt) = open_attempt.get() else {
                    panel_of.set_value(None);
                    return None;
                };
                let opened = panel_of.get_value() != Some(attempt.id);
                panel_of.set_value(Some(attempt.id));
                let panel = move || section.get_untracked()?.query_selector(".attempt-detail").ok().flatten();
                if let Some(position) = panel().and_then(|old| focus::position(&old)) {
                    request_animation_frame(move || {
                        if let Some(new) = panel() {
                            focus::restore(&new, &position);
                        }
                    });
                }
                Some(view! {
                    <AttemptDetail
                        attempt
                        take_focus=opened
                        on_close=Callback::new(move |()| open.set(None))
                        on_resend=Callback::new(move |a: Attempt| {
                            if let Some(event) = event_id(&a) {
                                resend.set(Some(ResendRequestKind::One { event, event_type: a.event.event_type }));
                            }
                        })
                        on_open_in_tool=Callback::new(move |a: Attempt| {
                            SignatureToolInput::open(a.http_request_body, a.http_request_signature_header);
                            location.navigate(&routes::signature_tool(), false);
                        })
                    />
                })
            }}
            {move || {
                resend.get().map(|kind| view! {
                    <ResendDialog
                        endpoint_id=id
                        kind
                        on_close=Callback::new(move |()| resend.set(None))
                        on_sent=Callback::new(move |()| {
                            resend.set(None);
                            selected.set(SortedSet::new());
                            data.reload();
                        })
                    />
                })
            }}
        </section>
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
    let info = PageInfo {
        count: page.count,
        page: query.page,
        size: query.size,
    };
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
        let last = query.with_page(info.total_pages());
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
            href=Callback::new(move |n| routes::attempts_with(&href_base, &href_query.with_page(n)))
        />
    }
    .into_any()
}
