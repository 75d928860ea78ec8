//! Toasts: short messages after an action, announced to screen readers, dismissed after a few seconds or
//! by hand, and gone with the screen they were shown on (a toast for an action that ends on another
//! screen is pushed once there).

use std::time::Duration;

use leptos::prelude::*;

use crate::{api::ApiError, router::Location};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

impl ToastKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Error => "error",
        }
    }

    /// Errors stay longer: they usually need reading.
    fn lifetime(self) -> Duration {
        match self {
            Self::Success => Duration::from_secs(5),
            Self::Error => Duration::from_secs(10),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
    /// The path of the screen it was shown on.
    screen: String,
}

/// The app's toasts (a context value).
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
    /// Where the app is: a toast shows on the path it was pushed on (another page or order of the same
    /// list is the same screen), and is dropped when the path changes.
    location: Location,
}

impl Toasts {
    /// The toasts of the app at `location`.
    pub fn new(location: Location) -> Self {
        let list = RwSignal::new(Vec::<Toast>::new());
        // Gone with their screen, for good: back on it later is a new visit.
        Effect::watch(
            move || location.path(),
            move |path, _, _| list.update(|list| list.retain(|t| t.screen == *path)),
            false,
        );
        Self {
            list,
            next_id: StoredValue::new(1),
            location,
        }
    }

    pub fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    /// "`what`: why" for a write the server did not do. Nothing for a refused session: the session
    /// already says what happened (sign in again, admin role required) instead of the screen.
    pub fn failed(&self, what: &str, error: &ApiError) {
        if !error.is_refusal() {
            self.error(format!("{what}: {}", error.message()));
        }
    }

    fn push(&self, kind: ToastKind, text: String) {
        // Nothing once the app that held the toasts is gone (a request that ends after it).
        let (Some(id), Some(screen)) = (
            self.next_id.try_get_value(),
            untrack(|| self.location.try_path()),
        ) else {
            return;
        };
        self.next_id.set_value(id + 1);
        self.list.update(|list| {
            list.push(Toast {
                id,
                kind,
                text,
                screen,
            })
        });
        let this = *self;
        set_timeout(move || this.dismiss(id), kind.lifetime());
    }

    pub fn dismiss(&self, id: u64) {
        self.list.update(|list| list.retain(|t| t.id != id));
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Where toasts show. Two live regions: errors interrupt (`alert`), successes wait their turn (`status`).
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    // Only those of the screen on show (the others go once the path changed).
    let of_kind = move |kind: ToastKind| {
        move || {
            let screen = toasts.location.path();
            toasts.list.with(|list| {
                list.iter()
                    .filter(|t| t.kind == kind && t.screen == screen)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        }
    };
    let render = move |toast: Toast| {
        let id = toast.id;
        view! {
            <div class=format!("toast toast-{}", toast.kind.as_str())>
                <span class="toast-text">{toast.text}</span>
                <button
                    type="button"
                    class="toast-close"
                    aria-label="Dismiss"
                    on:click=move |_| toasts.dismiss(id)
                >
                    <span aria-hidden="true">"×"</span>
                </button>
            </div>
        }
    };
    view! {
        <div class="toasts">
            <div role="status" aria-live="polite">
                <For each=of_kind(ToastKind::Success) key=|t| t.id children=render />
            </div>
            <div role="alert" aria-live="assertive">
                <For each=of_kind(ToastKind::Error) key=|t| t.id children=render />
            </div>
        </div>
    }
}
