//! A labelled text field with its hint, character count and messages.

use leptos::prelude::*;

/// A labelled text input with its hint, a character count and its messages.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: RwSignal<String>,
    messages: Signal<Vec<String>>,
    input_type: &'static str,
    placeholder: &'static str,
    max_length: usize,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let errors_id = format!("{id}-errors");
    let invalid = move || messages.with(|m| !m.is_empty());
    let length = move || value.with(|v| v.chars().count());
    view! {
        <div class="field" class=("invalid", invalid)>
            <label for=id>{label}</label>
            <input
                id=id
                type=input_type
                placeholder=placeholder
                autocomplete="off"
                spellcheck="false"
                aria-invalid=move || invalid().to_string()
                aria-describedby=format!("{hint_id} {errors_id}")
                bind:value=value
            />
            <p id=hint_id class="hint">
                {hint}
                <span class="counter" class=("over", move || length() > max_length)>
                    {move || format!(" {}/{max_length}", length())}
                </span>
            </p>
            <div id=errors_id>
                <FieldMessages messages />
            </div>
        </div>
    }
}

#[component]
pub fn FieldMessages(messages: Signal<Vec<String>>) -> impl IntoView {
    move || {
        messages
            .get()
            .into_iter()
            .map(|m| view! { <p class="field-error">{m}</p> })
            .collect_view()
    }
}
