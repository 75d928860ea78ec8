//! Asks before leaving a form with unsaved changes: an in-app link or the browser's back/forward
//! buttons open a "discard changes?" dialog, closing or reloading the tab gets the browser's own prompt.

use leptos::{ev, prelude::*};
use send_wrapper::SendWrapper;
use wasm_bindgen::{JsCast, closure::Closure};

use super::{dialog::ConfirmDialog, unique_number};
use crate::router::{in_app_link, use_location};

/// Where the admin was about to go.
#[derive(Clone, Debug, PartialEq)]
enum Leaving {
    /// A link to this path.
    To(String),
    /// Back (negative) or forward this many entries; the browser has been stepped back meanwhile.
    Through(i32),
}

/// Guards the page while `dirty` is true. Render it once inside the form's page.
#[component]
pub fn UnsavedChangesGuard(#[prop(into)] dirty: Signal<bool>) -> impl IntoView {
    let leaving = RwSignal::new(None::<Leaving>);
    // Set while a confirmed back/forward is under way, so that the router lets it through.
    let confirmed = StoredValue::new(false);
    let location = use_location();

    // On the document, so it runs before the router's click handler on the window; the router leaves
    // alone a click whose default was prevented.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
        if !dirty.get_untracked() {
            return;
        }
        if let Some(href) = in_app_link(&ev) {
            ev.prevent_default();
            leaving.set(Some(Leaving::To(href)));
        }
    });
    let document = document();
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    let on_click = SendWrapper::new(on_click);
    // The router asks before it shows the page a back/forward went to, and undoes a refused one.
    let owner = unique_number();
    location.guard_history(
        owner,
        Callback::new(move |steps| {
            if confirmed.get_value() {
                confirmed.set_value(false);
                return true;
            }
            if !dirty.get_untracked() {
                return true;
            }
            leaving.set(Some(Leaving::Through(steps)));
            false
        }),
    );
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
        location.unguard_history(owner);
        before_unload.remove();
    });

    view! {
        <Show when=move || leaving.with(Option::is_some)>
            <ConfirmDialog
                title="Discard unsaved changes?"
                confirm_label="Discard changes"
                danger=true
                pending=Signal::stored(false)
                error=Signal::stored(None::<String>)
                on_confirm=move |()| {
                    let to = leaving.get_untracked();
                    leaving.set(None);
                    match to {
                        Some(Leaving::To(href)) => location.navigate(&href, false),
                        Some(Leaving::Through(steps)) => {
                            confirmed.set_value(true);
                            if let Ok(history) = window().history() {
                                let _ = history.go_with_delta(steps);
                            }
                        }
                        None => {}
                    }
                }
                on_cancel=move |()| leaving.set(None)
            >
                <p>"What you changed on this page has not been saved. Leave anyway?"</p>
            </ConfirmDialog>
        </Show>
    }
}
