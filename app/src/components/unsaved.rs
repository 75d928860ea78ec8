//! Asks before leaving a form with unsaved changes: an in-app link opens a "discard changes?" dialog,
//! closing or reloading the tab gets the browser's own prompt.

use leptos::{ev, prelude::*};
use send_wrapper::SendWrapper;
use wasm_bindgen::{JsCast, closure::Closure};

use super::dialog::ConfirmDialog;
use crate::router::{in_app_link, use_location};

/// Guards the page while `dirty` is true. Render it once inside the form's page.
#[component]
pub fn UnsavedChangesGuard(#[prop(into)] dirty: Signal<bool>) -> impl IntoView {
    let leaving_to = RwSignal::new(None::<String>);
    let location = use_location();

    // On the document, so it runs before the router's click handler on the window; the router leaves
    // alone a click whose default was prevented.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if !dirty.get_untracked() {
            return;
        }
        if let Some(href) = in_app_link(&ev) {
            ev.prevent_default();
            leaving_to.set(Some(href));
        }
    });
    let document = document();
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    let on_click = SendWrapper::new(on_click);
    let before_unload = window_event_listener(ev::beforeunload, move |ev| {
        if dirty.get_untracked() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || {
        let _ = document.remove_event_listener_with_callback(
            "click",
            on_click.as_ref().as_ref().unchecked_ref(),
        );
        before_unload.remove();
    });

    view! {
        <Show when=move || leaving_to.with(Option::is_some)>
            <ConfirmDialog
                title="Discard unsaved changes?"
                confirm_label="Discard changes"
                danger=true
                pending=Signal::stored(false)
                error=Signal::stored(None::<String>)
                on_confirm=move |()| {
                    if let Some(href) = leaving_to.get_untracked() {
                        leaving_to.set(None);
                        location.navigate(&href, false);
                    }
                }
                on_cancel=move |()| leaving_to.set(None)
            >
                <p>"What you changed on this page has not been saved. Leave anyway?"</p>
            </ConfirmDialog>
        </Show>
    }
}
