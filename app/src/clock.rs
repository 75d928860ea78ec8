//! The current time as a signal, ticking every second, for relative times and countdowns.

use std::time::Duration;

use leptos::prelude::*;

/// Epoch milliseconds, updated every second (a context value).
#[derive(Clone, Copy)]
pub struct Clock(ReadSignal<f64>);

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

/// The current time, tracked when a clock is provided (else read once).
pub fn now() -> f64 {
    match use_context::<Clock>() {
        Some(Clock(now)) => now.get(),
        None => js_sys::Date::now(),
    }
}

/// A reader of the clock to move into closures: `let now = use_now(); move || now()`.
pub fn use_now() -> impl Fn() -> f64 + Copy + 'static {
    let clock = use_context::<Clock>();
    move || match clock {
        Some(Clock(now)) => now.get(),
        None => js_sys::Date::now(),
    }
}
