//! The deliveries section: its toolbar (live updates, refresh, the flat list), the filters, the scan's
//! progress, the events, the open try's panel and the dialogs.

use leptos::prelude::*;
use webhook_api::Attempt;

use super::{
    filters::{EventFilters, StateFilter, Window},
    recover::{RecoverDialog, Recovery, RecoveryAccount},
    rows::EventTable,
    state::{EventsState, RecoverNote},
};
use crate::{
    clock::use_now,
    components::datetime::exact,
    deliveries::{event_id, scan::ScanEnd},
    pages::{
        attempts::{AttemptDetail, ResendDialog, live::LiveSwitch, resend::EventsToResend},
        signature_tool::SignatureToolInput,
    },
    routes,
    set::SortedSet,
    time,
};

#[component]
pub fn EventsView(
    /// The endpoint.
    id: u64,
    /// The path of the page showing the events (its query holds the filters).
    #[prop(into)]
    base: String,
    /// Scans again whenever it changes (the endpoint page, after changing the endpoint).
    #[prop(optional, into)]
    reload_on: Option<Signal<u32>>,
    /// The endpoint is gone (a 404 from its attempts).
    #[prop(optional, into)]
    on_missing: Option<Callback<()>>,
) -> impl IntoView {
    let state = EventsState::new(id, base, reload_on, on_missing);
    view! {
        <section class="deliveries" aria-labelledby="deliveries-title">
            <div class="section-header">
                <h2 id="deliveries-title">"Deliveries"</h2>
                <div class="toolbar-actions">
                    <LiveSwitch live=state.live />
                    <button type="button" class="button small" on:click=move |_| state.refresh()>
                        "Refresh"
                    </button>
                    <a class="button small" href=routes::attempts(id)>"All attempts"</a>
                </div>
            </div>
            <FilterBar state />
            <ScanStatus state />
            <RecoverNoteView state />
            <p class="visually-hidden" aria-live="polite">{move || state.announcement.get()}</p>
            <EventTable state />
            <OpenTry state />
            {move || state.resend.get().map(|events| view! {
                <ResendDialog
                    endpoint_id=id
                    events
                    on_close=Callback::new(move |()| state.resend.set(None))
                    on_sent=Callback::new(move |()| state.resent())
                />
            })}
            {move || state.recover.get().map(|recovery| {
                let scope = state.scope();
                view! {
                    <RecoverDialog
                        endpoint_id=id
                        recovery
                        scope
                        on_close=Callback::new(move |()| state.recover.set(None))
                        on_done=Callback::new(move |done: Recovery| {
                            state.recover.set(None);
                            state.note.set(Some(RecoverNote::Done(done)));
                            state.refresh();
                        })
                    />
                }
            })}
        </section>
    }
}

