//! Pagination (previous, numbered pages, next, "41–45 of 45") and the page-size choice.

use leptos::prelude::*;

use crate::query::{PAGE_SIZES, PageInfo};

/// Links to the other pages; `href(page)` is the list at that page.
#[component]
pub fn Pagination(
    info: PageInfo,
    /// The list at a given page.
    href: Callback<u64, String>,
    /// What the rows are ("endpoints", "attempts").
    #[prop(into)]
    noun: String,
) -> impl IntoView {
    let summary = if info.count == 0 {
        format!("No {noun}")
    } else {
        format!(
            "{}–{} of {} {noun}",
            info.first_row(),
            info.last_row(),
            info.count
        )
    };
    let link = move |page: u64, label: String, class: &'static str, aria_label: String| {
        view! {
            <a class=class href=href.run(page) aria-label=aria_label>
                {label}
            </a>
        }
    };
    view! {
        <nav class="pagination" aria-label="Pagination">
            <span class="pagination-summary">{summary}</span>
            <span class="pagination-pages">
                {if info.has_previous() {
                    link(info.page - 1, "‹ Previous".into(), "page-link", "Previous page".into())
                        .into_any()
                } else {
                    view! { <span class="page-link" aria-disabled="true">"‹ Previous"</span> }
                        .into_any()
                }}
                {info
                    .window()
                    .into_iter()
                    .map(|page| match page {
                        Some(page) if page == info.page => {
                            view! {
                                <a
                                    class="page-link current"
                                    href=href.run(page)
                                    aria-current="page"
                                    aria-label=format!("Page {page}")
                                >
                                    {page}
                                </a>
                            }
                                .into_any()
                        }
                        Some(page) => {
                            link(page, page.to_string(), "page-link", format!("Page {page}"))
                                .into_any()
                        }
                        None => view! { <span class="page-gap" aria-hidden="true">"…"</span> }.into_any(),
                    })
                    .collect_view()}
                {if info.has_next() {
                    link(info.page + 1, "Next ›".into(), "page-link", "Next page".into()).into_any()
                } else {
                    view! { <span class="page-link" aria-disabled="true">"Next ›"</span> }.into_any()
                }}
            </span>
        </nav>
    }
}

/// "Rows per page" select; `on_change` gets the new size.
#[component]
pub fn PageSizeSelect(
    #[prop(into)] size: Signal<u64>,
    #[prop(into)] on_change: Callback<u64>,
) -> impl IntoView {
    let id = super::unique_id("page-size");
    let label_for = id.clone();
    view! {
        <span class="page-size">
            <label for=label_for>"Rows per page"</label>
            <select
                id=id
                on:change=move |ev| {
                    if let Ok(size) = event_target_value(&ev).parse() {
                        on_change.run(size);
                    }
                }
            >
                {move || {
                    let current = size.get();
                    let mut sizes = PAGE_SIZES.to_vec();
                    if !sizes.contains(&current) {
                        // In order, without a sort (the .wasm has a size budget).
                        sizes.insert(sizes.partition_point(|&n| n < current), current);
                    }
                    sizes
                        .into_iter()
                        .map(|n| view! { <option value=n.to_string() selected=n == current>{n}</option> })
                        .collect_view()
                }}
            </select>
        </span>
    }
}
