//! Live updates of the deliveries: a refresh every [`LIVE_EVERY`] while the switch is on and the tab
//! is visible (Page Visibility API), once more as soon as it is visible again; the switch that stops it.

use std::time::Duration;

use leptos::prelude::*;

/// How often a live list refreshes.
pub const LIVE_EVERY: Duration = Duration::from_secs(5);

/// Runs `refresh` every [`LIVE_EVERY`] while `live` is on and the page is visible, and at once when
/// either turns on again; nothing while the tab is hidden.
pub fn refresh_while_live(live: RwSignal<bool>, refresh: impl Fn() + Copy + Send + Sync + 'static) {
    let visible = RwSignal::new(!document().hidden());
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        visible.set(!document().hidden());
    });
    on_cleanup(move || listener.remove());
    Effect::new(move |was_on: Option<bool>| {
        let on = live.get() && visible.get();
        if on {
            if was_on == Some(false) {
                refresh();
            }
            if let Ok(handle) = set_interval_with_handle(refresh, LIVE_EVERY) {
                on_cleanup(move || handle.clear());
            }
        }
        on
    });
}

/// The switch that turns live updates on and off.
#[component]
pub fn LiveSwitch(live: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="switch">
            <input type="checkbox" role="switch" bind:checked=live />
            <span class="switch-track" aria-hidden="true"></span>
            <span class="switch-label">"Live: refresh every 5 s"</span>
        </label>
    }
}
