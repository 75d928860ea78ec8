//! One attempt opened: what was sent (body, signature), what came back, and its resend.

use leptos::{html, prelude::*};
use webhook_api::Attempt;

use super::{
    SignatureCheck,
    outcome::{self, badge},
    response_body::{self, ResponseBody},
};
use crate::{
    clock::use_now,
    components::{datetime::exact, json_viewer::JsonViewer},
    deliveries::{Try, TryKind, event_id},
    pages::endpoints::RevealedSecret,
    time,
};

#[component]
pub fn AttemptDetail(
    /// The attempt, as a try of its event.
    tried: Try,
    /// Move focus (and the view) to the panel: when the admin opened it, not when a refresh rebuilt it.
    take_focus: bool,
    #[prop(into)] on_close: Callback<()>,
    /// "Resend this event", when the server says which event it was.
    #[prop(into)]
    on_resend: Callback<Attempt>,
    /// Opens the signature tool with this attempt's body and header.
    #[prop(into)]
    on_open_in_tool: Callback<Attempt>,
) -> impl IntoView {
    let secret = use_context::<RevealedSecret>()
        .map(|revealed| Signal::derive(move || revealed.get()))
        .unwrap_or_else(|| Signal::stored(None));
    let attempt: Attempt = (*tried.attempt).clone();
    let now = use_now();
    let for_outcome = tried.clone();
    let outcome = Memo::new(move |_| for_outcome.outcome(now()));
    let which = match (tried.number, tried.kind) {
        (Some(n), TryKind::Resend) => format!("Try {n}, a resend"),
        (None, TryKind::Resend) => "A resend".to_owned(),
        (Some(n), _) => format!("Try {n}"),
        (None, _) => String::new(),
    };
    let title = format!("Attempt {} · {}", attempt.id, attempt.event.event_type);
    let for_resend = attempt.clone();
    let for_tool = attempt.clone();
    let event = event_id(&attempt);
    let can_resend = event.is_some();
    let sent = attempt
        .sent_at
        .as_deref()
        .and_then(time::parse_iso8601)
        .map(exact);
    let panel = NodeRef::<html::Section>::new();
    panel.on_load(move |panel| {
        if take_focus {
            let _ = panel.focus();
        }
    });
    view! {
        <section node_ref=panel class="card attempt-detail" aria-label=title.clone() tabindex="-1">
            <header class="attempt-detail-header">
                <h3>
                    {move || {
                        let outcome = outcome.get();
                        badge(outcome.as_str(), outcome.icon(), outcome.label())
                    }}
                    " "
                    <code>{attempt.event.event_type.clone()}</code>
                    {event.map(|id| view! { <span class="muted">{format!(" · event {id}")}</span> })}
                </h3>
                <button type="button" class="button small" aria-label="Close the attempt" on:click=move |_| on_close.run(())>
                    "Close"
                </button>
            </header>
            <dl class="facts">
                {(!which.is_empty()).then(|| view! { <dt>"Try"</dt> <dd>{which}</dd> })}
                <dt>"Response"</dt>
                <dd>{outcome::response_summary(&attempt)}</dd>
                <dt>"Sent"</dt>
                <dd>{sent.unwrap_or_else(|| "Not yet".to_owned())}</dd>
                {attempt.duration_ms.map(|ms| view! {
                    <dt>"Duration"</dt>
                    <dd>{time::duration(ms)}</dd>
                })}
                <dt>"Next retry"</dt>
                <dd>{outcome::next_retry(&tried)}</dd>
            </dl>
            <div class="form-actions">
                <button
                    type="button"
                    class="button"
                    disabled=!can_resend
                    aria-describedby=(!can_resend).then_some("no-event-id")
                    on:click=move |_| on_resend.run(for_resend.clone())
                >
                    "Resend this event"
                </button>
                <button type="button" class="button" on:click=move |_| on_open_in_tool.run(for_tool.clone())>
                    "Open in the signature tool"
                </button>
            </div>
            {(!can_resend).then(|| view! {
                <p id="no-event-id" class="muted">
                    "Resend needs the event's id, and neither this attempt nor its payload carries one."
                </p>
            })}
            <h4>"Request body"</h4>
            <JsonViewer text=attempt.http_request_body.clone() copy_label="Copy the request body" />
            <h4>"Signature header"</h4>
            <SignatureCheck
                header=attempt.http_request_signature_header.clone()
                body=attempt.http_request_body.clone()
                secret
            />
            <h4>"Response body"</h4>
            <ResponseBodyView stored=attempt.http_response_body.clone() />
        </section>
    }
}

/// The stored `b'...'` response body, decoded, as JSON when it is JSON.
#[component]
pub fn ResponseBodyView(stored: Option<String>) -> impl IntoView {
    match response_body::decode(stored.as_deref()) {
        ResponseBody::Absent => view! { <p class="muted">"No HTTP response came, so there is no body."</p> }.into_any(),
        ResponseBody::Empty => view! { <p class="muted">"Empty body."</p> }.into_any(),
        ResponseBody::Json(text) => view! { <JsonViewer text copy_label="Copy the response body" /> }.into_any(),
        ResponseBody::Text(text) => view! { <pre class="raw-body">{text}</pre> }.into_any(),
        ResponseBody::Binary { lossy, len } => view! {
            <p class="hint">{format!("{len} bytes, not valid UTF-8: unreadable bytes show as �.")}</p>
            <pre class="raw-body">{lossy}</pre>
        }
        .into_any(),
        ResponseBody::Raw(text) => view! {
            <p class="hint">"Stored in a form this console does not decode; shown as stored."</p>
            <pre class="raw-body">{text}</pre>
        }
        .into_any(),
    }
}
