//! What a screen shows when loading failed: the message and a retry. A 401 or 403 goes to the session
//! instead (sign in again, "admin role required").

use leptos::prelude::*;

use crate::{api::ApiError, session::use_session};

#[component]
pub fn ErrorPanel(
    error: ApiError,
    /// "Could not load the endpoints".
    title: &'static str,
    retry: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let message = error.message();
    // Not during rendering: the session's signals drive what is being rendered.
    request_animation_frame(move || {
        session.report(&error);
    });
    view! {
        <div class="error-panel" role="alert">
            <h2>{title}</h2>
            <p>{message}</p>
            <button type="button" class="button" on:click=move |_| retry.run(())>
                "Retry"
            </button>
        </div>
    }
}
