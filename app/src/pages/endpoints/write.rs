//! `/endpoints/new` and `/endpoints/:id/edit`: the form, once the catalog (and the endpoint) loaded.

use leptos::prelude::*;

use super::form::{EndpointForm, SaveAction};
use crate::{
    api,
    components::task::Task,
    components::{
        remote::{Remote, loaded},
        skeleton::BlockSkeleton,
        toast::use_toasts,
    },
    form::EndpointDraft,
    router::use_location,
    routes,
    session::use_session,
};

#[component]
pub fn EndpointNew() -> impl IntoView {
    let catalog = Remote::new(|client| async move { api::catalog(&client).await });
    let save = save_action(None);
    view! {
        <section class="page" aria-labelledby="new-endpoint-title">
            <header class="page-header">
                <h1 id="new-endpoint-title">"New endpoint"</h1>
            </header>
            {loaded(
                catalog,
                "Could not load the event catalog",
                skeleton,
                move |catalog| {
                    view! {
                        <EndpointForm
                            initial=EndpointDraft::default()
                            catalog
                            save
                            submit_label="Create endpoint"
                            cancel_href=routes::endpoints()
                        />
                    }
                    .into_any()
                },
            )}
        </section>
    }
}

#[component]
pub fn EndpointEdit(id: u64) -> impl IntoView {
    let data = Remote::new(move |client| async move {
        let (endpoint, catalog) = futures::join!(api::endpoint(&client, id), api::catalog(&client));
        Ok((endpoint?, catalog?))
    });
    let save = save_action(Some(id));
    view! {
        <section class="page" aria-labelledby="edit-endpoint-title">
            <header class="page-header">
                <h1 id="edit-endpoint-title">"Edit endpoint"</h1>
            </header>
            {loaded(
                data,
                "Could not load the endpoint",
                skeleton,
                move |(endpoint, catalog)| {
                    view! {
                        <p class="page-subtitle target">{endpoint.target.clone()}</p>
                        <EndpointForm
                            initial=EndpointDraft::from_endpoint(&endpoint)
                            catalog
                            save
                            submit_label="Save changes"
                            cancel_href=routes::endpoint(endpoint.id)
                        />
                    }
                    .into_any()
                },
            )}
        </section>
    }
}

fn skeleton() -> AnyView {
    view! { <BlockSkeleton lines=8 /> }.into_any()
}

/// Create (no id) or full update, then a toast and on to the endpoint's page.
fn save_action(id: Option<u64>) -> SaveAction {
    let session = use_session();
    let toasts = use_toasts();
    let location = use_location();
    Task::new(move |draft: &EndpointDraft| {
        let body = draft.to_write();
        let client = session.client();
        async move {
            let saved = match id {
                Some(id) => api::update_endpoint(&client, id, &body).await,
                None => api::create_endpoint(&client, &body).await,
            };
            if let Ok(endpoint) = &saved {
                let verb = if id.is_some() { "Saved" } else { "Created" };
                toasts.success(format!("{verb} {}", endpoint.target));
                location.navigate(&routes::endpoint(endpoint.id), false);
            }
            saved
        }
    })
}
