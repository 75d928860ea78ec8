//! Keyboard focus: keeping it in place when part of a screen is rebuilt (a reload, a changed attempt: the
//! element that had focus is gone, so its counterpart in the new markup gets it), telling whether it was
//! lost, and moving it to an element by id.

use wasm_bindgen::JsCast;

/// What keyboard users can Tab to.
pub const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), \
     textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

/// Where focus is inside `scope`: the `data-key` of the row around it (if any), and its place among
/// that row's (or else the scope's) focusable elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FocusPosition {
    key: Option<String>,
    index: u32,
}

/// The focusable elements under `scope`, in document order.
pub fn focusables(scope: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(nodes) = scope.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Whether nothing has focus: the element that had it was removed (focus falls back to the body).
pub fn is_lost() -> bool {
    let document = leptos::prelude::document();
    document
        .active_element()
        .is_none_or(|active| document.body().is_some_and(|body| *body == active))
}

/// Where focus is inside `scope`, if it is.
pub fn position(scope: &web_sys::Element) -> Option<FocusPosition> {
    let active = leptos::prelude::document().active_element()?;
    if !scope.contains(Some(&active)) {
        return None;
    }
    let row = active
        .closest("[data-key]")
        .ok()
        .flatten()
        .filter(|row| scope.contains(Some(row)));
    let key = row.as_ref().and_then(|row| row.get_attribute("data-key"));
    let within = row.as_ref().unwrap_or(scope);
    let index = focusables(within)
        .iter()
        .position(|el| el.unchecked_ref::<web_sys::Element>() == &active)?;
    Some(FocusPosition {
        key,
        index: index as u32,
    })
}

/// Focuses the counterpart of `position` under `scope`: the rebuilt markup may have dropped the focused
/// element, or kept it for another row (rows are patched in place, by position). Focus that went
/// somewhere else on purpose meanwhile stays there.
pub fn restore(scope: &web_sys::Element, position: &FocusPosition) {
    if !is_lost() && self::position(scope).is_none_or(|now| now == *position) {
        return;
    }
    let within = match &position.key {
        Some(key) => scope
            .query_selector(&format!("[data-key=\"{key}\"]"))
            .ok()
            .flatten(),
        None => Some(scope.clone()),
    };
    if let Some(target) =
        within.and_then(|w| focusables(&w).into_iter().nth(position.index as usize))
    {
        let _ = target.focus();
    }
}

/// Focuses the element with the id `id`, if there is one.
pub fn focus_id(id: &str) {
    if let Some(element) = leptos::prelude::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}
