//! A write a screen starts: `dispatch` runs an async job (one at a time), `pending` says it is under
//! way, `value` holds its last result. The same shape as `Action::new_local`, with far less generic code
//! (the .wasm has a size budget): the job is boxed once, and no `SendWrapper` wraps its future.

use std::{future::Future, pin::Pin};

use leptos::prelude::*;

type Job<I, O> = Box<dyn Fn(&I) -> Pin<Box<dyn Future<Output = O>>>>;

pub struct Task<I: 'static, O: Send + Sync + 'static> {
    job: StoredValue<Job<I, O>, LocalStorage>,
    pending: RwSignal<bool>,
    value: RwSignal<Option<O>>,
}

impl<I: 'static, O: Send + Sync + 'static> Clone for Task<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static, O: Send + Sync + 'static> Copy for Task<I, O> {}

impl<I: 'static, O: Send + Sync + 'static> Task<I, O> {
    pub fn new<F, Fut>(job: F) -> Self
    where
        F: Fn(&I) -> Fut + 'static,
        Fut: Future<Output = O> + 'static,
    {
        let job: Job<I, O> = Box::new(move |input| Box::pin(job(input)));
        Self {
            job: StoredValue::new_local(job),
            pending: RwSignal::new(false),
            value: RwSignal::new(None),
        }
    }

    /// Runs the job with `input`, unless a run is already under way.
    pub fn dispatch(&self, input: I) {
        if self.pending.get_untracked() {
            return;
        }
        let Some(run) = self.job.try_with_value(|job| job(&input)) else {
            return;
        };
        self.pending.set(true);
        let (pending, value) = (self.pending, self.value);
        leptos::task::spawn_local(async move {
            let output = run.await;
            // The screen may be gone by now: setting a disposed signal does nothing.
            value.set(Some(output));
            pending.set(false);
        });
    }

    pub fn pending(&self) -> Signal<bool> {
        self.pending.into()
    }

    /// The last result; set it to `None` to forget it.
    pub fn value(&self) -> RwSignal<Option<O>> {
        self.value
    }
}
