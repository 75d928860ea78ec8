//! The endpoint form's state, apart from its view: the fields as signals, the messages each field shows
//! (the shared rules as the admin types, the server's while the field is as the server saw it), the
//! submit, and the changes kept in `sessionStorage` when the session ends under the form.

use leptos::prelude::*;

use super::{
    SaveEndpoint,
    draft::{EndpointDraft, Field, kept_draft_json, read_kept_draft},
};
use crate::{
    api::ApiError,
    focus::focus_id,
    router::use_location,
    session::{self, use_session},
    set::SortedSet,
};

/// The `sessionStorage` key of a draft kept while the admin signs in again (nothing in it is secret).
const KEPT_DRAFT_KEY: &str = "webhook-console.draft";

/// What the form holds and what it says about it.
#[derive(Clone, Copy)]
pub struct EndpointFormState {
    pub target: RwSignal<String>,
    pub description: RwSignal<String>,
    pub is_active: RwSignal<bool>,
    pub ssl_cert_verification: RwSignal<bool>,
    pub events: RwSignal<SortedSet<String>>,
    /// The form started from changes kept while the admin signed in again.
    pub restored: bool,
    /// A save is under way.
    pub pending: Signal<bool>,
    draft: Memo<EndpointDraft>,
    /// What the server has: changes from it are unsaved.
    initial: StoredValue<EndpointDraft>,
    /// Messages about what is missing show once the admin tried to save.
    attempted: RwSignal<bool>,
    /// The draft the server last answered about: its field errors stand while the field is unchanged.
    submitted: RwSignal<Option<EndpointDraft>>,
    save: SaveEndpoint,
}

impl EndpointFormState {
    /// A form for `initial` (what the server has) that saves with `save`. Changes kept for this form
    /// when the session ended under it are where it starts instead, and count as unsaved; changes left
    /// unsaved when the session ends are kept the same way.
    pub fn new(initial: EndpointDraft, save: SaveEndpoint) -> Self {
        let path = untrack(|| use_location().path());
        let kept = take_kept_draft(&path);
        let restored = kept.is_some();
        let start = kept.unwrap_or_else(|| initial.clone());
        let target = RwSignal::new(start.target);
        let description = RwSignal::new(start.description);
        let is_active = RwSignal::new(start.is_active);
        let ssl_cert_verification = RwSignal::new(start.ssl_cert_verification);
        let events = RwSignal::new(start.events);
        let draft = Memo::new(move |_| EndpointDraft {
            target: target.get(),
            description: description.get(),
            is_active: is_active.get(),
            ssl_cert_verification: ssl_cert_verification.get(),
            events: events.get(),
        });
        let this = Self {
            target,
            description,
            is_active,
            ssl_cert_verification,
            events,
            restored,
            pending: save.pending(),
            draft,
            initial: StoredValue::new(initial),
            attempted: RwSignal::new(false),
            submitted: RwSignal::new(None),
            save,
        };
        this.keep_on_session_end(path);
        this.focus_first_refused_field();
        this
    }

    /// Whether the form differs from what the server has (tracked).
    pub fn has_changes(&self) -> bool {
        self.initial
            .with_value(|initial| self.draft.with(|draft| draft != initial))
    }

    /// The session ended (a 401 on save, a refresh that failed) and took the screen: keep the changes.
    fn keep_on_session_end(self, path: String) {
        let session = use_session();
        on_cleanup(move || {
            let unsaved = self
                .initial
                .try_with_value(|i| {
                    self.draft
                        .try_with_untracked(|d| (d != i).then(|| d.clone()))
                })
                .flatten()
                .flatten();
            if let Some(draft) = unsaved
                && !session.is_signed_in_untracked()
            {
                keep_draft(&path, &draft);
            }
        });
    }

    /// After a refused save, moves focus to the first field the server named.
    fn focus_first_refused_field(self) {
        Effect::new(move |_| {
            if let Some(error) = self.server_error() {
                let first = error
                    .field_errors()
                    .into_iter()
                    .find_map(|(f, _)| Field::parse(&f));
                if let Some(field) = first {
                    focus_id(field.input_id());
                }
            }
        });
    }

