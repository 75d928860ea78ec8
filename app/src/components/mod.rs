//! Reusable pieces of the screens.

pub mod copy_button;
pub mod datetime;
pub mod dialog;
pub mod error_panel;
pub mod event_picker;
pub mod field;
pub mod json_viewer;
pub mod layout;
pub mod pagination;
pub mod password_dialog;
pub mod remote;
pub mod skeleton;
pub mod sort_header;
pub mod task;
pub mod toast;
pub mod unsaved;

use std::sync::atomic::{AtomicUsize, Ordering};

/// A number no other call returns (in this page).
pub fn unique_number() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A document-unique element id starting with `prefix`, for `for`/`aria-labelledby`/`aria-describedby`.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}-{}", unique_number())
}
