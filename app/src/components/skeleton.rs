//! Placeholders shown while the first data of a screen loads, shaped like what is coming.

use leptos::prelude::*;

/// A table of grey bars.
#[component]
pub fn TableSkeleton(rows: usize, columns: usize) -> impl IntoView {
    view! {
        <div class="table-wrap skeleton" aria-busy="true" aria-label="Loading">
            <table class="table">
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
        <div class="skeleton block-skeleton" aria-busy="true" aria-label="Loading">
            {(0..lines).map(|_| view! { <span class="skeleton-bar"></span> }).collect_view()}
        </div>
    }
}
