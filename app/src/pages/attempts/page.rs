//! `/endpoints/:id/attempts`: the attempts on their own page, with the signing secret for the check.

use leptos::prelude::*;

use super::AttemptsView;
use crate::{
    api,
    components::{
        remote::{Remote, loaded},
        skeleton::BlockSkeleton,
    },
    pages::endpoints::{SigningSecretPanel, provide_revealed_secret},
    routes,
};

#[component]
pub fn AttemptsPage(id: u64) -> impl IntoView {
    provide_revealed_secret();
    let endpoint = Remote::new(move |client| async move { api::endpoint(&client, id).await });
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
            </header>
            <SigningSecretPanel id />
            <AttemptsView id base=routes::attempts(id) />
        </section>
    }
}
