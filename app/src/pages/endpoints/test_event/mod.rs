//! "Send a test event" on the endpoint page: one of the endpoint's subscribed types, the catalog's
//! example data (editable, checked as JSON before it goes), sent to this endpoint alone through
//! mock-server's `POST /__mock/events/`; the deliveries below then reload for 20 s to show it arrive.
//!
//! The platform's API has no such route. The panel shows only when the server's OpenAPI document
//! declares `endpoints` on that route ([`check::offers_test_events`]); the answer is asked once per
//! server and tab and kept in `sessionStorage`, so a server without it sees one 404 per tab, not one
//! per page, and its endpoint page is unchanged.

pub mod check;

use std::time::Duration;

use leptos::prelude::*;
use webhook_api::Endpoint;

use self::check::{check_data, offers_test_events};
use crate::{
    api::{self, Client},
    components::{task::Task, toast::use_toasts},
    pages::events::example_payload::example_data,
    session::{self, use_session},
};

/// Where the answer is kept: the server's base, a tab, then `1` or `0`.
const STORAGE_KEY: &str = "webhook-console.test-events";
/// How often, and how many times, the deliveries reload after a test event was sent.
const WATCH_EVERY: Duration = Duration::from_secs(2);
const WATCH_TIMES: u64 = 10;

/// Whether the server offers test events: `false` until known.
fn offered() -> RwSignal<bool> {
    let base = use_session().client().base().to_owned();
    let stored = session::storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|value| {
            let (server, answer) = value.rsplit_once('\t')?;
            (server == base).then_some(answer == "1")
        });
    let known = RwSignal::new(stored == Some(true));
    if stored.is_none() {
        leptos::task::spawn_local(async move {
            // No token and no refusal handler: the document is public, and a server that refuses it
            // must not end the session.
            let offers = api::get_openapi_document(&Client::new(&base))
                .await
                .is_ok_and(|document| offers_test_events(&document));
            if let Some(storage) = session::storage() {
                let _ = storage.set_item(
                    STORAGE_KEY,
                    &format!("{base}\t{}", if offers { "1" } else { "0" }),
                );
            }
            known.try_set(offers);
        });
    }
    known
}

/// The panel, when the server offers test events; nothing otherwise. `on_sent` runs while a test
/// event just sent is on its way (the page reloads its deliveries then).
#[component]
pub fn TestEventPanel(endpoint: Endpoint, on_sent: Callback<()>) -> impl IntoView {
    let offered = offered();
    move || {
        offered.get().then(|| {
            let endpoint = endpoint.clone();
            view! {
                <section class="card test-event" aria-labelledby="test-event-title">
                    <h2 id="test-event-title">"Send a test event"</h2>
                    {if endpoint.is_active {
                        view! { <TestEventForm endpoint on_sent /> }.into_any()
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

#[component]
fn TestEventForm(endpoint: Endpoint, on_sent: Callback<()>) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let id = endpoint.id;
    let types: Vec<String> = endpoint.events.into_iter().map(|s| s.event_type).collect();
    let example = |name: &str| example_data(name).map_or_else(|| "{}".to_owned(), |d| d.pretty());
    let chosen = RwSignal::new(types.first().cloned().unwrap_or_default());
    let text = RwSignal::new(example(&chosen.get_untracked()));
    // The event just sent (while the deliveries reload for it), and what became of the last one sent.
    let waiting = RwSignal::new(None::<u64>);
    let status = RwSignal::new(String::new());
    let send = Task::new(move |_: &()| {
        let client = session.client();
        let event_type = chosen.get_untracked();
        let data = text.with_untracked(|t| check_data(t));
        async move {
            let Ok(data) = data else { return };
            match api::send_test_event(&client, id, &event_type, &data).await {
                Ok(event) => {
                    status.set(format!(
                        "Event {event} sent. Its delivery shows in the deliveries below as it is tried."
                    ));
                    waiting.set(Some(event));
                }
                Err(error) => toasts.failed("Could not send the test event", &error),
            }
        }
    });
    watch_delivery(waiting, on_sent);
    let pending = send.pending();
    let error = move || text.with(|t| check_data(t).err());
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
                    if !pending.get_untracked() {
                        send.dispatch(());
                    }
                }
            >
                {move || if pending.get() { "Sending…" } else { "Send test event" }}
            </button>
        </div>
        <p class="test-event-status" role="status">{status}</p>
    }
}

/// After a send, reloads the deliveries below every two seconds, ten times (and no more once the
/// panel is gone or another event is sent), so that the event's delivery shows as it is tried.
fn watch_delivery(waiting: RwSignal<Option<u64>>, on_sent: Callback<()>) {
    Effect::new(move |_| {
        if waiting.get().is_none() {
            return;
        }
        let times = StoredValue::new(0_u64);
        let tick = move || {
            times.update_value(|n| *n += 1);
            if times.get_value() > WATCH_TIMES {
                waiting.try_set(None);
            } else {
                on_sent.run(());
            }
        };
        if let Ok(handle) = set_interval_with_handle(tick, WATCH_EVERY) {
            on_cleanup(move || handle.clear());
        }
    });
}
