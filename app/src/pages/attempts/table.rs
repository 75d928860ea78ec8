//! The attempts table: outcome (colour, symbol and text), response, event, times, duration (when the
//! server sends durations: the platform's reference has none); selectable rows for bulk resend; a row
//! opens its detail.

use leptos::prelude::*;
use webhook_api::{Attempt, AttemptSortField, Ordering};

use super::outcome::{self, classify, event_id};
use crate::{
    components::{
        datetime::{Countdown, RelativeTime},
        sort_header::{SortHeader, SortState},
    },
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
                    {attempts
                        .into_iter()
                        .map(|attempt| view! { <AttemptRow attempt durations selected open /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn AttemptRow(
    attempt: Attempt,
    /// Whether the table has the duration column.
    durations: bool,
    selected: RwSignal<SortedSet<u64>>,
    open: RwSignal<Option<u64>>,
) -> impl IntoView {
    let id = attempt.id;
    let outcome = classify(&attempt);
    let is_open = move || open.get() == Some(id);
    let event_label = match event_id(&attempt) {
        Some(event) => format!("{} · {event}", attempt.event.event_type),
        None => attempt.event.event_type.clone(),
    };
    view! {
        <tr
            data-attempt-id=id.to_string()
            data-key=id.to_string()
            class=("selected", is_open)
            class=format!("outcome-row-{}", outcome.as_str())
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
                <span class=format!("outcome outcome-{}", outcome.as_str())>
                    <span aria-hidden="true">{outcome.icon()}</span>
                    " "
                    {outcome.label()}
                </span>
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
                {match attempt.next_retry.clone() {
                    Some(iso) => view! { <Countdown iso /> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </td>
            {durations.then(|| view! {
                <td class="col-duration" data-label="Duration">
                    {attempt.duration_ms.map(time::duration).unwrap_or_else(|| "—".to_owned())}
                </td>
            })}
        </tr>
    }
}
