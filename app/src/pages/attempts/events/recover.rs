//! "Resend failed events": every event of the window (and type) that no try delivered and that will
//! not be retried by itself, sent again after the password (asked once), through the bulk route in
//! requests of at most [`BULK_RESEND_MAX`] events, one after another. A 429 or another refusal stops it
//! with what was and was not sent on screen, to go on from there; a session that ends midway leaves
//! the same account for after signing in again ([`take_interrupted`]); "Resend failed events" then
//! sends the others, which are still failed.

use std::cell::RefCell;

use leptos::prelude::*;
use webhook_api::{BulkResendRequest, validate::BULK_RESEND_MAX};

use crate::{
    api::{self, ApiError},
    components::{
        password_dialog::{PasswordDialog, PasswordLockout, PasswordProblem},
        task::Task,
    },
    session::use_session,
};

/// Events being resent, and how far it got.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// Each event's id and type, in the order they are sent.
    pub events: Vec<(u64, String)>,
    /// How many of `events`, from the first, the server took.
    pub sent: usize,
    pub stop: Option<Stop>,
}

/// Why a recovery stopped before the end.
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    /// The server refused a request (wrong password, throttled, another error): the dialog says why.
    Refused(PasswordProblem),
    /// The session ended (or lost the admin role) between two requests.
    SessionEnded,
}

impl Recovery {
    pub fn new(events: Vec<(u64, String)>) -> Self {
        Self {
            events,
            sent: 0,
            stop: None,
        }
    }

    /// The ids of the next request: up to [`BULK_RESEND_MAX`] not sent yet; `None` when all were sent.
    pub fn next_chunk(&self) -> Option<Vec<u64>> {
        let rest = &self.events[self.sent..];
        (!rest.is_empty()).then(|| {
            rest.iter()
                .take(BULK_RESEND_MAX)
                .map(|(id, _)| *id)
                .collect()
        })
    }

    /// The server took the chunk [`Recovery::next_chunk`] gave.
    pub fn chunk_sent(&mut self) {
        self.sent = (self.sent + BULK_RESEND_MAX).min(self.events.len());
        self.stop = None;
    }

    /// The server refused the chunk with `error` (nothing of it was sent: the bulk route sends all or
    /// none); `problem` is how the password dialog reads it.
    pub fn chunk_refused(&mut self, error: &ApiError, problem: PasswordProblem) {
        self.stop = Some(if error.is_refusal() {
            Stop::SessionEnded
        } else {
            Stop::Refused(problem)
        });
    }

    /// "Sent 100 of 250 events."
    pub fn progress(&self) -> String {
        format!("Sent {} of {} events.", self.sent, self.events.len())
    }
}

thread_local! {
    /// A recovery the end of the session interrupted, by endpoint: the screen that ran it is gone by
    /// the time the admin has signed in again.
    static INTERRUPTED: RefCell<Option<(u64, Recovery)>> = const { RefCell::new(None) };
}

/// The recovery of endpoint `id` that the end of a session interrupted, once.
pub fn take_interrupted(id: u64) -> Option<Recovery> {
    INTERRUPTED.with(|slot| {
        let mut slot = slot.borrow_mut();
        match slot.take() {
            Some((endpoint, recovery)) if endpoint == id => Some(recovery),
            other => {
                *slot = other;
                None
            }
        }
    })
}

/// The password once, then every chunk; the progress bar, and what stopped it.
#[component]
pub fn RecoverDialog(
    endpoint_id: u64,
    recovery: Recovery,
    /// Where the events come from: "since 1 May, 14:00".
    #[prop(into)]
    scope: String,
    #[prop(into)] on_close: Callback<()>,
    /// Every event was sent.
    #[prop(into)]
    on_done: Callback<Recovery>,
) -> impl IntoView {
    let session = use_session();
    let lockout = PasswordLockout::use_lockout();
    let total = recovery.events.len();
    let state = RwSignal::new(recovery);
    let send = Task::new(move |password: &String| {
        let password = password.clone();
        let client = session.client();
        let mut recovery = state.get_untracked();
        async move {
            while let Some(event) = recovery.next_chunk() {
                let body = BulkResendRequest {
                    event,
                    password: password.clone(),
                };
                match api::bulk_resend(&client, endpoint_id, &body).await {
                    Ok(()) => recovery.chunk_sent(),
                    Err(error) => {
                        recovery.chunk_refused(&error, lockout.problem(&error));
                        if recovery.stop == Some(Stop::SessionEnded) {
                            INTERRUPTED.with(|slot| {
                                *slot.borrow_mut() = Some((endpoint_id, recovery.clone()));
                            });
                        }
                        state.try_set(recovery);
                        return;
                    }
                }
                state.try_set(recovery.clone());
            }
            on_done.run(recovery);
        }
    });
    let problem = Signal::derive(move || match state.with(|r| r.stop.clone()) {
        Some(Stop::Refused(problem)) => Some(problem),
        Some(Stop::SessionEnded) => Some(PasswordProblem::Other(
            "Your session ended: sign in again to send the others.".to_owned(),
        )),
        None => None,
    });
    let title = match total {
        1 => "Resend 1 failed event?".to_owned(),
        n => format!("Resend {n} failed events?"),
    };
    view! {
        <PasswordDialog
            title
            confirm_label="Resend"
            pending=send.pending()
            problem
            on_submit=Callback::new(move |password| send.dispatch(password))
            on_close
        >
            <p>
                {format!(
                    "Every event {scope} that no try delivered and that will not be retried by itself is sent to this endpoint once more, right away, at most {BULK_RESEND_MAX} per request. No automatic retries follow."
                )}
            </p>
            {move || state.with(|recovery| view! { <RecoveryAccount recovery=recovery.clone() /> })}
        </PasswordDialog>
    }
}

