use leptos::prelude::*;

use crate::routes;

/// The console's not-found screen: for an address that names nothing, or (`what`) a thing that does
/// not exist, or no longer does. No retry: another try gives the same answer.
#[component]
pub fn NotFound(
    /// What the address names ("endpoint"), when it names something.
    #[prop(optional)]
    what: Option<&'static str>,
) -> impl IntoView {
    let (title, text) = match what {
        Some(what) => (
            format!("No such {what}"),
            format!("There is no {what} at this address: it may have been deleted."),
        ),
        None => (
            "Page not found".to_owned(),
            "There is nothing at this address.".to_owned(),
        ),
    };
    view! {
        <section class="page not-found">
            <h1>{title}</h1>
            <p>{text}</p>
            <a href=routes::endpoints()>"Go to the endpoints"</a>
        </section>
    }
}
