//! Copies a text to the clipboard and says so.

use std::time::Duration;

use leptos::prelude::*;

use super::toast::use_toasts;

#[component]
pub fn CopyButton(
    /// What to copy (read when clicked).
    #[prop(into)]
    text: Signal<String>,
    /// The button's accessible name, e.g. "Copy the signing secret".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let toasts = use_toasts();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let text = text.get_untracked();
        leptos::task::spawn_local(async move {
            let promise = window().navigator().clipboard().write_text(&text);
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => {
                    copied.set(true);
                    set_timeout(move || copied.set(false), Duration::from_secs(2));
                }
                Err(_) => toasts.error("Could not copy: select the text and copy it by hand."),
            }
        });
    };
    view! {
        <button type="button" class="button small copy-button" aria-label=label on:click=copy>
            {move || if copied.get() { "Copied ✓" } else { "Copy" }}
        </button>
        <span class="visually-hidden" role="status">{move || if copied.get() { "Copied" } else { "" }}</span>
    }
}
