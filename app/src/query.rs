//! List state that lives in the URL query (`?page=2&size=50&ordering=-updated_at&search=orders`), so that a
//! reload, back/forward and a shared link show the same page; and the pagination arithmetic.

use webhook_api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Ordering, SortField};

use crate::url::encode_query;

/// The page sizes offered; any other size in the URL still works.
pub const PAGE_SIZES: [u64; 4] = [10, 20, 50, 100];

/// What a list shows: which page, how many per page, in which order, filtered how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery<F> {
    /// 1-based.
    pub page: u64,
    pub size: u64,
    /// `None`: the server's default (newest first).
    pub ordering: Option<Ordering<F>>,
    /// Substring of the target (endpoint list only); empty for none.
    pub search: String,
}

impl<F: SortField> Default for ListQuery<F> {
    fn default() -> Self {
        Self {
            page: 1,
            size: DEFAULT_PAGE_SIZE,
            ordering: None,
            search: String::new(),
        }
    }
}

impl<F: SortField> ListQuery<F> {
    /// Reads the URL query through `get` (a lookup by parameter name). Missing, invalid or out-of-range
    /// values fall back to the defaults, so a hand-edited URL never breaks the page.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let positive = |name: &str| {
            get(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|n| *n > 0)
        };
        Self {
            page: positive("page").unwrap_or(1),
            size: positive("size")
                .map(|s| s.min(MAX_PAGE_SIZE))
                .unwrap_or(DEFAULT_PAGE_SIZE),
            ordering: get("ordering").and_then(|v| Ordering::parse_list(&v).into_iter().next()),
            search: get("search")
                .map(|s| s.trim().to_owned())
                .unwrap_or_default(),
        }
    }

    /// The URL query for this state (with `?`), leaving defaults out; empty when everything is default.
    pub fn to_query_string(&self) -> String {
        let mut pairs = Vec::new();
        if !self.search.is_empty() {
            pairs.push(("search", self.search.clone()));
        }
        if let Some(ordering) = self.ordering {
            pairs.push(("ordering", ordering.to_query()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if self.size != DEFAULT_PAGE_SIZE {
            pairs.push(("size", self.size.to_string()));
        }
        encode_query(&pairs)
    }

    /// `offset` for the API.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.size
    }

    /// The ordering in effect, the server's default when none is chosen.
    pub fn effective_ordering(&self, default: Ordering<F>) -> Ordering<F> {
        self.ordering.unwrap_or(default)
    }

    /// The state after choosing column `field`: the same column flips direction; another column starts
    /// in `first_direction_descending`. Back to page 1, as the rows all move.
    pub fn sorted_by(&self, field: F, default: Ordering<F>, first_descending: bool) -> Self {
        let current = self.effective_ordering(default);
        let ordering = if current.field == field {
            current.reversed()
        } else if first_descending {
            Ordering::desc(field)
        } else {
            Ordering::asc(field)
        };
        Self {
            ordering: (ordering != default).then_some(ordering),
            page: 1,
            ..self.clone()
        }
    }

    pub fn with_page(&self, page: u64) -> Self {
        Self {
            page: page.max(1),
            ..self.clone()
        }
    }

    /// A new page size keeps the first row in view.
    pub fn with_size(&self, size: u64) -> Self {
        let size = size.clamp(1, MAX_PAGE_SIZE);
        Self {
            page: self.offset() / size + 1,
            size,
            ..self.clone()
        }
    }

    pub fn with_search(&self, search: &str) -> Self {
        Self {
            search: search.trim().to_owned(),
            page: 1,
            ..self.clone()
        }
    }
}

/// Where a page sits in the whole list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageInfo {
    pub count: u64,
    pub page: u64,
    pub size: u64,
}

impl PageInfo {
    pub fn total_pages(&self) -> u64 {
        self.count.div_ceil(self.size.max(1)).max(1)
    }

    /// 1-based index of the first row shown; 0 when the list is empty.
    pub fn first_row(&self) -> u64 {
        if self.count == 0 {
            0
        } else {
            ((self.page - 1) * self.size + 1).min(self.count)
        }
    }

    pub fn last_row(&self) -> u64 {
        (self.page * self.size).min(self.count)
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.total_pages()
    }

    /// Whether the page is past the end (e.g. after deleting the last row of the last page).
    pub fn is_past_end(&self) -> bool {
        self.page > self.total_pages()
    }

