//! Times as the console shows them: relative ("3 min ago") with the exact local time on hover, and
//! countdowns to a retry.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::{clock::use_now, time};

/// The exact local date and time of `ms` in the browser's language.
pub fn exact(ms: f64) -> String {
    let language = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_else(|| "en".to_owned());
    js_sys::Date::new(&JsValue::from_f64(ms))
        .to_locale_string(&language, &JsValue::UNDEFINED)
        .into()
}

/// `iso` as "5 min ago", with the exact time as a tooltip; the raw text if it does not parse.
#[component]
pub fn RelativeTime(#[prop(into)] iso: String) -> impl IntoView {
    let now = use_now();
    match time::parse_iso8601(&iso) {
        Some(ms) => view! {
            <time datetime=iso title=exact(ms)>
                {move || time::relative(ms, now())}
            </time>
        }
        .into_any(),
        None => view! { <span>{iso}</span> }.into_any(),
    }
}

/// Time left until `iso` ("in 1 min 05 s"), ticking every second.
#[component]
pub fn Countdown(#[prop(into)] iso: String) -> impl IntoView {
    let now = use_now();
    match time::parse_iso8601(&iso) {
        Some(ms) => view! {
            <time class="countdown" datetime=iso title=exact(ms)>
                {move || time::countdown(ms, now())}
            </time>
        }
        .into_any(),
        None => view! { <span>{iso}</span> }.into_any(),
    }
}
