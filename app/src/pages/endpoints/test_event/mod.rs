//! "Send a test event" on the endpoint page: one of the endpoint's subscribed types, the catalog's
//! example data (editable, checked as JSON before it goes), sent to this endpoint alone through
//! mock-server's `POST /__mock/events/`, then watched until its delivery shows.
//!
//! The platform's API has no such route. The panel shows only when the server's OpenAPI document
//! declares `endpoints` on that route ([`check::offers_test_events`]); the answer is asked once per
//! server and tab and kept in `sessionStorage`, so a server without it sees one 404 per tab, not one
//! per page, and its endpoint page is unchanged.

pub mod check;

use std::time::Duration;

use leptos::prelude::*;
use webhook_api::{AttemptSortField, Endpoint};

use self::check::{check_data, offers_test_events};
use crate::{
    api::{self, Client},
    components::{task::Task, toast::use_toasts},
    json_tree::Json,
    pages::{
        attempts::outcome::{event_id, response_summary},
        events::example_payload::example_data,
    },
    query::ListQuery,
    session::{self, use_session},
};

/// Where the answer is kept: the server's base, a tab, then `1` or `0`.
const STORAGE_KEY: &str = "webhook-console.test-events";
/// How often, and how many times, the attempts are asked for the test event's delivery.
const WATCH_EVERY: Duration = Duration::from_secs(1);
const WATCH_TIMES: u32 = 30;

/// Whether the server offers test events: `None` until known.
fn offered() -> ReadSignal<Option<bool>> {
    let base = use_session().client().base().to_owned();
    let stored = session::storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|value| {
            let (server, answer) = value.rsplit_once('\t')?;
            (server == base).then_some(answer == "1")
        });
    let (known, set_known) = signal(stored);
    if stored.is_none() {
        leptos::task::spawn_local(async move {
            // No token and no refusal handler: the document is public, and a server that refuses it
            // must not end the session.
            let offers = api::openapi_document(&Client::new(&base))
                .await
                .is_ok_and(|document| offers_test_events(&document));
            if let Some(storage) = session::storage() {
                let _ = storage.set_item(
                    STORAGE_KEY,
                    &format!("{base}\t{}", if offers { "1" } else { "0" }),
                );
            }
            set_known.try_set(Some(offers));
        });
    }
    known
}

/// The panel, when the server offers test events; nothing otherwise. `on_sent` runs when the test
/// event's delivery showed up (the page reloads its deliveries then).
#[component]
pub fn TestEventPanel(endpoint: Endpoint, on_delivered: Callback<()>) -> impl IntoView {
    let offered = offered();
    move || {
        (offered.get() == Some(true)).then(|| {
            let endpoint = endpoint.clone();
            view! {
                <section class="card test-event" aria-labelledby="test-event-title">
                    <h2 id="test-event-title">"Send a test event"</h2>
                    {if endpoint.is_active {
                        view! { <TestEventForm endpoint on_delivered /> }.into_any()
                    } else {
                        view! {
                            <p class="hint">
                                "This endpoint is off: turn it on to send it a test event."
                            </p>
                        }
                            .into_any()
                    }}
                </section>
            }
        })
    }
}

/// What became of the test event last sent.
#[derive(Clone, PartialEq)]
enum Sent {
    /// Sent; its delivery is not in the attempts yet.
    Waiting(u64),
    /// Its first try is in the attempts: what came back.
    Delivered(u64, String),
    /// Not in the attempts after the watch.
    NotYet(u64),
}

