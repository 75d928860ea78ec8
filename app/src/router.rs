//! A small client-side router: the location as signals, `history.pushState` navigation, same-origin link
//! clicks handled in place, back/forward. Each history entry carries its place in the session history
//! (`history.state`), so that a back/forward can be measured and, when a screen's guard refuses it,
//! undone (the unsaved-changes guard).
//! A new screen that replaced the focused element gives focus to `<main>`, where keyboard and
//! screen-reader users carry on. It replaces leptos_router, whose generic route tree was one of
//! the largest parts of the .wasm; route matching itself is plain Rust in [`crate::routes`].

use leptos::{ev, prelude::*};
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::components::focus;

/// Where the app is (a context value).
#[derive(Clone, Copy)]
pub struct Location {
    path: RwSignal<String>,
    /// The query without its `?`.
    search: RwSignal<String>,
    /// The current entry's place in the session history.
    index: StoredValue<i32>,
    /// Asked before a back/forward of so many entries (negative: back) shows another page; `false`
    /// undoes it. Tagged with its owner's id, so that only the owner removes it.
    history_guard: StoredValue<Option<(usize, Callback<i32, bool>)>>,
}

impl Location {
    /// A location at `path_and_query`, without listening to the browser (for tests).
    pub fn at(path_and_query: &str) -> Self {
        let (path, search) = split(path_and_query);
        Self {
            path: RwSignal::new(path),
            search: RwSignal::new(search),
            index: StoredValue::new(0),
            history_guard: StoredValue::new(None),
        }
    }

    /// The path, tracked.
    pub fn path(&self) -> String {
        self.path.get()
    }

    /// The query parameter `name`, percent-decoded, tracked.
    pub fn query(&self, name: &str) -> Option<String> {
        self.search.with(|search| query_value(search, name))
    }

    /// Reads the query through `f`, tracked.
    pub fn with_query<T>(&self, f: impl FnOnce(&dyn Fn(&str) -> Option<String>) -> T) -> T {
        self.search
            .with(|search| f(&|name| query_value(search, name)))
    }

    /// Path and query, untracked: where to come back to.
    pub fn here(&self) -> String {
        let path = self.path.get_untracked();
        let search = self.search.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    }

    /// Asks `guard` before each back/forward from now on, until [`Location::unguard_history`] with
    /// the same `owner` (a [`crate::components::unique_number`]).
    pub fn guard_history(&self, owner: usize, guard: Callback<i32, bool>) {
        self.history_guard.set_value(Some((owner, guard)));
    }

    /// Stops asking the guard that `owner` installed (a newer one stays).
    pub fn unguard_history(&self, owner: usize) {
        self.history_guard.update_value(|guard| {
            if guard.as_ref().is_some_and(|(o, _)| *o == owner) {
                *guard = None;
            }
        });
    }

    /// A back/forward happened: show where it went, unless the guard refuses, in which case the
    /// browser steps back to this entry.
    fn traverse(&self) {
        let steps = history_index().map_or(0, |to| to - self.index.get_value());
        if steps != 0
            && let Some((_, guard)) = self.history_guard.get_value()
            && !guard.run(steps)
        {
            if let Ok(history) = window().history() {
                let _ = history.go_with_delta(-steps);
            }
            return;
        }
        self.sync_from_browser();
    }

    /// Goes to `to` (a path with an optional query), adding a history entry unless `replace`.
    pub fn navigate(&self, to: &str, replace: bool) {
        let (path, search) = split(to);
        if !replace {
            self.index.update_value(|i| *i += 1);
        }
        if let Ok(history) = window().history() {
            let url = Some(to);
            let state = wasm_bindgen::JsValue::from(self.index.get_value());
            let _ = if replace {
                history.replace_state_with_url(&state, "", url)
            } else {
                history.push_state_with_url(&state, "", url)
            };
        }
        let new_page = self.path.with_untracked(|p| *p != path);
        let had_focus = !focus::is_lost();
        self.search.set(search);
        self.path.set(path);
        if new_page {
            window().scroll_to_with_x_and_y(0.0, 0.0);
            if had_focus {
                focus_main_once_rendered();
            }
        }
    }

