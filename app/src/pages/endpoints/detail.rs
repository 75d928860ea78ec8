//! `/endpoints/:id`: the endpoint's fields, its subscriptions, actions (edit, activate or deactivate,
//! delete), the signing secret, a test event (when the server offers it) and the deliveries by event
//! (shown once the rest is, so that nothing moves); the not-found screen when it does not exist.

use leptos::prelude::*;
use webhook_api::{Endpoint, EndpointPatch};

use super::{
    DeleteEndpointDialog, SigningSecretPanel, provide_revealed_secret, test_event::TestEventPanel,
};
use crate::{
    api,
    components::task::Task,
    components::{
        datetime::{RelativeTime, exact},
        remote::{Remote, loaded},
        skeleton::BlockSkeleton,
        toast::use_toasts,
    },
    pages::{attempts::EventsView, not_found::NotFound},
    router::use_location,
    routes,
    session::use_session,
    time,
};

#[component]
pub fn EndpointDetail(id: u64) -> impl IntoView {
    provide_revealed_secret();
    let endpoint = Remote::new(move |client| async move { api::get_endpoint(&client, id).await });
    // Bumped after the endpoint changed here: deactivating it cancels its scheduled retries, which the
    // deliveries below show.
    let endpoint_changes = RwSignal::new(0_u32);
    // A 404 for the endpoint or its attempts: it does not exist, or was deleted (elsewhere, since).
    let gone = RwSignal::new(false);
    let missing = Memo::new(move |_| {
        gone.get() || matches!(endpoint.get(), Some(Err(error)) if error.is_not_found())
    });
    move || {
        if missing.get() {
            return view! { <NotFound what="endpoint" /> }.into_any();
        }
        view! {
            <section class="page endpoint-detail" aria-labelledby="endpoint-title">
                <nav class="breadcrumb" aria-label="Breadcrumb">
                    <a href=routes::endpoints()>"Endpoints"</a>
                </nav>
                {loaded(
                    endpoint,
                    "Could not load the endpoint",
                    || view! { <BlockSkeleton lines=8 /> }.into_any(),
                    move |loaded| {
                        view! {
                            <EndpointSummary
                                endpoint=loaded
                                on_changed=Callback::new(move |()| {
                                    endpoint.reload();
                                    endpoint_changes.update(|n| *n += 1);
                                })
                                on_sent=Callback::new(move |()| endpoint_changes.update(|n| *n += 1))
                            />
                        }
                        .into_any()
                    },
                )}
                // The deliveries load meanwhile, but show only once the summary above them is drawn: their
                // answer often comes first, and the summary would then push them down (a layout shift).
                <div class="endpoint-deliveries" hidden=move || !endpoint.answered()>
                    <EventsView
                        id
                        base=routes::endpoint(id)
                        reload_on=endpoint_changes
                        on_missing=Callback::new(move |()| gone.set(true))
                    />
                </div>
            </section>
        }
        .into_any()
    }
}

/// Everything but the attempts, for one loaded endpoint.
#[component]
fn EndpointSummary(
    endpoint: Endpoint,
    on_changed: Callback<()>,
    /// A test event sent from here is on its way: the attempts reload to show it.
    on_sent: Callback<()>,
) -> impl IntoView {
    let location = use_location();
    let id = endpoint.id;
    let deleting = RwSignal::new(false);
    // An expire changes `updated_at` but does not reload the page (that would rebuild the secret panel).
    let updated_at = RwSignal::new(endpoint.updated_at.clone());
    let for_delete = endpoint.clone();
    view! {
        <EndpointHeader endpoint=endpoint.clone() on_changed on_delete=Callback::new(move |()| deleting.set(true)) />
        <div class="detail-grid">
            <EndpointFacts endpoint updated_at />
            // Not reloaded after an expire: that would rebuild the panel and lose its offer to reveal.
            <SigningSecretPanel id on_expired=move |saved: Endpoint| updated_at.set(saved.updated_at) />
        </div>
        <TestEventPanel endpoint=for_delete.clone() on_sent />
        <Show when=move || deleting.get()>
            <DeleteEndpointDialog
                endpoint=for_delete.clone()
                on_close=Callback::new(move |()| deleting.set(false))
                on_deleted=Callback::new(move |_| {
                    deleting.set(false);
                    location.navigate(&routes::endpoints(), false);
                })
            />
        </Show>
    }
}