/// State, event type and window; then what can be done with the events they show.
#[component]
fn FilterBar(state: EventsState) -> impl IntoView {
    let filters = state.filters;
    let now = use_now();
    let types = Memo::new(move |_| {
        let mut types = SortedSet::new();
        state.events.with(|events| {
            for event in events {
                types.insert(event.event_type.clone());
            }
        });
        if let Some(chosen) = filters.with(|f| f.event_type.clone()) {
            types.insert(chosen);
        }
        types
    });
    let to_recover = Memo::new(move |_| state.failed_events().len());
    view! {
        <div class="event-filters" role="group" aria-label="Filters">
            <fieldset class="segmented">
                <legend class="visually-hidden">"State"</legend>
                {StateFilter::ALL
                    .into_iter()
                    .map(|choice| {
                        let checked = move || filters.with(|f| f.state == choice);
                        view! {
                            <label class:selected=checked>
                                <input
                                    type="radio"
                                    name="event-state"
                                    value=choice.as_str()
                                    prop:checked=checked
                                    on:change=move |_| state.go(&filters.get_untracked().with_state(choice))
                                />
                                {choice.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label class="field-inline">
                <span>"Event type"</span>
                <select
                    class="event-type-filter"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        let chosen = (!value.is_empty()).then_some(value);
                        state.go(&filters.get_untracked().with_type(chosen));
                    }
                >
                    <option value="" selected=move || filters.with(|f| f.event_type.is_none())>"All types"</option>
                    {move || types.get().iter().map(|t| {
                        let selected = filters.with_untracked(|f| f.event_type.as_deref() == Some(t.as_str()));
                        view! { <option value=t.clone() selected=selected>{t.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field-inline">
                <span>"Time window"</span>
                <select
                    class="window-filter"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(window) = Window::ALL.into_iter().find(|w| w.as_str() == value) {
                            state.go(&filters.get_untracked().with_window(window, now()));
                        }
                    }
                >
                    {Window::ALL
                        .into_iter()
                        .map(|w| view! {
                            <option value=w.as_str() selected=move || filters.with(|f| f.window == w)>{w.label()}</option>
                        })
                        .collect_view()}
                </select>
            </label>
            {move || filters.with(|f| f.window == Window::Custom).then(|| view! { <CustomRange state /> })}
            <div class="toolbar-actions event-actions">
                <button
                    type="button"
                    class="button small recover-button"
                    disabled=move || to_recover.get() == 0 || state.scan.with(|s| s.running())
                    on:click=move |_| state.open_recover()
                >
                    {move || match to_recover.get() {
                        0 => "Resend failed events".to_owned(),
                        n => format!("Resend {n} failed event{}…", if n == 1 { "" } else { "s" }),
                    }}
                </button>
                <button type="button" class="button small export-csv" on:click=move |_| state.export(false)>
                    "Export CSV"
                </button>
                <button type="button" class="button small export-ndjson" on:click=move |_| state.export(true)>
                    "Export NDJSON"
                </button>
            </div>
        </div>
    }
}

/// A custom window's ends, in the browser's time zone (the URL holds them in UTC).
#[component]
fn CustomRange(state: EventsState) -> impl IntoView {
    let filters = state.filters;
    let value = move |end: fn(&EventFilters) -> Option<f64>| {
        filters.with(|f| end(f).map(time::local_input).unwrap_or_default())
    };
    let set = move |from: bool, text: String| {
        let at = time::parse_local_input(&text);
        let current = filters.get_untracked();
        let next = if from {
            current.with_range(at, current.to)
        } else {
            current.with_range(current.from, at)
        };
        state.go(&next);
    };
    view! {
        <label class="field-inline">
            <span>"From"</span>
            <input
                type="datetime-local"
                class="window-from"
                prop:value=move || value(|f| f.from)
                on:change=move |ev| set(true, event_target_value(&ev))
            />
        </label>
        <label class="field-inline">
            <span>"To"</span>
            <input
                type="datetime-local"
                class="window-to"
                prop:value=move || value(|f| f.to)
                on:change=move |ev| set(false, event_target_value(&ev))
            />
        </label>
    }
}

/// The scan: a progress bar while it runs, then how far back it got and why it stopped.
#[component]
fn ScanStatus(state: EventsState) -> impl IntoView {
    let loaded = move || state.loaded.with(|l| l.len());
    let status = move || {
        let scan = state.scan.get();
        let count = loaded();
        let since = exact(state.bounds.get().start);
        let attempts = |n: usize| format!("{n} attempt{}", if n == 1 { "" } else { "s" });
        let text = match scan.end {
            None => format!(
                "Loading attempts since {since}… {} so far.",
                attempts(count)
            ),
            Some(ScanEnd::ReachedStart | ScanEnd::ReachedEnd) => {
                format!("{} since {since}.", attempts(count))
            }
            Some(ScanEnd::Capped) => format!(
                "Stopped at {} (the most one scan loads, {}): older events of the window are not shown.",
                attempts(count),
                scan.cap
            ),
            Some(ScanEnd::Stopped) => format!("Stopped after {}.", attempts(count)),
        };
        let capped = scan.end == Some(ScanEnd::Capped);
        view! {
            <p class="hint scan-summary" class:warning=capped>{text}</p>
            {scan.running().then(|| view! {
                <progress class="scan-progress" max="1000" value=(scan.progress(count) * 1000.0) as u32 aria-label="Attempts loaded"></progress>
                <button type="button" class="button small" on:click=move |_| state.stop()>"Stop"</button>
            })}
            {(scan.end == Some(ScanEnd::Stopped)).then(|| view! {
                <button type="button" class="button small" on:click=move |_| state.resume()>"Go on"</button>
            })}
            {state.error.get().map(|error| view! {
                <p class="error-text" role="alert">{format!("Could not load the attempts: {}", error.message())}</p>
            })}
        }
    };
    view! {
        <div class="scan-status" aria-busy=move || state.busy.get().to_string()>
            {status}
        </div>
    }
}

/// What a recovery sent, after it ended (or was cut short by the end of the session).
#[component]
fn RecoverNoteView(state: EventsState) -> impl IntoView {
    move || {
        state.note.get().map(|note| {
            let (title, recovery) = match note {
                RecoverNote::Done(r) => ("Failed events resent".to_owned(), r),
                RecoverNote::Interrupted(r) => (
                    "Your session ended while resending failed events".to_owned(),
                    r,
                ),
            };
            view! {
                <div class="card recover-note" role="status">
                    <p><strong>{title}</strong></p>
                    <RecoveryAccount recovery />
                    <button type="button" class="button small" on:click=move |_| state.note.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// The open try's panel, as the flat list shows it.
#[component]
fn OpenTry(state: EventsState) -> impl IntoView {
    let open = state.open_try_memo();
    // The attempt whose panel is on screen: a live update that changes it rebuilds the panel without
    // taking focus again.
    let panel_of = StoredValue::new(None::<u64>);
    move || {
        let Some(tried) = open.get() else {
            panel_of.set_value(None);
            return None;
        };
        let opened = panel_of.get_value() != Some(tried.attempt.id);
        panel_of.set_value(Some(tried.attempt.id));
        Some(view! {
            <AttemptDetail
                tried
                take_focus=opened
                on_close=Callback::new(move |()| state.open_try.set(None))
                on_resend=Callback::new(move |a: Attempt| {
                    if let Some(event) = event_id(&a) {
                        state.resend.set(Some(EventsToResend::One { event, event_type: a.event.event_type }));
                    }
                })
                on_open_in_tool=Callback::new(move |a: Attempt| {
                    SignatureToolInput::open(a.http_request_body, a.http_request_signature_header);
                    state.navigate(&routes::signature_tool());
                })
            />
        })
    }
}
