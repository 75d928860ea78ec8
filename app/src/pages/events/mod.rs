//! `/events`: every event type the server offers, grouped by resource, with when it fires, an example
//! payload (`example_payload`), and which endpoints subscribe to it.

mod example_payload;

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
    routes,
    set::SortedSet,
};

#[component]
pub fn EventCatalog() -> impl IntoView {
    let data = Remote::new(|client| async move {
        let (types, endpoints) = futures::join!(api::catalog(&client), api::all_endpoints(&client));
        Ok::<_, ApiError>((types?, endpoints?))
    });
    let filter = RwSignal::new(String::new());
    view! {
        <section class="page event-catalog" aria-labelledby="events-title">
            <header class="page-header">
                <h1 id="events-title">"Events"</h1>
            </header>
            <p class="muted">"What the community can send to an endpoint, and who listens to it."</p>
            <div class="toolbar">
                <div class="search">
                    <label for="event-filter">"Filter"</label>
                    <input id="event-filter" type="search" placeholder="comment, member, deleted…" bind:value=filter />
                </div>
            </div>
            {loaded(
                data,
                "Could not load the event catalog",
                || view! { <BlockSkeleton lines=10 /> }.into_any(),
                move |(types, endpoints)| {
                    let types = StoredValue::new(types);
                    let endpoints = StoredValue::new(endpoints);
                    (move || {
                        let groups = types.with_value(|t| filter.with(|f| selection::groups(t, &SortedSet::new(), f)));
                        if groups.is_empty() {
                            return view! { <p class="muted">"No event type matches."</p> }.into_any();
                        }
                        groups
                            .into_iter()
                            .map(|group| {
                                view! {
                                    <section class="event-group" aria-labelledby=format!("group-{}", group.resource)>
                                        <h2 id=format!("group-{}", group.resource) class="mono">{group.resource.clone()}</h2>
                                        {group
                                            .types
                                            .into_iter()
                                            .map(|name| {
                                                let subscribers = endpoints.with_value(|e| subscribers_of(e, &name));
                                                view! { <EventCard name subscribers /> }
                                            })
                                            .collect_view()}
                                    </section>
                                }
                            })
                            .collect_view()
                            .into_any()
                    })
                    .into_any()
                },
            )}
        </section>
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
fn EventCard(name: String, subscribers: Vec<(u64, String, bool)>) -> impl IntoView {
    let description = catalog::find(&name).map(|k| k.description);
    let example = example_payload(&name);
    view! {
        <article class="card event-card" id=format!("event-{name}")>
            <h3><code>{name.clone()}</code></h3>
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
            {example.map(|text| view! {
                <details class="example">
                    <summary>"Example payload"</summary>
                    <JsonViewer text copy_label=format!("Copy the example {name} payload") />
                </details>
            })}
        </article>
    }
}
