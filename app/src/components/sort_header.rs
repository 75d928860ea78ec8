//! A sortable column header: a link to the same list in the other order, with `aria-sort`. Plain `<a>`
//! (the router still handles it), as `<A>` would mark every link to this page `aria-current`.

use leptos::prelude::*;

/// How a column is sorted now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortState {
    Unsorted,
    Ascending,
    Descending,
}

impl SortState {
    /// The `aria-sort` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unsorted => "none",
            Self::Ascending => "ascending",
            Self::Descending => "descending",
        }
    }

    fn arrow(self) -> &'static str {
        match self {
            Self::Unsorted => "↕",
            Self::Ascending => "↑",
            Self::Descending => "↓",
        }
    }
}

/// `<th>` whose label links to `href` (the list sorted by this column, or reversed).
#[component]
pub fn SortHeader(
    #[prop(into)] label: String,
    #[prop(into)] state: Signal<SortState>,
    #[prop(into)] href: Signal<String>,
    #[prop(optional, into)] class: Option<String>,
) -> impl IntoView {
    let hint = move || match state.get() {
        SortState::Ascending => "sorted ascending; activate to sort descending",
        SortState::Descending => "sorted descending; activate to sort ascending",
        SortState::Unsorted => "activate to sort",
    };
    view! {
        <th scope="col" class=class aria-sort=move || state.get().as_str()>
            <a href=move || href.get() class="sort-link" title=hint>
                {label}
                <span class="sort-arrow" aria-hidden="true">{move || state.get().arrow()}</span>
            </a>
        </th>
    }
}
