//! What a screen shows when loading failed: the message and a retry. A 401 or 403 goes to the session
//! instead (sign in again, "admin role required").

use leptos::{error::Errors, prelude::*};

use crate::{api::ApiError, session::use_session};

/// The first of `errors` as an [`ApiError`] when it is one.
pub fn first_api_error(errors: &Errors) -> Option<ApiError> {
    errors
        .iter()
        .find_map(|(_, error)| error.downcast_ref::<ApiError>().cloned())
}

/// The fallback of an `ErrorBoundary` around a screen's data.
#[component]
pub fn ErrorPanel(
    errors: ArcRwSignal<Errors>,
    /// "Could not load the endpoints".
    #[prop(into)]
    title: String,
    #[prop(into)] retry: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let message = {
        let errors = errors.clone();
        move || {
            errors.with(|errors| match first_api_error(errors) {
                Some(error) => error.message(),
                None => errors
                    .iter()
                    .next()
                    .map(|(_, e)| e.to_string())
                    .unwrap_or_default(),
            })
        }
    };
    Effect::new(move |_| {
        if let Some(error) = errors.with(first_api_error) {
            session.report(&error);
        }
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