#[component]
fn TestEventForm(endpoint: Endpoint, on_delivered: Callback<()>) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let id = endpoint.id;
    let types: Vec<String> = endpoint.events.into_iter().map(|s| s.event_type).collect();
    let example = |name: &str| example_data(name).map_or_else(|| "{}".to_owned(), |d| d.pretty());
    let chosen = RwSignal::new(types.first().cloned().unwrap_or_default());
    let text = RwSignal::new(example(&chosen.get_untracked()));
    let checked = Memo::new(move |_| text.with(|t| check_data(t)));
    let sent = RwSignal::new(None::<Sent>);
    let send = Task::new(move |(event_type, data): &(String, Json)| {
        let (event_type, data) = (event_type.clone(), data.clone());
        let client = session.client();
        async move {
            match api::send_test_event(&client, id, &event_type, &data).await {
                Ok(event) => sent.set(Some(Sent::Waiting(event))),
                Err(error) => toasts.failed("Could not send the test event", &error),
            }
        }
    });
    watch_delivery(id, sent, on_delivered);
    let pending = send.pending();
    let error = move || checked.with(|c| c.as_ref().err().cloned());
    view! {
        <p class="hint">
            "Sent by this server to this endpoint alone, signed and retried like any other event."
        </p>
        <div class="field">
            <label for="test-event-type">"Event type"</label>
            <select
                id="test-event-type"
                on:change=move |ev| {
                    let name = event_target_value(&ev);
                    text.set(example(&name));
                    chosen.set(name);
                }
            >
                {types
                    .into_iter()
                    .map(|name| view! { <option value=name.clone()>{name.clone()}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="field" class=("invalid", move || error().is_some())>
            <label for="test-event-data">"Data (JSON)"</label>
            <textarea
                id="test-event-data"
                rows="10"
                spellcheck="false"
                aria-invalid=move || error().is_some().to_string()
                aria-describedby="test-event-error"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div id="test-event-error" aria-live="polite">
                {move || error().map(|e| view! { <p class="field-error">{e}</p> })}
            </div>
        </div>
        <div class="form-actions">
            <button
                type="button"
                class="button primary"
                // Not `disabled`, which would drop keyboard focus and hide why.
                aria-disabled=move || (pending.get() || error().is_some()).to_string()
                on:click=move |_| {
                    if pending.get_untracked() {
                        return;
                    }
                    if let Ok(data) = checked.get_untracked() {
                        send.dispatch((chosen.get_untracked(), data));
                    }
                }
            >
                {move || if pending.get() { "Sending…" } else { "Send test event" }}
            </button>
        </div>
        <p class="test-event-status" role="status">
            {move || {
                sent.get()
                    .map(|sent| match sent {
                        Sent::Waiting(event) => format!("Event {event} sent; waiting for its delivery…"),
                        Sent::Delivered(event, summary) => {
                            format!("Event {event} delivered: {summary}. It is in the deliveries below.")
                        }
                        Sent::NotYet(event) => {
                            format!("Event {event} sent, no delivery seen yet: the deliveries below will show it.")
                        }
                    })
            }}
        </p>
    }
}

/// While a sent event waits, asks for the endpoint's newest attempts every second (30 times at most,
/// and no more once the panel is gone) until one delivered it.
fn watch_delivery(id: u64, sent: RwSignal<Option<Sent>>, on_delivered: Callback<()>) {
    let session = use_session();
    Effect::new(move |_| {
        let Some(Sent::Waiting(event)) = sent.get() else {
            return;
        };
        let times = StoredValue::new(0_u32);
        let tick = move || {
            times.update_value(|n| *n += 1);
            if times.get_value() > WATCH_TIMES {
                sent.try_set(Some(Sent::NotYet(event)));
                return;
            }
            let client = session.client();
            leptos::task::spawn_local(async move {
                let query = ListQuery::<AttemptSortField> {
                    size: 10,
                    ..ListQuery::default()
                };
                let Ok(page) = api::attempts(&client, id, &query).await else {
                    return;
                };
                if let Some(attempt) = page
                    .results
                    .iter()
                    .find(|attempt| event_id(attempt) == Some(event))
                    && sent.try_get_untracked() == Some(Some(Sent::Waiting(event)))
                {
                    sent.try_set(Some(Sent::Delivered(event, response_summary(attempt))));
                    on_delivered.run(());
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(tick, WATCH_EVERY) {
            on_cleanup(move || handle.clear());
        }
    });
}