    fn server_error(&self) -> Option<ApiError> {
        match self.save.value().get() {
            Some(Err(error)) => Some(error),
            _ => None,
        }
    }

    /// What the server said about `field`, while the field is as it was when the server saw it.
    fn server_messages(&self, field: Field) -> Vec<String> {
        let Some(error) = self.server_error() else {
            return Vec::new();
        };
        let unchanged = self.submitted.with(|submitted| {
            submitted.as_ref().is_some_and(|submitted| {
                self.draft
                    .with(|d| field_value(submitted, field) == field_value(d, field))
            })
        });
        if unchanged {
            error.field_messages(field.as_str())
        } else {
            Vec::new()
        }
    }

    /// The messages under `field`: the shared rules' (the target's once something is typed or a save
    /// was tried, the events' once a save was tried), then the server's that say something new.
    pub fn messages(self, field: Field) -> Signal<Vec<String>> {
        Signal::derive(move || {
            let attempted = self.attempted.get();
            let local = self.draft.with(|d| match field {
                Field::Target if d.target.is_empty() && !attempted => Some(Vec::new()),
                Field::Target => Some(d.target_errors()),
                Field::Description => Some(d.description_errors()),
                Field::Events if attempted => Some(d.events_errors()),
                Field::Events => Some(Vec::new()),
                Field::IsActive | Field::SslCertVerification => None,
            });
            let server = self.server_messages(field);
            match local {
                Some(local) => merge(local, server),
                None => server,
            }
        })
    }

    /// The message above the fields after a refused save, if any.
    pub fn general_error(&self) -> Option<String> {
        let error = self.server_error()?;
        let fields = error.field_errors();
        let on_form = fields.iter().any(|(f, _)| Field::parse(f).is_some());
        if on_form && fields.iter().all(|(f, _)| Field::parse(f).is_some()) {
            return Some("Some fields need attention.".to_owned());
        }
        let mut message = error.message();
        if matches!(error, ApiError::Network(_)) {
            message.push_str(" Nothing you typed is lost.");
        }
        Some(message)
    }

    /// Saves, unless a save is under way or a field breaks the shared rules (focus goes to the first).
    pub fn submit(&self) {
        if self.pending.get_untracked() {
            return;
        }
        self.attempted.set(true);
        let draft = self.draft.get_untracked();
        let invalid = [
            (Field::Target, draft.target_errors()),
            (Field::Description, draft.description_errors()),
            (Field::Events, draft.events_errors()),
        ]
        .into_iter()
        .find(|(_, errors)| !errors.is_empty());
        if let Some((field, _)) = invalid {
            focus_id(field.input_id());
            return;
        }
        self.submitted.set(Some(draft.clone()));
        self.save.dispatch(draft);
    }
}

/// Local messages first, then the server's that say something new.
fn merge(mut local: Vec<String>, server: Vec<String>) -> Vec<String> {
    for message in server {
        if !local.contains(&message) {
            local.push(message);
        }
    }
    local
}

/// A field's value as text, to tell whether it changed since the server saw it.
fn field_value(draft: &EndpointDraft, field: Field) -> String {
    match field {
        Field::Target => draft.target.clone(),
        Field::Description => draft.description.clone(),
        Field::IsActive => draft.is_active.to_string(),
        Field::SslCertVerification => draft.ssl_cert_verification.to_string(),
        Field::Events => draft.events.iter().cloned().collect::<Vec<_>>().join(","),
    }
}

/// The draft kept for the form at `path`, taken out of storage.
fn take_kept_draft(path: &str) -> Option<EndpointDraft> {
    let storage = session::storage()?;
    let text = storage.get_item(KEPT_DRAFT_KEY).ok().flatten()?;
    let draft = read_kept_draft(&text, path)?;
    let _ = storage.remove_item(KEPT_DRAFT_KEY);
    Some(draft)
}

fn keep_draft(path: &str, draft: &EndpointDraft) {
    if let Some(storage) = session::storage() {
        let _ = storage.set_item(KEPT_DRAFT_KEY, &kept_draft_json(path, draft));
    }
}
