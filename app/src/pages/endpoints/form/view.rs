//! The create/edit form's view: target checked as you type, the event picker, server field errors next
//! to their fields, a guard against leaving with unsaved changes. Its state is [`EndpointFormState`].

use leptos::prelude::*;
use webhook_api::validate;

use super::{SaveEndpoint, draft::EndpointDraft, draft::Field, state::EndpointFormState};
use crate::components::{
    event_picker::EventPicker,
    field::{FieldMessages, TextField},
    unsaved::UnsavedChangesGuard,
};

#[component]
pub fn EndpointForm(
    initial: EndpointDraft,
    /// Every event type the server offers.
    catalog: Vec<String>,
    save: SaveEndpoint,
    #[prop(into)] submit_label: String,
    #[prop(into)] cancel_href: String,
) -> impl IntoView {
    let form = EndpointFormState::new(initial, save);
    let pending = form.pending;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.submit();
    };
    view! {
        <form class="form card endpoint-form" on:submit=on_submit novalidate>
            <UnsavedChangesGuard dirty=Signal::derive(move || form.has_changes() && !pending.get()) />
            {form.restored.then(|| view! {
                <p class="notice" role="status">
                    "Your unsaved changes were kept while you signed in again. Check them, then save."
                </p>
            })}
            {move || form.general_error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <TextField
                id=Field::Target.input_id()
                label="Target URL"
                hint="Where the events are sent, as an HTTP POST. http:// or https://, at most 200 characters."
                value=form.target
                messages=form.messages(Field::Target)
                input_type="url"
                placeholder="https://hooks.example.com/selfcommunity"
                max_length=validate::TARGET_MAX_LENGTH
            />
            <TextField
                id=Field::Description.input_id()
                label="Description (optional)"
                hint="What this endpoint is for, for whoever reads this list next."
                value=form.description
                messages=form.messages(Field::Description)
                input_type="text"
                placeholder="Order sync for the shop"
                max_length=validate::DESCRIPTION_MAX_LENGTH
            />
            <ActiveField form />
            <SslVerificationField form />
            <EventPicker
                catalog
                selected=form.events
                errors=form.messages(Field::Events)
                filter_id=Field::Events.input_id()
            />
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

/// The "Active" switch.
#[component]
fn ActiveField(form: EndpointFormState) -> impl IntoView {
    view! {
        <div class="field check-field">
            <label class="switch">
                <input id=Field::IsActive.input_id() type="checkbox" role="switch" bind:checked=form.is_active />
                <span class="switch-track" aria-hidden="true"></span>
                <span class="switch-label">"Active"</span>
            </label>
            <p class="hint">"An inactive endpoint receives nothing; its pending retries are cancelled."</p>
            <FieldMessages messages=form.messages(Field::IsActive) />
        </div>
    }
}

/// The "Verify the SSL certificate" switch, and what turning it off risks.
#[component]
fn SslVerificationField(form: EndpointFormState) -> impl IntoView {
    let ssl = form.ssl_cert_verification;
    view! {
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
            <FieldMessages messages=form.messages(Field::SslCertVerification) />
        </div>
    }
}
