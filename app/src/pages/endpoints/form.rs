//! The create/edit form: target checked as you type, the event picker, server field errors next to their
//! fields, nothing lost on a network error or when the session ends (the draft waits in `sessionStorage`
//! while the admin signs in again), and a guard against leaving with unsaved changes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use webhook_api::{Endpoint, validate};

use crate::{
    api::ApiError,
    components::task::Task,
    components::{
        event_picker::EventPicker,
        field::{FieldMessages, TextField},
        unsaved::UnsavedChangesGuard,
    },
    form::{EndpointDraft, Field, kept_draft_json, read_kept_draft},
    router::use_location,
    session::{self, use_session},
};

/// The `sessionStorage` key of a draft kept while the admin signs in again (nothing in it is secret).
const KEPT_DRAFT_KEY: &str = "webhook-console.draft";

/// The draft kept for the form at `path`, taken out of storage.
fn take_kept_draft(path: &str) -> Option<EndpointDraft> {
    let storage = session::storage()?;
    let text = storage.get_item(KEPT_DRAFT_KEY).ok().flatten()?;
    let draft = read_kept_draft(&text, path)?;
    let _ = storage.remove_item(KEPT_DRAFT_KEY);
    Some(draft)
}

fn keep_draft(path: &str, draft: &EndpointDraft) {
    if let Some(storage) = session::storage() {
        let _ = storage.set_item(KEPT_DRAFT_KEY, &kept_draft_json(path, draft));
    }
}

/// The save operation the form drives: create or full update.
pub type SaveAction = Task<EndpointDraft, Result<Endpoint, ApiError>>;

