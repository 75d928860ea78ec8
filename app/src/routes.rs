//! Every route of the console, and typed builders for links to them: no path is written anywhere else.

use webhook_api::{AttemptSortField, EndpointSortField};

use crate::{query::ListQuery, url::encode_query};

/// Every screen, as matched from a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// `/`: goes on to the endpoints.
    Home,
    SignIn,
    Endpoints,
    EndpointNew,
    Endpoint(u64),
    EndpointEdit(u64),
    Attempts(u64),
    Events,
    SignatureTool,
    NotFound,
}

impl Route {
    /// The screen at `path` (a trailing slash is ignored; an id that is not a number is not found).
    pub fn parse(path: &str) -> Self {
        let trimmed = path.trim_end_matches('/');
        let segments: Vec<&str> = trimmed.split('/').skip(1).collect();
        let id = |text: &str| -> Option<u64> {
            (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse().ok())
                .flatten()
        };
        match segments.as_slice() {
            [] => Self::Home,
            ["sign-in"] => Self::SignIn,
            ["endpoints"] => Self::Endpoints,
            ["endpoints", "new"] => Self::EndpointNew,
            ["endpoints", n] => id(n).map_or(Self::NotFound, Self::Endpoint),
            ["endpoints", n, "edit"] => id(n).map_or(Self::NotFound, Self::EndpointEdit),
            ["endpoints", n, "attempts"] => id(n).map_or(Self::NotFound, Self::Attempts),
            ["events"] => Self::Events,
            ["tools", "signature"] => Self::SignatureTool,
            _ => Self::NotFound,
        }
    }

    /// Whether the screen needs a signed-in admin.
    pub fn needs_session(self) -> bool {
        !matches!(self, Self::SignIn | Self::NotFound)
    }
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

/// The event catalog filtered by `filter` (the catalog's filter box; empty for none).
pub fn events_with(filter: &str) -> String {
    if filter.is_empty() {
        events()
    } else {
        format!("/events{}", encode_query(&[("search", filter.to_owned())]))
    }
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
    fn paths_match_their_screens() {
        assert_eq!(Route::parse("/"), Route::Home);
        assert_eq!(Route::parse("/endpoints"), Route::Endpoints);
        assert_eq!(Route::parse("/endpoints/"), Route::Endpoints);
        assert_eq!(Route::parse("/endpoints/new"), Route::EndpointNew);
        assert_eq!(Route::parse("/endpoints/42"), Route::Endpoint(42));
        assert_eq!(Route::parse("/endpoints/42/edit"), Route::EndpointEdit(42));
        assert_eq!(Route::parse("/endpoints/42/attempts"), Route::Attempts(42));
        assert_eq!(Route::parse("/events"), Route::Events);
        assert_eq!(Route::parse("/tools/signature"), Route::SignatureTool);
        assert_eq!(Route::parse("/sign-in"), Route::SignIn);
    }

    #[test]
    fn unknown_paths_and_ids_that_are_not_numbers_are_not_found() {
        for path in [
            "/nope",
            "/endpoints/abc",
            "/endpoints/-1/edit",
            "/endpoints/1/other",
            "/endpoints/99999999999999999999999",
        ] {
            assert_eq!(Route::parse(path), Route::NotFound, "{path}");
        }
    }

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
    fn the_catalogs_filter_is_in_its_query() {
        assert_eq!(events_with(""), "/events");
        assert_eq!(events_with("prize"), "/events?search=prize");
        assert_eq!(
            events_with("comment created"),
            "/events?search=comment%20created"
        );
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
