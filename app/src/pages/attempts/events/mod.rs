//! Deliveries by event, the endpoint page's default view of its attempts: one row per event with its
//! delivery state (derived in [`crate::deliveries`]), its tries on opening it, filters over a time
//! window that a bounded scan loads, "Resend failed events" and the export. `state` holds the scan and
//! the filters (in the URL: `filters`); `view` the section, its toolbar and the scan's progress; `rows`
//! the events and their tries; `recover` and `export` the two actions.

mod export;
mod filters;
mod recover;
mod rows;
mod state;
mod view;

pub use view::EventsView;
