//! Delete, after a confirmation that names the target.

use leptos::prelude::*;
use webhook_api::Endpoint;

use crate::{
    api, components::dialog::ConfirmDialog, components::task::Task, components::toast::use_toasts,
    session::use_session,
};

#[component]
pub fn DeleteEndpointDialog(
    endpoint: Endpoint,
    on_close: Callback<()>,
    /// After the server deleted it.
    on_deleted: Callback<Endpoint>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let target = endpoint.target.clone();
    let delete = Task::new(move |endpoint: &Endpoint| {
        let endpoint = endpoint.clone();
        let client = session.client();
        async move {
            match api::delete_endpoint(&client, endpoint.id).await {
                Ok(()) => {
                    // After `on_deleted`, which may go to another screen: the toast shows there.
                    let done = format!("Deleted {}", endpoint.target);
                    on_deleted.run(endpoint);
                    toasts.success(done);
                    Ok(())
                }
                Err(error) => Err(error.message()),
            }
        }
    });
    let error = Signal::derive(move || delete.value().get().and_then(Result::err));
    view! {
        <ConfirmDialog
            title="Delete this endpoint?"
            confirm_label="Delete endpoint"
            danger=true
            pending=delete.pending()
            error
            on_confirm=move |()| {
                delete.dispatch(endpoint.clone());
            }
            on_cancel=on_close
        >
            <p>
                "Deliveries to " <strong class="target">{target}</strong>
                " stop, and its delivery attempts are deleted with it. This cannot be undone."
            </p>
        </ConfirmDialog>
    }
}
