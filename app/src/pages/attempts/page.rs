//! `/endpoints/:id/attempts`: the flat list of attempts on its own page (the endpoint page shows them
//! by event), with the signing secret for the check; the not-found screen when the endpoint does not exist.

use leptos::prelude::*;

use super::AttemptsView;
use crate::{
    api,
    components::{
        remote::{Remote, loaded},
        skeleton::BlockSkeleton,
    },
    pages::{
        endpoints::{SigningSecretPanel, provide_revealed_secret},
        not_found::NotFound,
    },
    routes,
};

#[component]
pub fn AttemptsPage(id: u64) -> impl IntoView {
    provide_revealed_secret();
    let endpoint = Remote::new(move |client| async move { api::get_endpoint(&client, id).await });
    let missing =
        Memo::new(move |_| matches!(endpoint.get(), Some(Err(error)) if error.is_not_found()));
    move || {
        if missing.get() {
            return view! { <NotFound what="endpoint" /> }.into_any();
        }
        view! {
        <section class="page attempts-page">
            {loaded(
                endpoint,
                "Could not load the endpoint",
                || view! { <BlockSkeleton lines=4 /> }.into_any(),
                move |endpoint| {
                    view! {
                        <nav class="breadcrumb" aria-label="Breadcrumb">
                            <a href=routes::endpoints()>"Endpoints"</a>
                            " / "
                            <a href=routes::endpoint(id)>{endpoint.target}</a>
                        </nav>
                    }
                    .into_any()
                },
            )}
            <header class="page-header">
                <h1 id="attempts-page-title">"Delivery attempts"</h1>
                <a class="button small" href=routes::endpoint(id)>"By event"</a>
            </header>
            <SigningSecretPanel id />
            <AttemptsView id base=routes::attempts(id) />
        </section>
        }
        .into_any()
    }
}
