//! List state that lives in the URL query (`?offset=40&size=50&ordering=-updated_at&search=orders`), so
//! that a reload, back/forward and a shared link show the same rows. The position is the offset of the
//! first row, not a page number: a server may page by fewer rows than asked, so only the offset names the
//! same rows whatever the server's page size (where a page sits is [`crate::paging`]'s).

use webhook_api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Ordering, SortField};

use crate::url::encode_query;

/// The page sizes offered; any other size in the URL still works.
pub const PAGE_SIZES: [u64; 4] = [10, 20, 50, 100];

/// What a list shows: which page, how many per page, in which order, filtered how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListQuery<F> {
    /// Offset of the first row.
    pub offset: u64,
    /// Rows per page asked for (`limit`).
    pub size: u64,
    /// `None`: the server's default (newest first).
    pub ordering: Option<Ordering<F>>,
    /// Substring of the target (endpoint list only); empty for none.
    pub search: String,
}

impl<F: SortField> Default for ListQuery<F> {
    fn default() -> Self {
        Self {
            offset: 0,
            size: DEFAULT_PAGE_SIZE,
            ordering: None,
            search: String::new(),
        }
    }
}

impl<F: SortField> ListQuery<F> {
    /// Reads the URL query through `get` (a lookup by parameter name). Missing, invalid or out-of-range
    /// values fall back to the defaults, so a hand-edited URL never breaks the page. A `page` (links of
    /// earlier versions) reads as the offset of that page at the size in the URL.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str| get(name).and_then(|v| v.trim().parse::<u64>().ok());
        let size = number("size")
            .filter(|n| *n > 0)
            .map_or(DEFAULT_PAGE_SIZE, |s| s.min(MAX_PAGE_SIZE));
        let offset = number("offset").or_else(|| {
            number("page")
                .filter(|n| *n > 0)
                .map(|page| (page - 1).saturating_mul(size))
        });
        Self {
            offset: offset.unwrap_or(0),
            size,
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
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        if self.size != DEFAULT_PAGE_SIZE {
            pairs.push(("size", self.size.to_string()));
        }
        encode_query(&pairs)
    }

    /// The ordering in effect, the server's default when none is chosen.
    pub fn effective_ordering(&self, default: Ordering<F>) -> Ordering<F> {
        self.ordering.unwrap_or(default)
    }

    /// The state after choosing column `field`: the same column flips direction; another column starts
    /// in `first_direction_descending`. Back to the first row, as the rows all move.
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
            offset: 0,
            ..self.clone()
        }
    }

    /// The rows from `offset` on.
    pub fn with_offset(&self, offset: u64) -> Self {
        Self {
            offset,
            ..self.clone()
        }
    }

    /// A new page size starts at the page of that size holding the first row, so that it stays in view
    /// (when the server honours the size).
    pub fn with_size(&self, size: u64) -> Self {
        let size = size.clamp(1, MAX_PAGE_SIZE);
        Self {
            offset: self.offset / size * size,
            size,
            ..self.clone()
        }
    }

    pub fn with_search(&self, search: &str) -> Self {
        Self {
            search: search.trim().to_owned(),
            offset: 0,
            ..self.clone()
        }
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
    fn an_empty_query_is_the_first_rows_twenty_at_a_time_in_default_order() {
        let query = parse(&[]);
        assert_eq!(query, ListQuery::default());
        assert_eq!(query.to_query_string(), "");
        assert_eq!(query.offset, 0);
    }

    #[test]
    fn query_round_trips_through_the_url() {
        let query = parse(&[
            ("offset", "100"),
            ("size", "50"),
            ("ordering", "-updated_at"),
            ("search", "orders & co"),
        ]);
        assert_eq!(query.offset, 100);
        assert_eq!(query.ordering, Some(Ordering::desc(UpdatedAt)));
        let text = query.to_query_string();
        assert_eq!(
            text,
            "?search=orders%20%26%20co&ordering=-updated_at&offset=100&size=50"
        );
    }

    #[test]
    fn a_page_number_of_an_older_link_reads_as_its_offset() {
        assert_eq!(parse(&[("page", "3"), ("size", "50")]).offset, 100);
        assert_eq!(parse(&[("page", "2")]).offset, 20);
        assert_eq!(parse(&[("page", "2"), ("offset", "5")]).offset, 5);
        assert_eq!(parse(&[("page", "3")]).to_query_string(), "?offset=40");
    }

    #[test]
    fn invalid_values_in_the_url_fall_back_to_defaults() {
        let query = parse(&[
            ("offset", "-3"),
            ("page", "0"),
            ("size", "-4"),
            ("ordering", "bogus"),
            ("search", "  "),
        ]);
        assert_eq!(query, ListQuery::default());
        assert_eq!(parse(&[("size", "500")]).size, MAX_PAGE_SIZE);
        assert_eq!(parse(&[("size", "0")]).size, DEFAULT_PAGE_SIZE);
    }

    #[test]
    fn any_offset_is_kept_as_it_is() {
        // A server paging by 5 under 20 asked links to offsets that are no multiple of 20.
        let query = parse(&[("offset", "15")]);
        assert_eq!(query.offset, 15);
        assert_eq!(query.with_offset(5).to_query_string(), "?offset=5");
    }

    #[test]
    fn sorting_the_current_column_flips_it_and_another_starts_descending() {
        let query = parse(&[("offset", "60")]);
        let ascending = query.sorted_by(CreatedAt, DEFAULT, true);
        assert_eq!(ascending.ordering, Some(Ordering::asc(CreatedAt)));
        assert_eq!(ascending.offset, 0);
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
        let query = parse(&[("offset", "20"), ("size", "10")]);
        assert_eq!(query.with_size(50).offset, 0);
        let query = parse(&[("offset", "60"), ("size", "10")]);
        assert_eq!(query.with_size(20).offset, 60);
        let query = parse(&[("offset", "15"), ("size", "20")]);
        assert_eq!(query.with_size(10).offset, 10);
    }

    #[test]
    fn searching_goes_back_to_the_first_row() {
        let query = parse(&[("offset", "80")]).with_search(" hooks ");
        assert_eq!(query.offset, 0);
        assert_eq!(query.search, "hooks");
    }
}
