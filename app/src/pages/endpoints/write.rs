//! `/endpoints/new` and `/endpoints/:id/edit`: the form, once the catalog (and the endpoint) loaded.

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_params},
};

use super::form::{EndpointForm, SaveAction};
use crate::{
    api::{self, ApiError},
    components::{error_panel::ErrorPanel, skeleton::BlockSkeleton, toast::use_toasts},
    form::EndpointDraft,
    routes::{self, EndpointParams},
    session::use_session,
};

#[component]
pub fn EndpointNew() -> impl IntoView {
    let session = use_session();
    let catalog = LocalResource::new(move || {
        let client = session.client();
        async move { api::catalog(&client).await }
    });
    let save = save_action(None);
    view! {
        <section class="page" aria-labelledby="new-endpoint-title">
            <header class="page-header">
                <h1 id="new-endpoint-title">"New endpoint"</h1>
            </header>
            <Transition fallback=|| view! { <BlockSkeleton lines=8 /> }>
                <ErrorBoundary fallback=move |errors| {
                    view! {
                        <ErrorPanel
                            errors
                            title="Could not load the event catalog"
                            retry=Callback::new(move |()| catalog.refetch())
                        />
                    }
                }>
                    {move || Suspend::new(async move {
                        let catalog = catalog.await?;
                        Ok::<_, ApiError>(view! {
                            <EndpointForm
                                initial=EndpointDraft::default()
                                catalog
                                save
                                submit_label="Create endpoint"
                                cancel_href=routes::endpoints()
                            />
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
pub fn EndpointEdit() -> impl IntoView {
    let session = use_session();
    let params = use_params::<EndpointParams>();
    let id = Memo::new(move |_| params.with(|p| p.as_ref().ok().and_then(|p| p.id)));
    let data = LocalResource::new(move || {
        let id = id.get();
        let client = session.client();
        async move {
            let Some(id) = id else {
                return Err(not_found());
            };
            let (endpoint, catalog) =
                futures::join!(api::endpoint(&client, id), api::catalog(&client));
            Ok((endpoint?, catalog?))
        }
    });
    let save = save_action(Some(id));
    view! {
        <section class="page" aria-labelledby="edit-endpoint-title">
            <header class="page-header">
                <h1 id="edit-endpoint-title">"Edit endpoint"</h1>
            </header>
            <Transition fallback=|| view! { <BlockSkeleton lines=8 /> }>
                <ErrorBoundary fallback=move |errors| {
                    view! {
                        <ErrorPanel
                            errors
                            title="Could not load the endpoint"
                            retry=Callback::new(move |()| data.refetch())
                        />
                    }
                }>
                    {move || Suspend::new(async move {
                        let (endpoint, catalog) = data.await?;
                        Ok::<_, ApiError>(view! {
                            <p class="page-subtitle target">{endpoint.target.clone()}</p>
                            <EndpointForm
                                initial=EndpointDraft::from_endpoint(&endpoint)
                                catalog
                                save
                                submit_label="Save changes"
                                cancel_href=routes::endpoints()
                            />
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// Create (no id) or full update, then a toast and back to the endpoints.
fn save_action(id: Option<Memo<Option<u64>>>) -> SaveAction {
    let session = use_session();
    let toasts = use_toasts();
    let navigate = StoredValue::new_local(use_navigate());
    Action::new_local(move |draft: &EndpointDraft| {
        let body = draft.to_write();
        let client = session.client();
        let id = id.and_then(|id| id.get_untracked());
        async move {
            let saved = match id {
                Some(id) => api::update_endpoint(&client, id, &body).await,
                None => api::create_endpoint(&client, &body).await,
            };
            match &saved {
                Ok(endpoint) => {
                    let verb = if id.is_some() { "Saved" } else { "Created" };
                    toasts.success(format!("{verb} {}", endpoint.target));
                    navigate.with_value(|navigate| {
                        navigate(&routes::endpoints(), NavigateOptions::default())
                    });
                }
                Err(error) => {
                    session.report(error);
                }
            }
            saved
        }
    })
}

fn not_found() -> ApiError {
    ApiError::Http {
        status: 404,
        body: None,
        retry_after: None,
    }
}
