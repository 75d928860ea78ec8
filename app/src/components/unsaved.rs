//! Asks before leaving a form with unsaved changes: an in-app link or the browser's back/forward
//! buttons open a "discard changes?" dialog (through the router's guard), closing or reloading the tab
//! gets the browser's own prompt.

use leptos::{ev, prelude::*};

use super::dialog::ConfirmDialog;
use crate::router::{Leaving, use_location};

/// Guards the page while `dirty` is true. Render it once inside the form's page.
#[component]
pub fn UnsavedChangesGuard(#[prop(into)] dirty: Signal<bool>) -> impl IntoView {
    let leaving = RwSignal::new(None::<Leaving>);
    let location = use_location();
    location.guard(Callback::new(move |to: Leaving| {
        if !dirty.get_untracked() {
            return true;
        }
        leaving.set(Some(to));
        false
    }));
    let before_unload = window_event_listener(ev::beforeunload, move |ev| {
        if dirty.get_untracked() {
            ev.prevent_default();
        }
    });
    on_cleanup(move || before_unload.remove());

    view! {
        <Show when=move || leaving.with(Option::is_some)>
            <ConfirmDialog
                title="Discard unsaved changes?"
                confirm_label="Discard changes"
                danger=true
                pending=Signal::stored(false)
                error=Signal::stored(None::<String>)
                on_confirm=move |()| {
                    if let Some(to) = leaving.get_untracked() {
                        leaving.set(None);
                        location.leave(to);
                    }
                }
                on_cancel=move |()| leaving.set(None)
            >
                <p>"What you changed on this page has not been saved. Leave anyway?"</p>
            </ConfirmDialog>
        </Show>
    }
}
