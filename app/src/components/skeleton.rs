//! Placeholders shown while the first data of a screen loads, shaped like what is coming, and saying
//! "Loading…" to screen readers (the grey bars are hidden from them).

use leptos::prelude::*;

/// A table of grey bars.
#[component]
pub fn TableSkeleton(rows: usize, columns: usize) -> impl IntoView {
    view! {
        <div class="table-wrap skeleton">
            <LoadingStatus />
            <table class="table" aria-hidden="true">
                <tbody>
                    {(0..rows)
                        .map(|_| {
                            view! {
                                <tr>
                                    {(0..columns)
                                        .map(|_| view! { <td><span class="skeleton-bar"></span></td> })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A few lines of grey bars, for detail panels.
#[component]
pub fn BlockSkeleton(lines: usize) -> impl IntoView {
    view! {
        <div class="skeleton block-skeleton">
            <LoadingStatus />
            {(0..lines)
                .map(|_| view! { <span class="skeleton-bar" aria-hidden="true"></span> })
                .collect_view()}
        </div>
    }
}

/// A polite live region that says "Loading…". It comes into the page empty and gets its text a frame
/// later: screen readers announce a change to a live region, not what one held when it appeared.
#[component]
fn LoadingStatus() -> impl IntoView {
    let shown = RwSignal::new(false);
    request_animation_frame(move || {
        shown.try_set(true);
    });
    view! { <p class="visually-hidden" role="status">{move || if shown.get() { "Loading…" } else { "" }}</p> }
}
