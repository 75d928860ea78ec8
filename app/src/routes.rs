//! Every route of the console, and typed builders for links to them: no path is written anywhere else.

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Routes},
    path,
};

use crate::pages;

/// The route table.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=pages::not_found::NotFound>
            <Route path=path!("/") view=pages::home::Home />
            <Route path=path!("/endpoints") view=pages::endpoints::EndpointList />
        </Routes>
    }
}

/// The endpoint table.
pub fn endpoints() -> String {
    "/endpoints".to_owned()
}
