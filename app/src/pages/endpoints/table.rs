//! The endpoint table: one row per endpoint, sortable headers, the active switch.

use leptos::prelude::*;
use webhook_api::{Endpoint, EndpointPatch, EndpointSortField, Subscription};

use super::list::DEFAULT_ORDERING;
use crate::{
    api,
    components::task::Task,
    components::{
        datetime::RelativeTime,
        sort_header::{SortHeader, SortState},
        toast::use_toasts,
    },
    query::ListQuery,
    routes,
    session::use_session,
};

/// How many subscribed events show as chips before "+N".
const CHIPS: usize = 3;

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
                        <th scope="col">"Target"</th>
                        <th scope="col" class="col-description">"Description"</th>
                        <th scope="col">"Events"</th>
                        {header("Active", EndpointSortField::IsActive, "col-active")}
                        <th scope="col" class="col-ssl">"SSL"</th>
                        {header("Created", EndpointSortField::CreatedAt, "col-created")}
                        {header("Updated", EndpointSortField::UpdatedAt, "col-updated")}
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

#[component]
fn EndpointRow(endpoint: Endpoint, on_delete: Callback<Endpoint>) -> impl IntoView {
    let id = endpoint.id;
    let for_delete = endpoint.clone();
    view! {
        <tr data-endpoint-id=id.to_string() data-key=id.to_string()>
            <td class="col-target">
                <a class="target" href=routes::endpoint(id) title=endpoint.target.clone()>
                    {endpoint.target.clone()}
                </a>
            </td>
            <td class="col-description">
                {if endpoint.description.is_empty() {
                    view! {
                        <span class="muted">
                            <span aria-hidden="true">"—"</span>
                            <span class="visually-hidden">"No description"</span>
                        </span>
                    }
                        .into_any()
                } else {
                    view! { <span class="description">{endpoint.description.clone()}</span> }.into_any()
                }}
            </td>
            <td class="col-events">
                <EventChips events=endpoint.events.clone() />
            </td>
            <td class="col-active" data-label="Active">
                <ActiveSwitch id active=endpoint.is_active target=endpoint.target.clone() />
            </td>
            <td class="col-ssl" data-label="SSL">
                {if endpoint.ssl_cert_verification {
                    view! { <span class="badge ok">"Verified"</span> }.into_any()
                } else {
                    view! {
                        <span class="badge warn" title="Certificate errors are ignored for this endpoint">
                            "Not verified"
                        </span>
                    }
                        .into_any()
                }}
            </td>
            <td class="col-created" data-label="Created">
                <RelativeTime iso=endpoint.created_at.clone() />
            </td>
            <td class="col-updated" data-label="Updated">
                <RelativeTime iso=endpoint.updated_at.clone() />
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

/// "5 events" and the first few types as chips.
#[component]
pub fn EventChips(events: Vec<Subscription>) -> impl IntoView {
    let count = events.len();
    let more = count.saturating_sub(CHIPS);
    view! {
        <span class="event-chips">
            <span class="event-count">
                {if count == 1 { "1 event".to_owned() } else { format!("{count} events") }}
            </span>
            {events
                .into_iter()
                .take(CHIPS)
                .map(|s| view! { <code class="chip">{s.event_type}</code> })
                .collect_view()}
            {(more > 0).then(|| view! { <span class="chip more">{format!("+{more}")}</span> })}
        </span>
    }
}

/// The active switch: flips at once, PATCHes in place, and flips back with an error toast if the server
/// refuses.
#[component]
pub fn ActiveSwitch(id: u64, active: bool, #[prop(into)] target: String) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let checked = RwSignal::new(active);
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
        }
    });
    let pending = patch.pending();
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
                    if pending.get_untracked() {
                        event_target::<web_sys::HtmlInputElement>(&ev).set_checked(!wanted);
                        return;
                    }
                    checked.set(wanted);
                    patch.dispatch(wanted);
                }
            />
            <span class="switch-track" aria-hidden="true"></span>
            <span class="switch-label">{move || if checked.get() { "On" } else { "Off" }}</span>
        </label>
    }
}
