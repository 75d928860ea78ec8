//! Data a screen loads from the API: loaded when the screen shows and again whenever what the fetch
//! reads changes (the URL query, say), kept on screen while a reload is under way, and aborted when
//! the screen goes away or a newer load replaces it.
//!
//! It does what `LocalResource` under `Transition`/`ErrorBoundary`/`Suspend` does for this app, with a
//! fraction of the generic code (the .wasm has a size budget): one small state machine per data type.

use std::{cell::Cell, future::Future, pin::Pin, rc::Rc};

use leptos::{html, prelude::*};
use send_wrapper::SendWrapper;

use super::error_panel::ErrorPanel;
use crate::{
    api::{ApiError, Client},
    focus,
    session::use_session,
};

/// A screen's fetch, boxed.
type Fetch<T> = Box<dyn Fn(Client) -> Pin<Box<dyn Future<Output = Result<T, ApiError>>>>>;

/// The latest answer for a screen's data, and whether a load is under way.
pub struct Remote<T: Send + Sync + 'static> {
    value: RwSignal<Option<Result<T, ApiError>>>,
    loading: RwSignal<bool>,
    reloads: RwSignal<u64>,
}

impl<T: Send + Sync + 'static> Clone for Remote<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Remote<T> {}

impl<T: Clone + Send + Sync + 'static> Remote<T> {
    /// Loads with `fetch`, which gets a client for the signed-in session; signals it reads are tracked.
    pub fn new<Fut>(fetch: impl Fn(Client) -> Fut + 'static) -> Self
    where
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        // Boxed, so that the loading machinery below exists once per data type, not once per screen.
        let fetch: Fetch<T> = Box::new(move |client| Box::pin(fetch(client)));
        Self::load(fetch)
    }

    fn load(fetch: Fetch<T>) -> Self {
        let session = use_session();
        let this = Self {
            value: RwSignal::new(None),
            loading: RwSignal::new(true),
            reloads: RwSignal::new(0),
        };
        Effect::new(move |_| {
            this.reloads.track();
            let controller = web_sys::AbortController::new().ok();
            let mut client = session.client();
            if let Some(controller) = &controller {
                client = client.with_abort(controller.signal());
            }
            let load = fetch(client);
            this.loading.set(true);
            let current = Rc::new(Cell::new(true));
            let still_current = Rc::clone(&current);
            leptos::task::spawn_local(async move {
                let result = load.await;
                if still_current.get() {
                    this.value.set(Some(result));
                    this.loading.set(false);
                }
            });
            let on_replace = SendWrapper::new((current, controller));
            on_cleanup(move || {
                let (current, controller) = on_replace.take();
                current.set(false);
                if let Some(controller) = controller {
                    controller.abort();
                }
            });
        });
        this
    }

    /// Loads again.
    pub fn reload(&self) {
        self.reloads.update(|n| *n += 1);
    }

    /// The latest answer (tracked); `None` before the first.
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.value.get()
    }

    /// Reads the latest successful value without cloning it (untracked).
    pub fn with_loaded_untracked<U>(&self, f: impl FnOnce(Option<&T>) -> U) -> U {
        self.value
            .with_untracked(|v| f(v.as_ref().and_then(|r| r.as_ref().ok())))
    }

    /// Reads the latest successful value without cloning it (tracked).
    pub fn with_loaded<U>(&self, f: impl FnOnce(Option<&T>) -> U) -> U {
        self.value
            .with(|v| f(v.as_ref().and_then(|r| r.as_ref().ok())))
    }

    /// Whether the first answer (data or error) is in (tracked; a reload does not change it).
    pub fn answered(&self) -> bool {
        self.value.with(Option::is_some)
    }

    pub fn loading(&self) -> Signal<bool> {
        self.loading.into()
    }

    /// Sets the value as if the server had answered it (a successful write that returned the data).
    pub fn set(&self, value: T) {
        self.value.set(Some(Ok(value)));
    }
}

/// Shows a screen's data: `skeleton` until the first answer, the error with a retry if it failed,
/// else `render` of the value. A reload keeps the current view (dimmed) until its answer comes; the new
/// view gives focus back to the control that had it in the old one (same row, same place).
pub fn loaded<T>(
    remote: Remote<T>,
    error_title: &'static str,
    skeleton: fn() -> AnyView,
    render: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let loading = remote.loading();
    let container = NodeRef::<html::Div>::new();
    let state = move || {
        let value = remote.get();
        // Read before the old view is replaced; restored once the new one is in the page.
        if let Some(position) = container.get_untracked().and_then(|c| focus::position(&c)) {
            request_animation_frame(move || {
                if let Some(container) = container.get_untracked() {
                    focus::restore(&container, &position);
                }
            });
        }
        match value {
            None => skeleton(),
            Some(Err(error)) => view! {
                <ErrorPanel error title=error_title retry=Callback::new(move |()| remote.reload()) />
            }
            .into_any(),
            Some(Ok(value)) => render(value),
        }
    };
    // Busy while a reload replaces what is shown; not during the first load, whose skeleton says
    // "Loading…" in a live region that a busy ancestor would silence.
    let busy = move || (loading.get() && remote.answered()).to_string();
    view! {
        <div node_ref=container class="loaded" class=("is-loading", loading) aria-busy=busy>
            {state}
        </div>
    }
}
