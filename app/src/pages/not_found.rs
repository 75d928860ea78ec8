use leptos::prelude::*;

use crate::routes;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <a href=routes::endpoints()>"Go to the endpoints"</a>
        </section>
    }
}
