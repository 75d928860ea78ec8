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

/// The events a resend dialog sends again: one (from an attempt's panel) or several (the ticked attempts').
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventsToResend {
    One {
        event: u64,
        event_type: String,
    },
    /// Distinct event ids.
    Many(Vec<u64>),
}

impl EventsToResend {
    fn title(&self) -> String {
        match self {
            Self::One { .. } => "Resend this event?".to_owned(),
            Self::Many(ids) if ids.len() == 1 => "Resend 1 event?".to_owned(),
            Self::Many(ids) => format!("Resend {} events?", ids.len()),
        }
    }
}

#[component]
pub fn ResendDialog(
    endpoint_id: u64,
    events: EventsToResend,
    #[prop(into)] on_close: Callback<()>,
    /// After the server accepted it.
    #[prop(into)]
    on_sent: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let lockout = PasswordLockout::use_lockout();
    let toasts = use_toasts();
    let title = events.title();
    let to_resend = StoredValue::new(events.clone());
    let send = Task::new(move |password: &String| {
        let password = password.clone();
        let events = to_resend.get_value();
        let client = session.client();
        async move {
            let (result, done) = match &events {
                EventsToResend::One { event, event_type } => (
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
                EventsToResend::Many(ids) => (
                    api::bulk_resend(
                        &client,
                        endpoint_id,
                        &BulkResendRequest {
                            event: ids.clone(),
                            password,
                        },
                    )
                    .await,
                    format!(
                        "Resent {} events: new attempts are on their way.",
                        ids.len()
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
    let explanation = match events {
        EventsToResend::One { event, event_type } => format!(
            "Event {event} ({event_type}) is sent to this endpoint once more, right away, whether or not it is active. No automatic retries follow."
        ),
        EventsToResend::Many(ids) => format!(
            "Events {} are each sent to this endpoint once more, right away. No automatic retries follow.",
            ids.iter()
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
