//! Resend one event, or several at once through the bulk route, after the password.

use leptos::prelude::*;
use webhook_api::{BulkResendRequest, ResendRequest};

use crate::{
    api,
    components::task::Task,
    components::{
        password_dialog::{PasswordDialog, PasswordLockout},
        toast::use_toasts,
    },
    session::use_session,
};

/// What to resend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResendRequestKind {
    One {
        event: u64,
        event_type: String,
    },
    /// Distinct event ids.
    Many(Vec<u64>),
}

impl ResendRequestKind {
    fn title(&self) -> String {
        match self {
            Self::One { .. } => "Resend this event?".to_owned(),
            Self::Many(events) if events.len() == 1 => "Resend 1 event?".to_owned(),
            Self::Many(events) => format!("Resend {} events?", events.len()),
        }
    }
}

#[component]
pub fn ResendDialog(
    endpoint_id: u64,
    kind: ResendRequestKind,
    #[prop(into)] on_close: Callback<()>,
    /// After the server accepted it.
    #[prop(into)]
    on_sent: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let lockout = PasswordLockout::use_lockout();
    let toasts = use_toasts();
    let title = kind.title();
    let stored_kind = StoredValue::new(kind.clone());
    let send = Task::new(move |password: &String| {
        let password = password.clone();
        let kind = stored_kind.get_value();
        let client = session.client();
        async move {
            let (result, done) = match &kind {
                ResendRequestKind::One { event, event_type } => (
                    api::resend(
                        &client,
                        endpoint_id,
                        &ResendRequest {
                            event: *event,
                            password,
                        },
                    )
                    .await,
                    format!("Resent event {event} ({event_type}): a new attempt is on its way."),
                ),
                ResendRequestKind::Many(events) => (
                    api::bulk_resend(
                        &client,
                        endpoint_id,
                        &BulkResendRequest {
                            event: events.clone(),
                            password,
                        },
                    )
                    .await,
                    format!(
                        "Resent {} events: new attempts are on their way.",
                        events.len()
                    ),
                ),
            };
            match result {
                Ok(()) => {
                    toasts.success(done);
                    on_sent.run(());
                    Ok(())
                }
                Err(error) => Err(lockout.problem(&error)),
            }
        }
    });
    let result = send.value();
    let problem = Signal::derive(move || result.get().and_then(Result::err));
    let explanation = match kind {
        ResendRequestKind::One { event, event_type } => format!(
            "Event {event} ({event_type}) is sent to this endpoint once more, right away, whether or not it is active. No automatic retries follow."
        ),
        ResendRequestKind::Many(events) => format!(
            "Events {} are each sent to this endpoint once more, right away. No automatic retries follow.",
            events
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    view! {
        <PasswordDialog
            title
            confirm_label="Resend"
            pending=send.pending()
            problem
            on_submit=Callback::new(move |password| {
                send.dispatch(password);
            })
            on_close
        >
            <p>{explanation}</p>
        </PasswordDialog>
    }
}
