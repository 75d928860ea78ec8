//! Every route of the console, and typed builders for links to them: no path is written anywhere else.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Routes},
    params::Params,
    path,
};
use webhook_api::{AttemptSortField, EndpointSortField};

use crate::{pages, query::ListQuery, query::encode_query};

/// The route table. Everything but sign-in sits under the signed-in shell, which asks to sign in first.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=pages::not_found::NotFound>
            <Route path=path!("/sign-in") view=pages::sign_in::SignIn />
            <ParentRoute path=path!("") view=pages::signed_in::SignedIn>
                <Route path=path!("/") view=pages::home::Home />
                <Route path=path!("/endpoints") view=pages::endpoints::EndpointList />
                <Route path=path!("/endpoints/new") view=pages::endpoints::EndpointNew />
                <Route path=path!("/endpoints/:id/edit") view=pages::endpoints::EndpointEdit />
            </ParentRoute>
        </Routes>
    }
}

/// `:id` of the endpoint routes.
#[derive(Params, Clone, Debug, PartialEq)]
pub struct EndpointParams {
    pub id: Option<u64>,
}

/// The endpoint table.
pub fn endpoints() -> String {
    "/endpoints".to_owned()
}

/// The endpoint table at a page, order and search.
pub fn endpoints_with(query: &ListQuery<EndpointSortField>) -> String {
    format!("/endpoints{}", query.to_query_string())
}

pub fn endpoint_new() -> String {
    "/endpoints/new".to_owned()
}

pub fn endpoint(id: u64) -> String {
    format!("/endpoints/{id}")
}

pub fn endpoint_edit(id: u64) -> String {
    format!("/endpoints/{id}/edit")
}

/// An endpoint's attempts on their own page.
pub fn attempts(id: u64) -> String {
    format!("/endpoints/{id}/attempts")
}

/// The attempts page at a page and order; `base` is the page they are shown on (the attempts page or the
/// endpoint detail, which embeds them).
pub fn attempts_with(base: &str, query: &ListQuery<AttemptSortField>) -> String {
    format!("{base}{}", query.to_query_string())
}

/// The event catalog.
pub fn events() -> String {
    "/events".to_owned()
}

/// The signature tool.
pub fn signature_tool() -> String {
    "/tools/signature".to_owned()
}

/// Sign-in, coming back to `next` afterwards.
pub fn sign_in(next: Option<&str>) -> String {
    match next.filter(|next| is_safe_next(next) && *next != "/") {
        Some(next) => format!("/sign-in{}", encode_query(&[("next", next.to_owned())])),
        None => "/sign-in".to_owned(),
    }
}

/// Where to go after signing in: `next` if it is a path of this app, else the endpoint table. Guards
/// against `?next=https://elsewhere` and `?next=//elsewhere`.
pub fn after_sign_in(next: Option<&str>) -> String {
    next.filter(|next| is_safe_next(next))
        .map(str::to_owned)
        .unwrap_or_else(endpoints)
}

fn is_safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/sign-in")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_remembers_the_page_to_come_back_to() {
        assert_eq!(
            sign_in(Some("/endpoints?page=2")),
            "/sign-in?next=%2Fendpoints%3Fpage%3D2"
        );
        assert_eq!(sign_in(Some("/")), "/sign-in");
        assert_eq!(sign_in(None), "/sign-in");
    }

    #[test]
    fn after_sign_in_only_goes_to_paths_of_this_app() {
        assert_eq!(after_sign_in(Some("/endpoints/3")), "/endpoints/3");
        assert_eq!(after_sign_in(Some("https://evil.example/")), "/endpoints");
        assert_eq!(after_sign_in(Some("//evil.example/")), "/endpoints");
        assert_eq!(after_sign_in(Some("/sign-in")), "/endpoints");
        assert_eq!(after_sign_in(None), "/endpoints");
    }
}
