//! The current time as a signal, ticking every second, for relative times and countdowns.

use std::time::Duration;

use leptos::prelude::*;

/// Epoch milliseconds, updated every second (a context value; tests provide one they move by hand).
#[derive(Clone, Copy)]
pub struct Clock(pub ReadSignal<f64>);

/// Starts the clock for the whole app.
pub fn provide_clock() {
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(js_sys::Date::now()),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    provide_context(Clock(now));
}

/// A reader of the clock to move into closures: `let now = use_now(); move || now()`.
pub fn use_now() -> impl Fn() -> f64 + Copy + 'static {
    let clock = use_context::<Clock>();
    move || match clock {
        Some(Clock(now)) => now.get(),
        None => js_sys::Date::now(),
    }
}
