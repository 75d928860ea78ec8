use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::routes;

/// `/` goes to the endpoint table.
#[component]
pub fn Home() -> impl IntoView {
    view! { <Redirect path=routes::endpoints() /> }
}
