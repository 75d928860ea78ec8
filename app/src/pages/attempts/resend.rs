//! Resend one event, or several at once through the bulk route, after the password.

use leptos::prelude::*;
use webhook_api::{Attempt, BulkResendRequest, ResendRequest, validate::BULK_RESEND_MAX};

use crate::deliveries::event_id;
use crate::{
    api,
    components::task::Task,
    components::{
        password_dialog::{PasswordDialog, PasswordLockout},
        toast::use_toasts,
    },
    session::use_session,
    set::SortedSet,
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

/// What the attempts ticked on a page give the bulk resend: how many are ticked, how many of those name
/// their event (`event.id`, else the payload's `event_id`), and the distinct events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulkSelection {
    pub ticked: usize,
    pub resendable: usize,
    /// Distinct event ids, in ascending order.
    pub events: Vec<u64>,
}

impl BulkSelection {
    /// The ticked attempts among `attempts` (the page's).
    pub fn of(attempts: &[Attempt], ticked: &SortedSet<u64>) -> Self {
        let mut selection = Self::default();
        let mut events = SortedSet::new();
        for attempt in attempts.iter().filter(|a| ticked.contains(&a.id)) {
            selection.ticked += 1;
            if let Some(event) = event_id(attempt) {
                selection.resendable += 1;
                events.insert(event);
            }
        }
        selection.events = events.into_iter().collect();
        selection
    }

    pub fn can_resend(&self) -> bool {
        !self.events.is_empty() && self.events.len() <= BULK_RESEND_MAX
    }

    /// The button's label.
    pub fn label(&self) -> String {
        match self.events.len() {
            0 => "Resend selected".to_owned(),
            1 => "Resend 1 event".to_owned(),
            n => format!("Resend {n} events"),
        }
    }

    /// Why none, or not all, of the ticked attempts are resent; `None` when all of them are.
    pub fn note(&self) -> Option<String> {
        let (ticked, resendable) = (self.ticked, self.resendable);
        let without = ticked - resendable;
        Some(if self.events.len() > BULK_RESEND_MAX {
            format!(
                "At most {BULK_RESEND_MAX} events can be resent at once; these attempts delivered {}.",
                self.events.len()
            )
        } else if ticked == 0 || without == 0 {
            return None;
        } else if resendable == 0 && ticked == 1 {
            "Resend needs the event's id, and neither the ticked attempt nor its payload carries one."
                .to_owned()
        } else if resendable == 0 {
            format!(
                "Resend needs the events' ids, and none of the {ticked} ticked attempts or their payloads carries one."
            )
        } else {
            let others = if without == 1 {
                "the other carries no event id"
            } else {
                "the others carry no event id"
            };
            format!("{resendable} of the {ticked} ticked attempts can be resent; {others}.")
        })
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
                    match ids.len() {
                        1 => "Resent 1 event: a new attempt is on its way.".to_owned(),
                        n => format!("Resent {n} events: new attempts are on their way."),
                    },
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
        EventsToResend::Many(ids) if ids.len() == 1 => format!(
            "Event {} is sent to this endpoint once more, right away. No automatic retries follow.",
            ids[0]
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

#[cfg(test)]
mod tests {
    use webhook_api::AttemptEvent;

    use super::*;

    /// Attempt `id`, of event `event` as the attempt says (`None`: the reference's shape), with a
    /// payload naming `payload_event` when given.
    fn attempt(id: u64, event: Option<u64>, payload_event: Option<u64>) -> Attempt {
        Attempt {
            id,
            created_at: "2024-01-01T00:00:00Z".into(),
            event: AttemptEvent {
                id: event,
                event_type: "user.created".into(),
                added_at: "2024-01-01T00:00:00Z".into(),
            },
            sent_at: Some("2024-01-01T00:00:00Z".into()),
            http_request_body: match payload_event {
                Some(event) => format!(r#"{{"event_id": {event}, "type": "user.created"}}"#),
                None => r#"{"type": "user.created"}"#.into(),
            },
            http_request_signature_header: "t=1,v0=00".into(),
            http_response_code: Some(500),
            http_response_body: None,
            next_retry: None,
            error: None,
            duration_ms: None,
        }
    }

    fn ticked(ids: &[u64]) -> SortedSet<u64> {
        ids.iter().copied().collect()
    }

    #[test]
    fn the_events_of_the_ticked_attempts_are_resent_once_each() {
        let page = [
            attempt(1, Some(7), Some(7)),
            attempt(2, None, Some(9)),
            attempt(3, None, Some(7)),
            attempt(4, Some(8), None),
        ];
        let selection = BulkSelection::of(&page, &ticked(&[1, 2, 3]));
        assert_eq!(selection.events, [7, 9]);
        assert_eq!((selection.ticked, selection.resendable), (3, 3));
        assert!(selection.can_resend());
        assert_eq!(selection.label(), "Resend 2 events");
        assert_eq!(selection.note(), None);
    }

    #[test]
    fn nothing_ticked_offers_nothing_and_says_nothing() {
        let selection = BulkSelection::of(&[attempt(1, Some(7), None)], &ticked(&[]));
        assert!(!selection.can_resend());
        assert_eq!(selection.label(), "Resend selected");
        assert_eq!(selection.note(), None);
    }

    #[test]
    fn ticked_attempts_without_event_ids_say_why_they_cannot_be_resent() {
        let page = [attempt(1, None, None), attempt(2, None, None)];
        let one = BulkSelection::of(&page, &ticked(&[2]));
        assert!(!one.can_resend());
        assert_eq!(
            one.note().as_deref(),
            Some(
                "Resend needs the event's id, and neither the ticked attempt nor its payload carries one."
            )
        );
        let both = BulkSelection::of(&page, &ticked(&[1, 2]));
        assert!(!both.can_resend());
        assert_eq!(
            both.note().as_deref(),
            Some(
                "Resend needs the events' ids, and none of the 2 ticked attempts or their payloads carries one."
            )
        );
    }

    #[test]
    fn when_only_some_can_be_resent_it_counts_them() {
        let page = [
            attempt(1, None, Some(4)),
            attempt(2, None, None),
            attempt(3, None, None),
        ];
        let selection = BulkSelection::of(&page, &ticked(&[1, 2, 3]));
        assert!(selection.can_resend());
        assert_eq!(selection.label(), "Resend 1 event");
        assert_eq!(
            selection.note().as_deref(),
            Some("1 of the 3 ticked attempts can be resent; the others carry no event id.")
        );
        let two = BulkSelection::of(&page, &ticked(&[1, 2]));
        assert_eq!(
            two.note().as_deref(),
            Some("1 of the 2 ticked attempts can be resent; the other carries no event id.")
        );
    }

    #[test]
    fn more_events_than_the_bulk_route_takes_are_not_sent() {
        let page: Vec<Attempt> = (1..=101).map(|id| attempt(id, Some(id), None)).collect();
        let all: Vec<u64> = (1..=101).collect();
        let selection = BulkSelection::of(&page, &ticked(&all));
        assert!(!selection.can_resend());
        assert_eq!(
            selection.note().as_deref(),
            Some("At most 100 events can be resent at once; these attempts delivered 101.")
        );
    }
}
