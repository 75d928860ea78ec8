//! The events the filters show, a page at a time: one row per event (type and id, state, tries, last
//! response, when it happened, the next try); opening a row lists its tries in order, resends marked,
//! each opening its attempt's panel. Rows are keyed by event and newest try, so a live update adds
//! rows without rebuilding the others (open rows, focus and scroll stay).

use leptos::prelude::*;

use super::state::EventsState;
use crate::{
    clock::use_now,
    components::{
        datetime::{Countdown, RelativeTime},
        pagination::{PageSizeSelect, Pagination},
    },
    deliveries::{DeliveryState, EventDeliveries, TryKind},
    pages::attempts::outcome::{badge, response_summary},
    paging::PageInfo,
    time,
};

#[component]
pub fn EventTable(state: EventsState) -> impl IntoView {
    let filters = state.filters;
    let now = use_now();
    let info = Memo::new(move |_| {
        let (offset, size) = filters.with(|f| (f.offset, f.size));
        let count = state.shown.with(Vec::len) as u64;
        let rows = count.saturating_sub(offset).min(size);
        PageInfo::new(offset, size, count, rows, None, None)
    });
    // The page's events with their state now: a row is drawn again when its event has a new try or
    // its state changed with the clock (a retry's time came), and only then.
    let rows = move || {
        let (offset, size) = filters.with(|f| (f.offset, f.size));
        let now = now();
        state.shown.with(|shown| {
            shown
                .iter()
                .skip(offset as usize)
                .take(size as usize)
                .map(|event| (event.state(now), event.clone()))
                .collect::<Vec<_>>()
        })
    };
    // What the list shows: nothing yet (the scan is on its way), an empty state, or the table; the
    // table is drawn once and its rows follow the events from there.
    let shows = Memo::new(move |_| {
        if state.shown.with(|s| !s.is_empty()) {
            Shows::Table
        } else if state.scan.with(|s| s.running()) {
            Shows::Nothing
        } else if state.loaded.with(|l| !l.is_empty()) {
            Shows::NoMatch
        } else {
            Shows::NoDeliveries
        }
    });
    move || {
        let (title, text) = match shows.get() {
            Shows::Nothing => return None,
            Shows::NoMatch => (
                "No events match",
                "No event of the window matches these filters.",
            ),
            Shows::NoDeliveries => (
                "No deliveries in this window",
                "When an event this endpoint subscribes to happens, its deliveries show here.",
            ),
            Shows::Table => {
                return Some(
                    view! {
                        <div class="table-wrap cards">
                            <table class="table event-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Event"</th>
                                        <th scope="col">"State"</th>
                                        <th scope="col">"Tries"</th>
                                        <th scope="col">"Last response"</th>
                                        <th scope="col">"Happened"</th>
                                        <th scope="col">"Next try"</th>
                                    </tr>
                                </thead>
                                <For
                                    each=rows
                                    key=|(current, event)| (event.key, event.latest().attempt.id, event.tries.len(), event.complete, current.as_str())
                                    children=move |(current, event)| view! { <EventRow state event current /> }
                                />
                            </table>
                        </div>
                        <div class="list-footer">
                            {move || view! {
                                <Pagination
                                    info=info.get()
                                    noun="events"
                                    href=Callback::new(move |offset| state.href(&filters.get_untracked().with_offset(offset)))
                                />
                            }}
                            <PageSizeSelect
                                size=Signal::derive(move || filters.with(|f| f.size))
                                on_change=Callback::new(move |size| state.go(&filters.get_untracked().with_size(size)))
                            />
                        </div>
                    }
                    .into_any(),
                );
            }
        };
        Some(
            view! {
                <div class="empty-state">
                    <h3>{title}</h3>
                    <p>{text}</p>
                </div>
            }
            .into_any(),
        )
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Shows {
    Nothing,
    NoMatch,
    NoDeliveries,
    Table,
}

/// One event's row, and its tries below it once opened (its own `tbody`, so both stay together).
#[component]
fn EventRow(
    state: EventsState,
    event: EventDeliveries,
    /// Its state when drawn.
    current: DeliveryState,
) -> impl IntoView {
    let now = use_now();
    let key = event.key;
    let is_open = move || state.open.with(|open| open.contains(&key));
    let latest = event.latest().attempt.clone();
    let label = match event.event_id {
        Some(id) => format!("{} · {id}", event.event_type),
        None => event.event_type.clone(),
    };
    let tries_id = format!("tries-{}", key.text());
    let resent = event.tries.iter().any(|t| t.kind == TryKind::Resend);
    let next_due = event.next_due;
    let happened = event
        .happened
        .map(time::iso8601)
        .unwrap_or_else(|| event.tries[0].attempt.created_at.clone());
    let earliest = event.happened.unwrap_or(event.tries[0].created);
    view! {
        <tbody class="event-entry" data-event=key.text()>
            <tr class=format!("event-row state-row-{}", current.as_str())>
                <td data-label="Event">
                    <button
                        type="button"
                        class="button link event-toggle"
                        aria-expanded=move || is_open().to_string()
                        aria-controls=tries_id.clone()
                        on:click=move |_| state.toggle(key)
                    >
                        <span class="chevron" aria-hidden="true">{move || if is_open() { "▾" } else { "▸" }}</span>
                        " "
                        <code>{label}</code>
                    </button>
                </td>
                <td class="col-state" data-label="State">
                    {badge(current.as_str(), current.icon(), current.label())}
                    {resent.then(|| view! { " " <span class="tag">"resent"</span> })}
                </td>
                <td class="col-tries" data-label="Tries">{event.tries_label()}</td>
                <td class="col-response" data-label="Last response">{response_summary(&latest)}</td>
                <td data-label="Happened"><RelativeTime iso=happened /></td>
                <td class="col-next" data-label="Next try">
                    {match (current, next_due) {
                        (DeliveryState::RetryScheduled, Some(due)) => view! { <Countdown iso=time::iso8601(due) /> }.into_any(),
                        (DeliveryState::RetryOverdue, Some(due)) => view! {
                            <span class="overdue">"Overdue since " <RelativeTime iso=time::iso8601(due) /></span>
                        }.into_any(),
                        _ => view! { <span class="muted">"—"</span> }.into_any(),
                    }}
                </td>
            </tr>
            {move || is_open().then(|| view! {
                <tr class="event-tries-row" id=format!("tries-{}", key.text())>
                    <td colspan="6">
                        <TryList state event=event.clone() earliest now=now() />
                    </td>
                </tr>
            })}
        </tbody>
    }
}

/// An event's tries in order, resends marked; a way to load earlier ones when they are not loaded.
#[component]
fn TryList(
    state: EventsState,
    event: EventDeliveries,
    earliest: f64,
    /// The time the row was drawn at: the tries' outcomes then (the row is drawn again when they
    /// change).
    now: f64,
) -> impl IntoView {
    let complete = event.complete;
    let capped = move || {
        state
            .scan
            .with(|s| s.end == Some(crate::deliveries::scan::ScanEnd::Capped))
    };
    view! {
        {(!complete).then(|| view! {
            <p class="hint">
                "Earlier tries of this event are older than what is loaded. "
                <button
                    type="button"
                    class="button small load-earlier"
                    disabled=move || state.busy.get() || capped()
                    on:click=move |_| state.load_earlier(earliest)
                >
                    "Load earlier tries"
                </button>
            </p>
        })}
        <ol class="try-list">
            {event
                .tries
                .into_iter()
                .map(|tried| {
                    let id = tried.attempt.id;
                    let which = match (tried.number, tried.kind) {
                        (Some(n), TryKind::Resend) => format!("Try {n} · resend"),
                        (Some(n), _) => format!("Try {n}"),
                        (None, TryKind::Resend) => "Resend".to_owned(),
                        (None, _) => "Earlier try".to_owned(),
                    };
                    let outcome = tried.outcome(now);
                    let response = response_summary(&tried.attempt);
                    let at = tried.attempt.created_at.clone();
                    let is_open = move || state.open_try.get() == Some(id);
                    view! {
                        <li class="try" data-attempt-id=id.to_string() class:selected=is_open>
                            <span class="try-which">{which}</span>
                            {(tried.kind == TryKind::Resend).then(|| view! { <span class="tag">"resend"</span> })}
                            {badge(outcome.as_str(), outcome.icon(), outcome.label())}
                            <span class="try-response">{response}</span>
                            <RelativeTime iso=at />
                            <button
                                type="button"
                                class="button link try-open"
                                aria-pressed=move || is_open().to_string()
                                on:click=move |_| state.open_try.set(Some(id))
                            >
                                {format!("Attempt {id}")}
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