#[component]
pub fn EndpointForm(
    initial: EndpointDraft,
    /// Every event type the server offers.
    catalog: Vec<String>,
    save: SaveAction,
    #[prop(into)] submit_label: String,
    #[prop(into)] cancel_href: String,
) -> impl IntoView {
    let session = use_session();
    let path = untrack(|| use_location().path());
    // Changes kept when the session ended under this form: it starts from them, `initial` stays what the
    // server has (so they count as unsaved).
    let kept = take_kept_draft(&path);
    let restored = kept.is_some();
    let start = kept.unwrap_or_else(|| initial.clone());
    let target = RwSignal::new(start.target);
    let description = RwSignal::new(start.description);
    let is_active = RwSignal::new(start.is_active);
    let ssl = RwSignal::new(start.ssl_cert_verification);
    let events = RwSignal::new(start.events);
    let draft = Memo::new(move |_| EndpointDraft {
        target: target.get(),
        description: description.get(),
        is_active: is_active.get(),
        ssl_cert_verification: ssl.get(),
        events: events.get(),
    });
    let initial = StoredValue::new(initial);
    let dirty = Signal::derive(move || initial.with_value(|i| draft.with(|d| d != i)));
    // The session ended (a 401 on save, a refresh that failed) and took the screen: keep the changes.
    on_cleanup(move || {
        let unsaved = initial
            .try_with_value(|i| draft.try_with_untracked(|d| (d != i).then(|| d.clone())))
            .flatten()
            .flatten();
        if let Some(draft) = unsaved
            && !session.is_signed_in_untracked()
        {
            keep_draft(&path, &draft);
        }
    });

    // Messages show once the admin typed something or tried to save.
    let attempted = RwSignal::new(false);
    let pending = save.pending();
    // The draft the server last answered about: its field errors stand while the field is unchanged.
    let submitted = RwSignal::new(None::<EndpointDraft>);
    let server_error = move || match save.value().get() {
        Some(Err(error)) => Some(error),
        _ => None,
    };
    let server_messages = move |field: Field| -> Vec<String> {
        let Some(error) = server_error() else {
            return Vec::new();
        };
        let unchanged = submitted.with(|s| {
            s.as_ref()
                .is_some_and(|s| draft.with(|d| field_value(s, field) == field_value(d, field)))
        });
        if unchanged {
            error.field_messages(field.as_str())
        } else {
            Vec::new()
        }
    };
    let target_messages = Signal::derive(move || {
        let local = draft.with(|d| {
            if d.target.is_empty() && !attempted.get() {
                Vec::new()
            } else {
                d.target_errors()
            }
        });
        merge(local, server_messages(Field::Target))
    });
    let description_messages = Signal::derive(move || {
        merge(
            draft.with(EndpointDraft::description_errors),
            server_messages(Field::Description),
        )
    });
    let events_messages = Signal::derive(move || {
        let local = if attempted.get() {
            draft.with(EndpointDraft::events_errors)
        } else {
            Vec::new()
        };
        merge(local, server_messages(Field::Events))
    });
    let general_error = move || {
        let error = server_error()?;
        let fields = error.field_errors();
        let on_form = fields.iter().any(|(f, _)| Field::parse(f).is_some());
        if on_form && fields.iter().all(|(f, _)| Field::parse(f).is_some()) {
            return Some("Some fields need attention.".to_owned());
        }
        let mut message = error.message();
        if matches!(error, ApiError::Network(_)) {
            message.push_str(" Nothing you typed is lost.");
        }
        Some(message)
    };

    // After a refused save, move focus to the first field the server named.
    Effect::new(move |_| {
        if let Some(error) = server_error() {
            let first = error
                .field_errors()
                .into_iter()
                .find_map(|(f, _)| Field::parse(&f));
            if let Some(field) = first {
                focus(field.input_id());
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        attempted.set(true);
        let draft = draft.get_untracked();
        let invalid = [
            (Field::Target, draft.target_errors()),
            (Field::Description, draft.description_errors()),
            (Field::Events, draft.events_errors()),
        ]
        .into_iter()
        .find(|(_, errors)| !errors.is_empty());
        if let Some((field, _)) = invalid {
            focus(field.input_id());
            return;
        }
        submitted.set(Some(draft.clone()));
        save.dispatch(draft);
    };

    view! {
        <form class="form card endpoint-form" on:submit=on_submit novalidate>
            <UnsavedChangesGuard dirty=Signal::derive(move || dirty.get() && !pending.get()) />
            {restored.then(|| view! {
                <p class="notice" role="status">
                    "Your unsaved changes were kept while you signed in again. Check them, then save."
                </p>
            })}
            {move || general_error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <TextField
                id=Field::Target.input_id()
                label="Target URL"
                hint="Where the events are sent, as an HTTP POST. http:// or https://, at most 200 characters."
                value=target
                messages=target_messages
                input_type="url"
                placeholder="https://hooks.example.com/selfcommunity"
                max_length=validate::TARGET_MAX_LENGTH
            />
            <TextField
                id=Field::Description.input_id()
                label="Description (optional)"
                hint="What this endpoint is for, for whoever reads this list next."
                value=description
                messages=description_messages
                input_type="text"
                placeholder="Order sync for the shop"
                max_length=validate::DESCRIPTION_MAX_LENGTH
            />
            <div class="field check-field">
                <label class="switch">
                    <input id=Field::IsActive.input_id() type="checkbox" role="switch" bind:checked=is_active />
                    <span class="switch-track" aria-hidden="true"></span>
                    <span class="switch-label">"Active"</span>
                </label>
                <p class="hint">"An inactive endpoint receives nothing; its pending retries are cancelled."</p>
                <FieldMessages messages=Signal::derive(move || server_messages(Field::IsActive)) />
            </div>
            <div class="field check-field">
                <label class="switch">
                    <input
                        id=Field::SslCertVerification.input_id()
                        type="checkbox"
                        role="switch"
                        bind:checked=ssl
                    />
                    <span class="switch-track" aria-hidden="true"></span>
                    <span class="switch-label">"Verify the SSL certificate"</span>
                </label>
                <Show
                    when=move || !ssl.get()
                    fallback=|| view! { <p class="hint">"Deliveries fail if the target's certificate is not valid."</p> }
                >
                    <p class="callout warn" role="note">
                        <strong>"Verification is off. "</strong>
                        "Anyone able to intercept the connection could pose as this endpoint and read every event sent to it, "
                        "including members' personal data. Only turn it off for a test server or a certificate you control."
                    </p>
                </Show>
                <FieldMessages messages=Signal::derive(move || server_messages(Field::SslCertVerification)) />
            </div>
            <EventPicker catalog selected=events errors=events_messages filter_id=Field::Events.input_id() />
            <div class="form-actions">
                // Not `disabled` while saving: that would drop keyboard focus.
                <button type="submit" class="button primary" aria-disabled=move || pending.get().to_string()>
                    {move || if pending.get() { "Saving…".to_owned() } else { submit_label.clone() }}
                </button>
                <a class="button" href=cancel_href>"Cancel"</a>
            </div>
        </form>
    }
}

/// Local messages first, then the server's that say something new.
fn merge(mut local: Vec<String>, server: Vec<String>) -> Vec<String> {
    for message in server {
        if !local.contains(&message) {
            local.push(message);
        }
    }
    local
}

/// A field's value as text, to tell whether it changed since the server saw it.
fn field_value(draft: &EndpointDraft, field: Field) -> String {
    match field {
        Field::Target => draft.target.clone(),
        Field::Description => draft.description.clone(),
        Field::IsActive => draft.is_active.to_string(),
        Field::SslCertVerification => draft.ssl_cert_verification.to_string(),
        Field::Events => draft.events.iter().cloned().collect::<Vec<_>>().join(","),
    }
}

fn focus(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}
