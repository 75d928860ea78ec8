use leptos::prelude::*;

/// The endpoint table.
#[component]
pub fn EndpointList() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Endpoints"</h1>
        </section>
    }
}
