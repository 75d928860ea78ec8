//! The endpoint form: `/endpoints/new` and `/endpoints/:id/edit` show it once the catalog (and the
//! endpoint) loaded. Its rules and the body it sends are in [`draft`], its state in `state`, its view in
//! `view`.

pub mod draft;
mod state;
mod view;

use leptos::prelude::*;
use webhook_api::Endpoint;

use self::draft::EndpointDraft;
pub use self::view::EndpointForm;
use crate::{
    api::{self, ApiError},
    components::{
        remote::{Remote, loaded},
        skeleton::BlockSkeleton,
        task::Task,
        toast::use_toasts,
    },
    router::use_location,
    routes,
    session::use_session,
};

/// What the form's submit runs: create (no id) or full update (`PUT`).
pub type SaveEndpoint = Task<EndpointDraft, Result<Endpoint, ApiError>>;

#[component]
pub fn EndpointNew() -> impl IntoView {
    let catalog = Remote::new(|client| async move { api::get_event_catalog(&client).await });
    let save = save_endpoint(None);
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
        let (endpoint, catalog) = futures::join!(
            api::get_endpoint(&client, id),
            api::get_event_catalog(&client)
        );
        Ok((endpoint?, catalog?))
    });
    let save = save_endpoint(Some(id));
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
fn save_endpoint(id: Option<u64>) -> SaveEndpoint {
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
                // The toast belongs to the page it is shown on.
                location.navigate(&routes::endpoint(endpoint.id), false);
                toasts.success(format!("{verb} {}", endpoint.target));
            }
            saved
        }
    })
}
