//! The attempts table: outcome (colour, symbol and text), response, event, times, duration (when the
//! server sends durations: the platform's reference has none); selectable rows for bulk resend; a row
//! opens its detail.

use std::sync::Arc;

use leptos::prelude::*;
use webhook_api::{Attempt, AttemptSortField, Ordering};

use super::outcome::{self, badge};
use crate::{
    clock::use_now,
    components::{
        datetime::RelativeTime,
        sort_header::{SortHeader, SortState},
    },
    deliveries::{self, Try, TryKind},
    query::ListQuery,
    routes,
    set::SortedSet,
    time,
};

/// The server's default order: newest first.
pub const DEFAULT_ORDERING: Ordering<AttemptSortField> = Ordering {
    field: AttemptSortField::CreatedAt,
    descending: true,
};

#[component]
pub fn AttemptTable(
    attempts: Vec<Attempt>,
    query: ListQuery<AttemptSortField>,
    /// The page the table is on, for the sort links.
    #[prop(into)]
    base: String,
    /// Ids of the attempts ticked for bulk resend.
    selected: RwSignal<SortedSet<u64>>,
    /// The attempt whose detail is open.
    open: RwSignal<Option<u64>>,
) -> impl IntoView {
    let current = query.effective_ordering(DEFAULT_ORDERING);
    let header = |label: &'static str, field: AttemptSortField, class: &'static str| {
        let state = match (current.field == field, current.descending) {
            (false, _) => SortState::Unsorted,
            (true, true) => SortState::Descending,
            (true, false) => SortState::Ascending,
        };
        let href = routes::attempts_with(&base, &query.sorted_by(field, DEFAULT_ORDERING, true));
        view! { <SortHeader label state=Signal::stored(state) href=Signal::stored(href) class=class /> }
    };
    let ids: Vec<u64> = attempts.iter().map(|a| a.id).collect();
    let durations = attempts.iter().any(|a| a.duration_ms.is_some());
    // What each attempt became, from the others of its event on the page; a retry on a newer page
    // cannot be seen from here unless this is the first page, newest first.
    let attempts: Vec<Arc<Attempt>> = attempts.into_iter().map(Arc::new).collect();
    let tries = deliveries::tries_of(&attempts, is_newest_first_page(&query));
    let page_ids = StoredValue::new(ids);
    let all_selected = move || {
        page_ids.with_value(|ids| {
            !ids.is_empty() && selected.with(|s| ids.iter().all(|id| s.contains(id)))
        })
    };
    let some_selected =
        move || page_ids.with_value(|ids| selected.with(|s| ids.iter().any(|id| s.contains(id))));
    let toggle_all = move |_| {
        let select = !all_selected();
        page_ids.with_value(|ids| {
            selected.update(|s| {
                for id in ids {
                    if select {
                        s.insert(*id);
                    } else {
                        s.remove(id);
                    }
                }
            })
        });
    };
    view! {
        <div class="table-wrap cards">
            <table class="table attempts-table">
                <caption class="visually-hidden">"Delivery attempts"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="col-select">
                            <input
                                type="checkbox"
                                aria-label="Select every attempt on this page"
                                prop:checked=all_selected
                                prop:indeterminate=move || some_selected() && !all_selected()
                                on:change=toggle_all
                            />
                        </th>
                        <th scope="col">"Outcome"</th>
                        <th scope="col">"Response"</th>
                        <th scope="col">"Event"</th>
                        {header("Created", AttemptSortField::CreatedAt, "col-created")}
                        {header("Sent", AttemptSortField::SentAt, "col-sent")}
                        {header("Next retry", AttemptSortField::NextRetry, "col-retry")}
                        {durations.then(|| view! { <th scope="col" class="col-duration">"Duration"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {tries
                        .into_iter()
                        .map(|tried| view! { <AttemptRow tried durations selected open /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The first page in the server's default order: nothing newer exists beyond it.
pub fn is_newest_first_page(query: &ListQuery<AttemptSortField>) -> bool {
    query.offset == 0 && query.effective_ordering(DEFAULT_ORDERING) == DEFAULT_ORDERING
}

#[component]
fn AttemptRow(
    tried: Try,
    /// Whether the table has the duration column.
    durations: bool,
    selected: RwSignal<SortedSet<u64>>,
    open: RwSignal<Option<u64>>,
) -> impl IntoView {
    let attempt = Arc::clone(&tried.attempt);
    let id = attempt.id;
    let now = use_now();
    let for_outcome = tried.clone();
    let outcome = Memo::new(move |_| for_outcome.outcome(now()));
    let is_open = move || open.get() == Some(id);
    let event_label = match deliveries::event_id(&attempt) {
        Some(event) => format!("{} · {event}", attempt.event.event_type),
        None => attempt.event.event_type.clone(),
    };
    view! {
        <tr
            data-attempt-id=id.to_string()
            data-key=id.to_string()
            class=("selected", is_open)
            class=move || format!("outcome-row-{}", outcome.get().as_str())
        >
            <td class="col-select">
                <input
                    type="checkbox"
                    aria-label=format!("Select attempt {id}")
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            if on {
                                s.insert(id);
                            } else {
                                s.remove(&id);
                            }
                        });
                    }
                />
            </td>
            <td class="col-outcome" data-label="Outcome">
                {move || {
                    let outcome = outcome.get();
                    badge(outcome.as_str(), outcome.icon(), outcome.label())
                }}
                {(tried.kind == TryKind::Resend).then(|| view! { " " <span class="tag">"resend"</span> })}
            </td>
            <td class="col-response" data-label="Response">{outcome::response_summary(&attempt)}</td>
            <td class="col-event" data-label="Event">
                <button
                    type="button"
                    class="button link event-open"
                    aria-expanded=move || is_open().to_string()
                    on:click=move |_| open.update(|o| *o = if *o == Some(id) { None } else { Some(id) })
                >
                    <code>{event_label}</code>
                </button>
            </td>
            <td class="col-created" data-label="Created">
                <RelativeTime iso=attempt.created_at.clone() />
            </td>
            <td class="col-sent" data-label="Sent">
                {match attempt.sent_at.clone() {
                    Some(iso) => view! { <RelativeTime iso /> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            <td class="col-retry" data-label="Next retry">
                {outcome::next_retry(&tried)}
            </td>
            {durations.then(|| view! {
                <td class="col-duration" data-label="Duration">
                    {attempt.duration_ms.map(time::duration).unwrap_or_else(|| "—".to_owned())}
                </td>
            })}
        </tr>
    }
}
