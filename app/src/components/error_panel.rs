//! What a screen shows when loading failed: the message and a retry. (A 401 or 403 has gone to the session
//! already, through its client: it signs in again or shows "admin role required" instead of the screen.)

use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn ErrorPanel(
    error: ApiError,
    /// "Could not load the endpoints".
    title: &'static str,
    retry: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="error-panel" role="alert">
            <h2>{title}</h2>
            <p>{error.message()}</p>
            <button type="button" class="button" on:click=move |_| retry.run(())>
                "Retry"
            </button>
        </div>
    }
}
