//! Pagination (previous, numbered pages, next, "41–45 of 45") and the page-size choice.

use leptos::prelude::*;

use crate::{paging::PageInfo, query::PAGE_SIZES};

/// Links to the other pages, by the offsets the server's answer gives (`info`); `href(offset)` is the
/// list from that offset. When the server sends fewer rows per page than asked, says so.
#[component]
pub fn Pagination(
    info: PageInfo,
    /// The list from a given offset.
    href: Callback<u64, String>,
    /// What the rows are ("endpoints", "attempts").
    #[prop(into)]
    noun: String,
) -> impl IntoView {
    let (first, last, count) = (info.first_row(), info.last_row(), info.count);
    let summary = if count == 0 {
        format!("No {noun}")
    } else if first == last {
        format!("{first} of {count} {noun}")
    } else {
        format!("{first}–{last} of {count} {noun}")
    };
    let link =
        move |offset: Option<u64>, label: &'static str, aria_label: &'static str| match offset {
            Some(offset) => view! {
                <a class="page-link" href=href.run(offset) aria-label=aria_label>
                    {label}
                </a>
            }
            .into_any(),
            None => {
                view! { <span class="page-link" aria-disabled="true">{label}</span> }.into_any()
            }
        };
    let current = info.page();
    view! {
        <nav class="pagination" aria-label="Pagination">
            <span class="pagination-summary">
                {summary}
                {info.server_pages_by().map(|size| view! {
                    <span class="pagination-note">{format!(" · the server sends {size} per page")}</span>
                })}
            </span>
            <span class="pagination-pages">
                {link(info.previous, "‹ Previous", "Previous page")}
                {info
                    .window()
                    .into_iter()
                    .map(|page| match page {
                        Some(page) => view! {
                            <a
                                class="page-link"
                                class:current=page == current
                                href=href.run(info.page_offset(page))
                                aria-current=(page == current).then_some("page")
                                aria-label=format!("Page {page}")
                            >
                                {page}
                            </a>
                        }
                        .into_any(),
                        None => view! { <span class="page-gap" aria-hidden="true">"…"</span> }.into_any(),
                    })
                    .collect_view()}
                {link(info.next, "Next ›", "Next page")}
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