/// How many of the events were sent, which were not, as a progress bar and two lists.
#[component]
pub fn RecoveryAccount(recovery: Recovery) -> impl IntoView {
    let (sent, unsent) = recovery.events.split_at(recovery.sent);
    let list = |events: &[(u64, String)]| {
        // The first few hundred: enough to see which, few enough for the page.
        let more = events.len().saturating_sub(200);
        view! {
            <ul class="recover-list">
                {events
                    .iter()
                    .take(200)
                    .map(|(id, event_type)| view! { <li><code>{format!("{event_type} · {id}")}</code></li> })
                    .collect_view()}
                {(more > 0).then(|| view! { <li class="muted">{format!("and {more} more")}</li> })}
            </ul>
        }
    };
    view! {
        <div class="recover-account">
            {(recovery.sent > 0).then(|| view! {
                <progress max=recovery.events.len() value=recovery.sent aria-label="Events sent"></progress>
                <p>{recovery.progress()}</p>
                <h4>{format!("Sent ({})", sent.len())}</h4>
                {list(sent)}
            })}
            {(!unsent.is_empty()).then(|| view! {
                <h4>{if recovery.sent > 0 { format!("Not sent ({})", unsent.len()) } else { format!("To send ({})", unsent.len()) }}</h4>
                {list(unsent)}
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use webhook_api::{ErrorBody, ErrorCode, ErrorEntry, ErrorMessage};

    use super::*;

    fn events(n: u64) -> Vec<(u64, String)> {
        (1..=n).map(|id| (id, "user.created".to_owned())).collect()
    }

    fn refused(status: u16, retry_after: Option<u64>) -> ApiError {
        ApiError::Http {
            status,
            body: None,
            retry_after,
        }
    }

    #[test]
    fn events_go_in_chunks_of_a_hundred_until_all_are_sent() {
        let mut recovery = Recovery::new(events(250));
        let mut chunks = Vec::new();
        while let Some(chunk) = recovery.next_chunk() {
            chunks.push((chunk[0], chunk.len()));
            recovery.chunk_sent();
        }
        assert_eq!(chunks, [(1, 100), (101, 100), (201, 50)]);
        assert_eq!(recovery.sent, 250);
        assert_eq!(recovery.progress(), "Sent 250 of 250 events.");
        let mut one = Recovery::new(events(1));
        assert_eq!(one.next_chunk(), Some(vec![1]));
        one.chunk_sent();
        assert_eq!(one.next_chunk(), None);
    }

    #[test]
    fn a_throttle_stops_it_with_when_to_go_on_and_keeps_what_was_not_sent() {
        let mut recovery = Recovery::new(events(250));
        recovery.chunk_sent();
        let error = refused(429, Some(90));
        let problem = PasswordProblem::from_error(&error, 1_000.0);
        recovery.chunk_refused(&error, problem.clone());
        assert_eq!(recovery.stop, Some(Stop::Refused(problem)));
        assert!(matches!(
            recovery.stop,
            Some(Stop::Refused(PasswordProblem::Throttled {
                until: Some(91_000.0),
                ..
            }))
        ));
        assert_eq!(recovery.sent, 100);
        assert_eq!(recovery.events[recovery.sent..].len(), 150);
        assert_eq!(recovery.progress(), "Sent 100 of 250 events.");
        // Going on later starts at the first event not sent.
        assert_eq!(recovery.next_chunk().unwrap()[0], 101);
        recovery.chunk_sent();
        assert_eq!(recovery.stop, None);
    }

    #[test]
    fn a_session_that_ends_midway_keeps_the_account() {
        let mut recovery = Recovery::new(events(150));
        recovery.chunk_sent();
        let error = refused(401, None);
        recovery.chunk_refused(&error, PasswordProblem::from_error(&error, 0.0));
        assert_eq!(recovery.stop, Some(Stop::SessionEnded));
        assert_eq!(recovery.events[recovery.sent..], events(150)[100..]);
        INTERRUPTED.with(|slot| *slot.borrow_mut() = Some((3, recovery.clone())));
        assert_eq!(take_interrupted(4), None, "another endpoint's");
        assert_eq!(take_interrupted(3), Some(recovery));
        assert_eq!(take_interrupted(3), None, "once");
    }

    #[test]
    fn a_wrong_password_sends_nothing_and_can_be_typed_again() {
        let mut recovery = Recovery::new(events(3));
        let error = ApiError::Http {
            status: 400,
            body: Some(ErrorBody {
                errors: vec![ErrorEntry::Field {
                    field: "password".into(),
                    messages: vec![ErrorMessage::new(ErrorCode::Invalid, "Invalid password.")],
                }],
            }),
            retry_after: None,
        };
        recovery.chunk_refused(&error, PasswordProblem::from_error(&error, 0.0));
        assert_eq!(
            recovery.stop,
            Some(Stop::Refused(PasswordProblem::Wrong(
                "Invalid password.".into()
            )))
        );
        assert_eq!(
            (recovery.sent, recovery.next_chunk()),
            (0, Some(vec![1, 2, 3]))
        );
    }
}
