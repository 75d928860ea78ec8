//! Modal dialogs on the native `<dialog>` (the page behind is inert), with focus kept inside on Tab,
//! Escape to close, and focus returned to whatever opened it (or, when that is gone, to the panel or
//! page it was on).

use leptos::{html, prelude::*};
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use super::unique_id;
use crate::focus::{self, FOCUSABLE, focusables};

/// A modal dialog titled `title`. `on_close` runs on Escape; the parent closes it by no longer rendering it.
#[component]
pub fn Modal(
    #[prop(into)] title: String,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
    /// Set on the dialog element.
    #[prop(optional, into)]
    class: Option<String>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let title_id = unique_id("dialog-title");
    let opener = document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    // Where focus goes if the opener is gone by the time the dialog closes (revealing the secret
    // removes "Reveal…", deleting removes the row): the closest container that takes focus.
    let fallback = opener
        .as_ref()
        .and_then(|o| o.closest("[tabindex='-1']").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    let return_to = SendWrapper::new((opener, fallback));
    dialog.on_load(|dialog| {
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
        focus_initial(&dialog);
    });
    let title_for_cleanup = title_id.clone();
    on_cleanup(move || {
        // While the modal is open its opener is inert and cannot take focus: close it first.
        if let Some(dialog) = document()
            .get_element_by_id(&title_for_cleanup)
            .and_then(|title| title.closest("dialog").ok().flatten())
        {
            dialog
                .unchecked_into::<web_sys::HtmlDialogElement>()
                .close();
        }
        let (opener, fallback) = return_to.take();
        if let Some(opener) = &opener {
            let _ = opener.focus();
        }
        // What closed the dialog may also remove the opener, in the same update: check once it settled.
        request_animation_frame(move || {
            if !focus::is_lost() {
                return;
            }
            let target = opener
                .filter(|o| o.is_connected())
                .or(fallback.filter(|f| f.is_connected()));
            if let Some(target) = target {
                let _ = target.focus();
            }
        });
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        // Handled here as well as through `cancel`, which Chromium skips on a second Escape in a row.
        "Escape" => {
            ev.prevent_default();
            on_close.run(());
        }
        "Tab" => {
            if let Some(dialog) = dialog.get_untracked() {
                trap_tab(&dialog, &ev);
            }
        }
        _ => {}
    };
    let labelled_by = title_id.clone();
    view! {
        <dialog
            node_ref=dialog
            class=format!("modal {}", class.unwrap_or_default())
            aria-labelledby=labelled_by
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                on_close.run(());
            }
            on:keydown=on_keydown
        >
            <h2 id=title_id class="modal-title">{title}</h2>
            {children()}
        </dialog>
    }
}

/// Focus the element marked `autofocus`, else the first focusable one.
fn focus_initial(dialog: &web_sys::HtmlDialogElement) {
    let target = dialog
        .query_selector("[autofocus]")
        .ok()
        .flatten()
        .or_else(|| dialog.query_selector(FOCUSABLE).ok().flatten());
    if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Tab from the last focusable element goes to the first, Shift+Tab from the first to the last.
fn trap_tab(dialog: &web_sys::HtmlDialogElement, ev: &web_sys::KeyboardEvent) {
    let elements = focusables(dialog);
    let (Some(first), Some(last)) = (elements.first(), elements.last()) else {
        ev.prevent_default();
        return;
    };
    let active = document().active_element();
    let is = |el: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
    };
    let inside = active
        .as_ref()
        .is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
    if ev.shift_key() && (is(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (is(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// Asks to confirm something that cannot be undone.
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] confirm_label: String,
    /// Colours the confirm button as destructive.
    #[prop(optional)]
    danger: bool,
    #[prop(into)] pending: Signal<bool>,
    /// Shown above the buttons when the action failed.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
    children: Children,
) -> impl IntoView {
    let button_class = if danger {
        "button danger"
    } else {
        "button primary"
    };
    view! {
        <Modal title=title on_close=on_cancel>
            <div class="modal-body">{children()}</div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="modal-actions">
                <button type="button" class="button" on:click=move |_| on_cancel.run(()) autofocus>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class=button_class
                    // Not `disabled`: a disabled button drops keyboard focus while the action runs.
                    aria-disabled=move || pending.get().to_string()
                    on:click=move |_| {
                        if !pending.get_untracked() {
                            on_confirm.run(());
                        }
                    }
                >
                    {move || if pending.get() { "Working…".to_owned() } else { confirm_label.clone() }}
                </button>
            </div>
        </Modal>
    }
}