    fn sync_from_browser(&self) {
        let location = window().location();
        let path = location.pathname().unwrap_or_else(|_| "/".into());
        let search = location.search().unwrap_or_default();
        self.index.set_value(history_index().unwrap_or(0));
        let new_page = self.path.with_untracked(|p| *p != path);
        let had_focus = !focus::is_lost();
        self.search
            .set(search.strip_prefix('?').unwrap_or(&search).to_owned());
        self.path.set(path);
        if new_page && had_focus {
            focus_main_once_rendered();
        }
    }
}

/// The place in the session history that the current entry's state records, if it has one.
fn history_index() -> Option<i32> {
    let state = window().history().ok()?.state().ok()?;
    state.as_f64().map(|i| i as i32)
}

/// After the new screen rendered, focus `<main>` if the element that had focus went with the old one.
fn focus_main_once_rendered() {
    request_animation_frame(|| {
        if focus::is_lost()
            && let Some(main) = document().get_element_by_id("main")
        {
            let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    });
}

/// Starts the router for the whole app: the browser's location, back/forward, link clicks.
pub fn provide_router() -> Location {
    let location = Location::at("/");
    location.sync_from_browser();
    if history_index().is_none()
        && let Ok(history) = window().history()
    {
        let _ = history.replace_state(&wasm_bindgen::JsValue::from(0), "");
    }
    provide_context(location);
    let popstate = window_event_listener(ev::popstate, move |_| location.traverse());
    // On the window, so that a handler on the document (the unsaved-changes guard) can veto a click first.
    let click = window_event_listener(ev::click, move |ev| {
        if let Some(to) = in_app_link(&ev) {
            ev.prevent_default();
            location.navigate(&to, false);
        }
    });
    let handles = SendWrapper::new((popstate, click));
    on_cleanup(move || {
        let (popstate, click) = handles.take();
        popstate.remove();
        click.remove();
    });
    location
}

pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// The path, query and fragment of the same-origin link that a plain left click would follow, if any.
pub fn in_app_link(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let anchor = target
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    if !anchor.target().is_empty()
        || anchor.has_attribute("download")
        || anchor.rel().split_whitespace().any(|r| r == "external")
    {
        return None;
    }
    if anchor.origin() != window().location().origin().ok()? {
        return None;
    }
    Some(format!(
        "{}{}{}",
        anchor.pathname(),
        anchor.search(),
        anchor.hash()
    ))
}

/// A navigation link that says when it is the current section (`aria-current="page"`).
#[component]
pub fn NavLink(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let location = use_location();
    let section = href.clone();
    let current = Signal::derive(move || {
        let path = location.path();
        (path == section || path.starts_with(&format!("{section}/"))).then_some("page")
    });
    view! { <a href=href aria-current=current>{children()}</a> }
}

/// Splits `path?query#fragment` into the path and the query (the fragment is dropped).
fn split(to: &str) -> (String, String) {
    let without_fragment = to.split_once('#').map_or(to, |(before, _)| before);
    match without_fragment.split_once('?') {
        Some((path, query)) => (path.to_owned(), query.to_owned()),
        None => (without_fragment.to_owned(), String::new()),
    }
}

/// The value of `name` in a query string (`a=1&b=x%20y`), `+` and percent escapes decoded.
pub fn query_value(search: &str, name: &str) -> Option<String> {
    search.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(key) == name).then(|| decode(value))
    })
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_percent_decoded() {
        let search = "search=orders%20%26%20co&page=2&flag&x=a+b&bad=%zz";
        assert_eq!(
            query_value(search, "search").as_deref(),
            Some("orders & co")
        );
        assert_eq!(query_value(search, "page").as_deref(), Some("2"));
        assert_eq!(query_value(search, "flag").as_deref(), Some(""));
        assert_eq!(query_value(search, "x").as_deref(), Some("a b"));
        assert_eq!(query_value(search, "bad").as_deref(), Some("%zz"));
        assert_eq!(query_value("q=%é%4", "q").as_deref(), Some("%é%4"));
        assert_eq!(query_value(search, "missing"), None);
        assert_eq!(query_value("", "page"), None);
    }

    #[test]
    fn utf8_escapes_decode_to_text() {
        assert_eq!(query_value("q=caf%C3%A9", "q").as_deref(), Some("café"));
    }

    #[test]
    fn a_target_splits_into_path_and_query() {
        assert_eq!(
            split("/endpoints?page=2#top"),
            ("/endpoints".into(), "page=2".into())
        );
        assert_eq!(split("/events"), ("/events".into(), String::new()));
    }
}
