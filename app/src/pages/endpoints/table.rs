//! The endpoint table: one row per endpoint, sortable headers, the active switch.

use leptos::prelude::*;
use webhook_api::{Endpoint, EndpointPatch, EndpointSortField, Subscription};

use super::list::DEFAULT_ORDERING;
use crate::{
    api,
    components::task::Task,
    components::{
        datetime::RelativeTime,
        dialog::ConfirmDialog,
        sort_header::{SortHeader, SortState},
        toast::use_toasts,
    },
    query::ListQuery,
    routes,
    session::use_session,
};

#[component]
pub fn EndpointTable(
    endpoints: Vec<Endpoint>,
    /// The list state the rows came from (for the sort links).
    query: ListQuery<EndpointSortField>,
    on_delete: Callback<Endpoint>,
) -> impl IntoView {
    let current = query.effective_ordering(DEFAULT_ORDERING);
    let header = |label: &'static str, field: EndpointSortField, class: &'static str| {
        let state = if current.field != field {
            SortState::Unsorted
        } else if current.descending {
            SortState::Descending
        } else {
            SortState::Ascending
        };
        let href = routes::endpoints_with(&query.sorted_by(field, DEFAULT_ORDERING, true));
        view! { <SortHeader label state=Signal::stored(state) href=Signal::stored(href) class=class /> }
    };
    view! {
        <div class="table-wrap cards">
            <table class="table endpoints-table">
                <caption class="visually-hidden">"Webhook endpoints"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="col-target">"Endpoint"</th>
                        <th scope="col" class="col-events">"Events"</th>
                        {header("Active", EndpointSortField::IsActive, "col-active")}
                        {header("Created", EndpointSortField::CreatedAt, "col-created")}
                        <th scope="col" class="col-actions">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {endpoints
                        .into_iter()
                        .map(|endpoint| view! { <EndpointRow endpoint on_delete /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One endpoint: the target with its description (and a warning when certificates are not checked)
/// as the main cell, the events as a count, the switch, when it was created (and edited), the actions.
#[component]
fn EndpointRow(endpoint: Endpoint, on_delete: Callback<Endpoint>) -> impl IntoView {
    let id = endpoint.id;
    let for_delete = endpoint.clone();
    // The last change says something only when it differs from the creation (an edit, a switch, an
    // expire): then it is a second line under "Created", not a column of its own.
    let edited = endpoint.updated_at != endpoint.created_at;
    view! {
        <tr data-endpoint-id=id.to_string() data-key=id.to_string()>
            <td class="col-target">
                // Wraps after its slashes (the line-break rules allow a break there), not inside a word.
                <a class="target" href=routes::endpoint(id) title=endpoint.target.clone()>
                    {endpoint.target.clone()}
                </a>
                {(!endpoint.description.is_empty())
                    .then(|| view! { <span class="description">{endpoint.description.clone()}</span> })}
                {(!endpoint.ssl_cert_verification)
                    .then(|| {
                        view! {
                            <span class="badge warn ssl-off" title="Certificate errors are ignored for this endpoint">
                                "SSL not verified"
                            </span>
                        }
                    })}
            </td>
            <td class="col-events" data-label="Events">
                <EventCount events=endpoint.events.clone() />
            </td>
            <td class="col-active" data-label="Active">
                <ActiveSwitch id active=endpoint.is_active target=endpoint.target.clone() />
            </td>
            <td class="col-created" data-label="Created">
                <RelativeTime iso=endpoint.created_at.clone() />
                {edited
                    .then(|| {
                        view! {
                            <span class="edited">"edited " <RelativeTime iso=endpoint.updated_at.clone() /></span>
                        }
                    })}
            </td>
            <td class="col-actions">
                <span class="row-actions">
                    <a href=routes::endpoint_edit(id) class="button small" aria-label=format!("Edit {}", endpoint.target)>"Edit"</a>
                    <button
                        type="button"
                        class="button small danger-text"
                        aria-label=format!("Delete {}", endpoint.target)
                        on:click=move |_| on_delete.run(for_delete.clone())
                    >
                        "Delete"
                    </button>
                </span>
            </td>
        </tr>
    }
}

/// "5 events", a button that shows the subscribed types under it.
#[component]
pub fn EventCount(events: Vec<Subscription>) -> impl IntoView {
    let count = events.len();
    let label = if count == 1 {
        "1 event".to_owned()
    } else {
        format!("{count} events")
    };
    view! {
        <details class="event-list">
            <summary class="event-count">{label}</summary>
            <ul class="event-chips">
                {events
                    .into_iter()
                    .map(|s| view! { <li><code class="chip">{s.event_type}</code></li> })
                    .collect_view()}
            </ul>
        </details>
    }
}

/// The active switch. Turning on goes at once; turning off asks first (it stops deliveries and cancels
/// the scheduled retries, contract §6, which no undo would bring back), so a stray Space does nothing
/// silently. The switch PATCHes in place, and flips back with an error toast if the server refuses.
#[component]
pub fn ActiveSwitch(id: u64, active: bool, #[prop(into)] target: String) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let checked = RwSignal::new(active);
    let confirming = RwSignal::new(false);
    let patch = Task::new(move |wanted: &bool| {
        let wanted = *wanted;
        let client = session.client();
        async move {
            let body = EndpointPatch {
                is_active: Some(wanted),
                ..Default::default()
            };
            match api::patch_endpoint(&client, id, &body).await {
                Ok(endpoint) => checked.set(endpoint.is_active),
                Err(error) => {
                    checked.set(!wanted);
                    let what = if wanted { "activate" } else { "deactivate" };
                    toasts.failed(&format!("Could not {what} the endpoint"), &error);
                }
            }
            confirming.set(false);
        }
    });
    let pending = patch.pending();
    let name = target.clone();
    view! {
        <label class="switch">
            <input
                type="checkbox"
                role="switch"
                aria-label=format!("Active: {target}")
                prop:checked=checked
                // Not `disabled` while saving, which would drop keyboard focus: a flip meanwhile is undone.
                aria-disabled=move || pending.get().to_string()
                on:change=move |ev| {
                    let wanted = event_target_checked(&ev);
                    if pending.get_untracked() || !wanted {
                        // Off waits for the confirmation; the switch stays on until then.
                        event_target::<web_sys::HtmlInputElement>(&ev).set_checked(!wanted);
                        if !wanted && !pending.get_untracked() {
                            confirming.set(true);
                        }
                        return;
                    }
                    checked.set(wanted);
                    patch.dispatch(wanted);
                }
            />
            <span class="switch-track" aria-hidden="true"></span>
            <span class="switch-label">{move || if checked.get() { "On" } else { "Off" }}</span>
        </label>
        {move || {
            confirming
                .get()
                .then(|| {
                    let name = name.clone();
                    view! {
                        <ConfirmDialog
                            title="Turn this endpoint off?"
                            confirm_label="Turn off"
                            pending=pending
                            error=Signal::stored(None::<String>)
                            on_confirm=move |()| {
                                checked.set(false);
                                patch.dispatch(false);
                            }
                            on_cancel=move |()| confirming.set(false)
                        >
                            <p>
                                "No events go to " <strong class="target">{name}</strong>
                                " until it is turned on again, and its scheduled retries are cancelled."
                            </p>
                        </ConfirmDialog>
                    }
                })
        }}
    }
}
