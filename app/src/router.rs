//! A small client-side router: the location as signals, `history.pushState` navigation, same-origin link
//! clicks handled in place, back/forward. Each history entry carries its place in the session history
//! (`history.state`), so that a back/forward can be measured and, when a screen's guard refuses it,
//! undone.
//! One guard API for leaving a screen: [`Location::guard`] is asked before a link click and before a
//! back/forward shows another page (the unsaved-changes guard), and [`Location::leave`] goes on once
//! the admin agreed.
//! A new screen that replaced the focused element gives focus to `<main>`, where keyboard and
//! screen-reader users carry on (moved there before the old screen goes, see
//! `focus_main_before_leaving`). It replaces leptos_router, whose generic route tree was one of
//! the largest parts of the .wasm; route matching itself is plain Rust in [`crate::routes`], and
//! URL text is read and written by [`crate::url`].

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::{ev, prelude::*};
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::{
    focus,
    url::{query_value, split},
};

/// Where the admin is about to go when a navigation guard is asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leaving {
    /// An in-app link to this path (with its query).
    To(String),
    /// Back (negative) or forward this many entries; the browser has been stepped back meanwhile.
    Through(i32),
}

/// The guard of the screen on show, tagged with a number of its own so that only it removes itself.
type Guard = (usize, Callback<Leaving, bool>);

/// Where the app is (a context value).
#[derive(Clone, Copy)]
pub struct Location {
    path: RwSignal<String>,
    /// The query without its `?`.
    search: RwSignal<String>,
    /// The current entry's place in the session history.
    index: StoredValue<i32>,
    /// Asked before a link click or a back/forward leaves the page; `false` stays (and undoes a
    /// back/forward).
    guard: StoredValue<Option<Guard>>,
    /// Set by [`Location::leave`] for the back/forward it starts, which the guard already agreed to.
    agreed: StoredValue<bool>,
}

impl Location {
    /// A location at `path_and_query`, without listening to the browser (for tests).
    pub fn at(path_and_query: &str) -> Self {
        let (path, search) = split(path_and_query);
        Self {
            path: RwSignal::new(path),
            search: RwSignal::new(search),
            index: StoredValue::new(0),
            guard: StoredValue::new(None),
            agreed: StoredValue::new(false),
        }
    }

    /// The path, tracked.
    pub fn path(&self) -> String {
        self.path.get()
    }

    /// The path, or `None` once the app that held it is gone (tracked).
    pub fn try_path(&self) -> Option<String> {
        self.path.try_get()
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

    /// Asks `guard` before each link click or back/forward that would leave the page, for as long as the
    /// calling component lives; `false` keeps the admin here. The guard may then ask them and call
    /// [`Location::leave`].
    pub fn guard(&self, guard: Callback<Leaving, bool>) {
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        self.guard.set_value(Some((id, guard)));
        let this = *self;
        on_cleanup(move || {
            // A newer guard (the next screen's) stays.
            this.guard.try_update_value(|guard| {
                if guard.as_ref().is_some_and(|(owner, _)| *owner == id) {
                    *guard = None;
                }
            });
        });
    }

    /// Whether the guard lets the admin go (`true` without one).
    fn may_leave(&self, leaving: Leaving) -> bool {
        match self.guard.get_value() {
            Some((_, guard)) => guard.run(leaving),
            None => true,
        }
    }

    /// Goes where the admin was about to go when the guard stopped them, without asking it again.
    pub fn leave(&self, leaving: Leaving) {
        match leaving {
            Leaving::To(href) => self.navigate(&href, false),
            Leaving::Through(steps) => {
                self.agreed.set_value(true);
                if let Ok(history) = window().history() {
                    let _ = history.go_with_delta(steps);
                }
            }
        }
    }

    /// A link was clicked: follow it, unless the guard keeps the admin here.
    fn follow(&self, href: String) {
        if self.may_leave(Leaving::To(href.clone())) {
            self.navigate(&href, false);
        }
    }

    /// A back/forward happened: show where it went, unless the guard refuses, in which case the
    /// browser steps back to this entry.
    fn traverse(&self) {
        let steps = history_index().map_or(0, |to| to - self.index.get_value());
        let agreed = self.agreed.get_value();
        self.agreed.set_value(false);
        if steps != 0 && !agreed && !self.may_leave(Leaving::Through(steps)) {
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
        if new_page {
            focus_main_before_leaving();
        }
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
        if new_page {
            focus_main_before_leaving();
        }
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

/// Focus inside the screen about to go moves to `<main>` first. Removing the focused element makes the
/// browser update style and layout on the spot (to move focus elsewhere) while the old screen is half
/// taken down and the new one half built: on a slow phone that forced layout was a good part of the
/// time from a click to the next screen.
fn focus_main_before_leaving() {
    let Some(main) = document().get_element_by_id("main") else {
        return;
    };
    if let Some(active) = document().active_element()
        && active != main
        && main.contains(Some(&active))
    {
        // Without scrolling, which would need a layout too (the new screen starts at the top anyway).
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = main
            .unchecked_into::<web_sys::HtmlElement>()
            .focus_with_options(&options);
    }
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
    let click = window_event_listener(ev::click, move |ev| {
        if let Some(to) = in_app_link(&ev) {
            ev.prevent_default();
            location.follow(to);
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
fn in_app_link(ev: &web_sys::MouseEvent) -> Option<String> {
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