/// The target, the badges, and the actions: edit, activate or deactivate, delete.
#[component]
fn EndpointHeader(
    endpoint: Endpoint,
    on_changed: Callback<()>,
    on_delete: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let id = endpoint.id;
    let active = endpoint.is_active;
    let toggle = Task::new(move |_: &()| {
        let client = session.client();
        async move {
            let body = EndpointPatch {
                is_active: Some(!active),
                ..Default::default()
            };
            match api::patch_endpoint(&client, id, &body).await {
                Ok(saved) => {
                    toasts.success(if saved.is_active {
                        "Endpoint activated"
                    } else {
                        "Endpoint deactivated"
                    });
                    on_changed.run(());
                }
                Err(error) => toasts.failed("Could not change the endpoint", &error),
            }
        }
    });
    let toggling = toggle.pending();
    view! {
        <header class="page-header">
            <div class="title-block">
                <h1 id="endpoint-title" class="target">{endpoint.target.clone()}</h1>
                <p class="badges">
                    {if active {
                        view! { <span class="badge ok">"Active"</span> }.into_any()
                    } else {
                        view! { <span class="badge neutral">"Inactive"</span> }.into_any()
                    }}
                    {if endpoint.ssl_cert_verification {
                        view! { <span class="badge ok">"SSL verified"</span> }.into_any()
                    } else {
                        view! { <span class="badge warn">"SSL not verified"</span> }.into_any()
                    }}
                </p>
            </div>
            <div class="form-actions">
                <a href=routes::endpoint_edit(id) class="button">"Edit"</a>
                <button type="button" class="button" aria-disabled=move || toggling.get().to_string() on:click=move |_| {
                    toggle.dispatch(());
                }>
                    {if active { "Deactivate" } else { "Activate" }}
                </button>
                <button type="button" class="button danger-text" on:click=move |_| on_delete.run(())>
                    "Delete…"
                </button>
            </div>
        </header>
    }
}

/// The endpoint's fields and its subscriptions.
#[component]
fn EndpointFacts(endpoint: Endpoint, updated_at: RwSignal<String>) -> impl IntoView {
    let created = time::parse_iso8601(&endpoint.created_at).map(exact);
    let updated = move || {
        updated_at.with(|at| {
            let text = time::parse_iso8601(at)
                .map(exact)
                .unwrap_or_else(|| at.clone());
            view! { <time datetime=at.clone()>{text}</time> }
        })
    };
    view! {
        <section class="card" aria-labelledby="endpoint-fields-title">
            <h2 id="endpoint-fields-title">"Details"</h2>
            <dl class="facts">
                <dt>"Description"</dt>
                <dd>
                    {if endpoint.description.is_empty() {
                        view! { <span class="muted">"None"</span> }.into_any()
                    } else {
                        view! { <span>{endpoint.description.clone()}</span> }.into_any()
                    }}
                </dd>
                <dt>"Created"</dt>
                <dd>{created.unwrap_or_else(|| endpoint.created_at.clone())}</dd>
                <dt>"Updated"</dt>
                <dd class="updated-at">{updated}</dd>
                <dt>"ID"</dt>
                <dd class="mono">{endpoint.id}</dd>
            </dl>
            <h3>{format!("Subscribed events ({})", endpoint.events.len())}</h3>
            <ul class="subscriptions">
                {endpoint
                    .events
                    .iter()
                    .map(|s| {
                        view! {
                            <li>
                                <code>{s.event_type.clone()}</code>
                                <span class="muted">" added " <RelativeTime iso=s.added_at.clone() /></span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
