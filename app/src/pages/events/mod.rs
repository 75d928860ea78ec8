//! `/events`: every event type the server offers, grouped by resource, with when it fires, which
//! endpoints subscribe to it, and an example payload (`example_payload`) drawn when first opened. A
//! filter box over the types and groups keeps its text in the URL query (`?search=`).

pub mod example_payload;

use leptos::prelude::*;
use webhook_api::{Endpoint, catalog};

use self::example_payload::example_payload;
use crate::{
    api::{self, ApiError},
    components::{
        event_picker::selection,
        json_viewer::JsonViewer,
        remote::{Remote, loaded},
        skeleton::BlockSkeleton,
    },
    router::use_location,
    routes,
    set::SortedSet,
};

#[component]
pub fn EventCatalog() -> impl IntoView {
    let location = use_location();
    let filter = Memo::new(move |_| location.query("search").unwrap_or_default());
    let data = Remote::new(|client| async move {
        let (types, endpoints) = futures::join!(
            api::get_event_catalog(&client),
            api::list_all_endpoints(&client)
        );
        Ok::<_, ApiError>((types?, endpoints?))
    });
    view! {
        <section class="page event-catalog" aria-labelledby="events-title">
            <header class="page-header">
                <h1 id="events-title">"Events"</h1>
            </header>
            <p class="muted">"What the community can send to an endpoint, and who listens to it."</p>
            <div class="toolbar">
                <div class="search" role="search">
                    <label for="event-filter">"Filter by type or group"</label>
                    <input
                        id="event-filter"
                        type="search"
                        placeholder="comment, member, deleted…"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || filter.get()
                        on:input=move |ev| {
                            // The first keystrokes add a history entry; refining the filter replaces it.
                            let replace = !filter.get_untracked().is_empty();
                            location.navigate(&routes::events_with(&event_target_value(&ev)), replace);
                        }
                    />
                </div>
            </div>
            {loaded(
                data,
                "Could not load the event catalog",
                || view! { <BlockSkeleton lines=10 /> }.into_any(),
                move |(types, endpoints)| view! { <Catalog types endpoints filter /> }.into_any(),
            )}
        </section>
    }
}

/// Every group and card, drawn once; the filter hides what it leaves out, so typing in it rebuilds
/// nothing and an opened example stays open.
#[component]
fn Catalog(types: Vec<String>, endpoints: Vec<Endpoint>, filter: Memo<String>) -> impl IntoView {
    let groups = selection::groups(&types, &SortedSet::new(), "");
    let total = types.len();
    let all = StoredValue::new(types);
    let matching = move || {
        filter.with(|f| all.with_value(|t| t.iter().filter(|t| selection::matches(t, f)).count()))
    };
    view! {
        <p class="muted catalog-count" role="status">
            {move || match (matching(), filter.with(|f| f.trim().is_empty())) {
                (_, true) => format!("{total} event types"),
                (0, false) => "No event type matches.".to_owned(),
                (n, false) => format!("{n} of {total} event types match"),
            }}
        </p>
        {groups
            .into_iter()
            .map(|group| {
                let id = format!("group-{}", group.resource);
                let labelled_by = id.clone();
                let types = StoredValue::new(group.types.clone());
                let hidden = move || {
                    filter.with(|f| types.with_value(|t| !t.iter().any(|t| selection::matches(t, f))))
                };
                view! {
                    <section class="event-group" aria-labelledby=labelled_by hidden=hidden>
                        <h2 id=id class="mono">{group.resource}</h2>
                        {group
                            .types
                            .into_iter()
                            .map(|name| {
                                let subscribers = subscribers_of(&endpoints, &name);
                                view! { <EventCard name subscribers filter /> }
                            })
                            .collect_view()}
                    </section>
                }
            })
            .collect_view()}
    }
}

fn subscribers_of(endpoints: &[Endpoint], event_type: &str) -> Vec<(u64, String, bool)> {
    endpoints
        .iter()
        .filter(|e| e.events.iter().any(|s| s.event_type == event_type))
        .map(|e| (e.id, e.target.clone(), e.is_active))
        .collect()
}

#[component]
fn EventCard(
    name: String,
    subscribers: Vec<(u64, String, bool)>,
    filter: Memo<String>,
) -> impl IntoView {
    let description = catalog::find(&name).map(|k| k.description);
    let matched = name.clone();
    let hidden = move || !filter.with(|f| selection::matches(&matched, f));
    let id = format!("event-{name}");
    let title = name.clone();
    view! {
        <article class="card event-card" id=id hidden=hidden>
            <h3><code>{title}</code></h3>
            <p>{description.unwrap_or("No description is known for this type.")}</p>
            <div class="subscribers">
                <span class="subscribers-label">"Subscribed by: "</span>
                {if subscribers.is_empty() {
                    view! { <span class="muted">"no endpoint"</span> }.into_any()
                } else {
                    view! {
                        <ul class="subscriber-list">
                            {subscribers
                                .into_iter()
                                .map(|(id, target, active)| {
                                    view! {
                                        <li>
                                            <a class="target" href=routes::endpoint(id)>{target}</a>
                                            {(!active).then(|| view! { <span class="badge neutral">"inactive"</span> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </div>
            // The shared crate has an example for each type it knows (example_payload's tests).
            {description.is_some().then(|| view! { <ExamplePayload name /> })}
        </article>
    }
}

/// The example payload, collapsed; its JSON tree is built when first opened (every example drawn at
/// once was 10,000 elements, most of the page's work on a phone).
#[component]
fn ExamplePayload(name: String) -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        <details
            class="example"
            on:toggle=move |_| {
                if !opened.get_untracked() {
                    opened.set(true);
                }
            }
        >
            <summary>"Example payload"</summary>
            {move || {
                opened.get().then(|| match example_payload(&name) {
                    Some(text) => {
                        view! { <JsonViewer text copy_label=format!("Copy the example {name} payload") /> }
                            .into_any()
                    }
                    None => view! { <p class="muted">"No example is known for this type."</p> }.into_any(),
                })
            }}
        </details>
    }
}