    /// Page numbers to offer as links: the first, the last, and two either side of the current one;
    /// `None` stands for a gap ("…").
    pub fn window(&self) -> Vec<Option<u64>> {
        let total = self.total_pages();
        let mut pages = Vec::new();
        let mut last = 0;
        for page in 1..=total {
            let near = page.abs_diff(self.page) <= 2;
            if page == 1 || page == total || near {
                if page > last + 1 {
                    pages.push(None);
                }
                pages.push(Some(page));
                last = page;
            }
        }
        pages
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use webhook_api::EndpointSortField::{self, CreatedAt, IsActive, UpdatedAt};

    use super::*;

    const DEFAULT: Ordering<EndpointSortField> = Ordering {
        field: CreatedAt,
        descending: true,
    };

    fn parse(pairs: &[(&str, &str)]) -> ListQuery<EndpointSortField> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ListQuery::from_query(|name| map.get(name).cloned())
    }

    #[test]
    fn an_empty_query_is_the_first_page_of_twenty_in_default_order() {
        let query = parse(&[]);
        assert_eq!(query, ListQuery::default());
        assert_eq!(query.to_query_string(), "");
        assert_eq!(query.offset(), 0);
    }

    #[test]
    fn query_round_trips_through_the_url() {
        let query = parse(&[
            ("page", "3"),
            ("size", "50"),
            ("ordering", "-updated_at"),
            ("search", "orders & co"),
        ]);
        assert_eq!(query.page, 3);
        assert_eq!(query.offset(), 100);
        assert_eq!(query.ordering, Some(Ordering::desc(UpdatedAt)));
        let text = query.to_query_string();
        assert_eq!(
            text,
            "?search=orders%20%26%20co&ordering=-updated_at&page=3&size=50"
        );
    }

    #[test]
    fn invalid_values_in_the_url_fall_back_to_defaults() {
        let query = parse(&[
            ("page", "0"),
            ("size", "-4"),
            ("ordering", "bogus"),
            ("search", "  "),
        ]);
        assert_eq!(query, ListQuery::default());
        assert_eq!(parse(&[("size", "500")]).size, MAX_PAGE_SIZE);
    }

    #[test]
    fn sorting_the_current_column_flips_it_and_another_starts_descending() {
        let query = parse(&[("page", "4")]);
        let ascending = query.sorted_by(CreatedAt, DEFAULT, true);
        assert_eq!(ascending.ordering, Some(Ordering::asc(CreatedAt)));
        assert_eq!(ascending.page, 1);
        let back = ascending.sorted_by(CreatedAt, DEFAULT, true);
        assert_eq!(
            back.ordering, None,
            "the default order stays out of the URL"
        );
        let active = query.sorted_by(IsActive, DEFAULT, true);
        assert_eq!(active.ordering, Some(Ordering::desc(IsActive)));
    }

    #[test]
    fn changing_the_page_size_keeps_the_first_row_in_view() {
        let query = parse(&[("page", "3"), ("size", "10")]);
        assert_eq!(query.with_size(50).page, 1);
        let query = parse(&[("page", "7"), ("size", "10")]);
        assert_eq!(query.with_size(20).page, 4);
    }

    #[test]
    fn searching_goes_back_to_the_first_page() {
        let query = parse(&[("page", "5")]).with_search(" hooks ");
        assert_eq!(query.page, 1);
        assert_eq!(query.search, "hooks");
    }

    #[test]
    fn page_info_counts_rows_and_pages() {
        let info = PageInfo {
            count: 45,
            page: 3,
            size: 20,
        };
        assert_eq!(info.total_pages(), 3);
        assert_eq!((info.first_row(), info.last_row()), (41, 45));
        assert!(info.has_previous() && !info.has_next());
        let empty = PageInfo {
            count: 0,
            page: 1,
            size: 20,
        };
        assert_eq!(empty.total_pages(), 1);
        assert_eq!((empty.first_row(), empty.last_row()), (0, 0));
        assert!(!empty.has_next() && !empty.is_past_end());
    }

    #[test]
    fn a_page_beyond_the_last_is_past_the_end() {
        let info = PageInfo {
            count: 40,
            page: 3,
            size: 20,
        };
        assert!(info.is_past_end());
    }

    #[test]
    fn the_page_window_keeps_first_last_and_neighbours() {
        let info = PageInfo {
            count: 1000,
            page: 10,
            size: 20,
        };
        assert_eq!(
            info.window(),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(50)
            ]
        );
        let small = PageInfo {
            count: 50,
            page: 1,
            size: 20,
        };
        assert_eq!(small.window(), vec![Some(1), Some(2), Some(3)]);
    }
}
