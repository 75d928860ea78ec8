//! Where a page of a list sits, from what the server sent back: the rows that came at the offset asked,
//! `count`, and the offsets of its `next` and `previous` links. A Django REST framework server may page
//! by fewer rows than asked (its `max_limit`), or ignore `limit`: the range, Next, Previous and the page
//! numbers all follow the answer, never the size asked, so every row stays reachable.

use webhook_api::Page;

use crate::url::{query_value, split};

/// One page of a list as the server answered it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageInfo {
    /// Rows in the whole list: the server's `count`, or more if this page showed more.
    pub count: u64,
    /// Offset of the page's first row (the offset asked; the server's page starts there).
    pub offset: u64,
    /// Rows that came back.
    pub rows: u64,
    /// Rows per page asked for.
    pub asked: u64,
    /// Rows per page the server sends: the `limit` its links carry, else the rows of a page that has
    /// more after it, else the size asked (never fewer than came back).
    pub page_size: u64,
    /// Offset of the next page; `None` on the last.
    pub next: Option<u64>,
    /// Offset of the previous page; `None` on the first.
    pub previous: Option<u64>,
}

impl PageInfo {
    /// `page`, the answer to a request for `asked` rows from `offset`.
    pub fn of<T>(page: &Page<T>, offset: u64, asked: u64) -> Self {
        Self::new(
            offset,
            asked,
            page.count,
            page.results.len() as u64,
            page.next.as_deref(),
            page.previous.as_deref(),
        )
    }

    /// From the parts of an answer: `rows` came back from `offset` (for `asked`), the server counted
    /// `count`, and linked `next` and `previous`.
    pub fn new(
        offset: u64,
        asked: u64,
        count: u64,
        rows: u64,
        next: Option<&str>,
        previous: Option<&str>,
    ) -> Self {
        let end = offset.saturating_add(rows);
        let count = count.max(end);
        let more_after = end < count || next.is_some();
        let link_limit = next
            .and_then(|link| link_param(link, "limit"))
            .or_else(|| previous.and_then(|link| link_param(link, "limit")))
            .filter(|&limit| limit > 0);
        let page_size = link_limit
            .or((more_after && rows > 0).then_some(rows))
            .unwrap_or(asked)
            .max(rows)
            .max(1);
        // The link's offset, unless it would skip rows this page did not show; without a link, where
        // this page's rows end, if the count says more follow.
        let next = match next {
            _ if rows == 0 => None,
            Some(link) => Some(
                link_param(link, "offset")
                    .filter(|&next| next > offset)
                    .map_or(end, |next| next.min(end)),
            ),
            None => (end < count).then_some(end),
        };
        // Django REST framework leaves `offset` out of the link to the first page.
        let previous = (offset > 0).then(|| {
            previous
                .and_then(|link| link_param(link, "offset"))
                .filter(|&previous| previous < offset)
                .unwrap_or_else(|| offset.saturating_sub(page_size))
        });
        Self {
            count,
            offset,
            rows,
            asked,
            page_size,
            next,
            previous,
        }
    }

    /// 1-based index of the first row shown; 0 when none is.
    pub fn first_row(&self) -> u64 {
        if self.rows == 0 { 0 } else { self.offset + 1 }
    }

    /// 1-based index of the last row shown.
    pub fn last_row(&self) -> u64 {
        self.offset.saturating_add(self.rows)
    }

    /// The server's page size, when it is smaller than the size asked (to say so).
    pub fn server_pages_by(&self) -> Option<u64> {
        (self.page_size < self.asked).then_some(self.page_size)
    }

    /// The page number of this page: the server's page holding its first row.
    pub fn page(&self) -> u64 {
        self.offset / self.page_size + 1
    }

    /// Pages of the server's size in the whole list (at least one).
    pub fn total_pages(&self) -> u64 {
        self.count.div_ceil(self.page_size).max(1)
    }

    /// Offset of page `page` (1-based).
    pub fn page_offset(&self, page: u64) -> u64 {
        page.saturating_sub(1).saturating_mul(self.page_size)
    }

    /// Offset of the last page.
    pub fn last_page_offset(&self) -> u64 {
        self.page_offset(self.total_pages())
    }

    /// No rows came back past the start: past the end (after deleting the last row of the last page,
    /// or a count that shrank).
    pub fn is_past_end(&self) -> bool {
        self.rows == 0 && self.offset > 0
    }

    /// Page numbers to offer as links: the first, the last, and two either side of this one; `None`
    /// stands for a gap ("…").
    pub fn window(&self) -> Vec<Option<u64>> {
        let current = self.page();
        let total = self.total_pages().max(current);
        let mut pages = Vec::new();
        let mut last = 0;
        for page in 1..=total {
            if page == 1 || page == total || page.abs_diff(current) <= 2 {
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

/// A whole-number parameter of a `next`/`previous` link (absolute or not).
fn link_param(link: &str, name: &str) -> Option<u64> {
    query_value(&split(link).1, name)?.trim().parse().ok()
}

/// Every row of a list, a page at a time, starting each request where the rows so far end or where the
/// server's `next` link says (whichever skips none), until the server has no more.
pub async fn all_rows<T, F, Fut, E>(asked: u64, mut fetch: F) -> Result<Vec<T>, E>
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = Result<Page<T>, E>>,
{
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = fetch(offset).await?;
        let info = PageInfo::of(&page, offset, asked);
        all.extend(page.results);
        match info.next {
            Some(next) => offset = next,
            None => return Ok(all),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "http://community.example/api/v2/webhook/endpoint/";

    /// A link as Django REST framework writes it: absolute, parameters sorted by name.
    fn link(params: &str) -> String {
        format!("{LIST}?{params}")
    }

    #[test]
    fn a_server_that_honours_the_size_asked_pages_by_it() {
        let next = link("limit=20&offset=40&ordering=-created_at");
        let previous = link("limit=20&ordering=-created_at");
        let info = PageInfo::new(20, 20, 45, 20, Some(&next), Some(&previous));
        assert_eq!(
            (info.first_row(), info.last_row(), info.count),
            (21, 40, 45)
        );
        assert_eq!((info.previous, info.next), (Some(0), Some(40)));
        assert_eq!((info.page(), info.total_pages()), (2, 3));
        assert_eq!(info.server_pages_by(), None);
        let last = PageInfo::new(40, 20, 45, 5, None, Some(&link("limit=20&offset=20")));
        assert_eq!((last.first_row(), last.last_row()), (41, 45));
        assert_eq!((last.previous, last.next), (Some(20), None));
        assert_eq!((last.page(), last.total_pages()), (3, 3));
    }

    #[test]
    fn a_server_that_caps_the_limit_pages_by_its_own_size() {
        // 12 rows, 20 asked, the server's max_limit is 5.
        let first = PageInfo::new(0, 20, 12, 5, Some(&link("limit=5&offset=5")), None);
        assert_eq!((first.first_row(), first.last_row()), (1, 5));
        assert_eq!((first.previous, first.next), (None, Some(5)));
        assert_eq!(first.page_size, 5);
        assert_eq!(first.server_pages_by(), Some(5));
        assert_eq!((first.page(), first.total_pages()), (1, 3));
        assert_eq!(first.window(), [Some(1), Some(2), Some(3)]);
        assert_eq!(first.page_offset(3), 10);

        let second = PageInfo::new(
            5,
            20,
            12,
            5,
            Some(&link("limit=5&offset=10")),
            Some(&link("limit=5")),
        );
        assert_eq!((second.first_row(), second.last_row()), (6, 10));
        assert_eq!((second.previous, second.next), (Some(0), Some(10)));
        assert_eq!(second.page(), 2);

        let third = PageInfo::new(10, 20, 12, 2, None, Some(&link("limit=5&offset=5")));
        assert_eq!((third.first_row(), third.last_row()), (11, 12));
        assert_eq!((third.previous, third.next), (Some(5), None));
        assert_eq!((third.page(), third.total_pages()), (3, 3));
        assert_eq!(third.server_pages_by(), Some(5));
    }

    #[test]
    fn following_next_from_the_start_reaches_every_row_at_every_size_asked() {
        // A server with max_limit 5 over 12 rows, as Django REST framework answers.
        let answer = |offset: u64, limit: u64| {
            let limit = limit.min(5);
            let count = 12;
            let rows = limit.min(count - offset.min(count));
            let next = (offset + limit < count)
                .then(|| link(&format!("limit={limit}&offset={}", offset + limit)));
            let previous = (offset > 0).then(|| match offset.saturating_sub(limit) {
                0 => link(&format!("limit={limit}")),
                back => link(&format!("limit={limit}&offset={back}")),
            });
            PageInfo::new(
                offset,
                limit,
                count,
                rows,
                next.as_deref(),
                previous.as_deref(),
            )
        };
        for asked in [10, 20, 50, 100] {
            let (mut offset, mut shown, mut pages) = (0, Vec::new(), Vec::new());
            loop {
                let info = answer(offset, asked);
                shown.extend(info.first_row()..=info.last_row());
                pages.push(info.page());
                assert_eq!(info.total_pages(), 3);
                match info.next {
                    Some(next) => offset = next,
                    None => break,
                }
            }
            assert_eq!(shown, (1..=12).collect::<Vec<_>>(), "{asked} asked");
            assert_eq!(pages, [1, 2, 3]);
            // And back again by Previous.
            let mut back = Vec::new();
            while let Some(previous) = answer(offset, asked).previous {
                back.push(previous);
                offset = previous;
            }
            assert_eq!(back, [5, 0]);
        }
    }

    #[test]
    fn without_links_next_and_previous_follow_the_rows_received() {
        let middle = PageInfo::new(10, 10, 30, 10, None, None);
        assert_eq!((middle.previous, middle.next), (Some(0), Some(20)));
        assert_eq!(middle.page_size, 10);
        let last = PageInfo::new(20, 10, 30, 10, None, None);
        assert_eq!(last.next, None);
    }

    #[test]
    fn links_without_an_offset_start_at_zero_or_follow_the_rows() {
        // Django REST framework's link to the first page has no offset.
        let previous = PageInfo::new(5, 5, 12, 5, Some(&link("limit=5&offset=10")), Some(LIST));
        assert_eq!(previous.previous, Some(0));
        // A next link without an offset (another pagination style): where the rows end.
        let next = PageInfo::new(
            10,
            10,
            40,
            10,
            Some("/api/v2/webhook/endpoint/?page=3"),
            Some("/api/v2/webhook/endpoint/?page=1"),
        );
        assert_eq!((next.previous, next.next), (Some(0), Some(20)));
    }

    #[test]
    fn a_server_that_ignores_limit_entirely_shows_what_it_sent() {
        // 10 asked; the server sends its own 25 rows, with links that carry no limit.
        let first = PageInfo::new(0, 10, 60, 25, Some(&link("offset=25")), None);
        assert_eq!((first.first_row(), first.last_row()), (1, 25));
        assert_eq!(first.next, Some(25));
        assert_eq!(first.page_size, 25);
        assert_eq!(first.server_pages_by(), None, "it sends more, not fewer");
        assert_eq!(first.total_pages(), 3);
        // All of it at once.
        let all = PageInfo::new(0, 10, 12, 12, None, None);
        assert_eq!((all.first_row(), all.last_row(), all.next), (1, 12, None));
        assert_eq!(all.window(), [Some(1)]);
    }

    #[test]
    fn a_next_link_that_would_skip_rows_is_not_followed_past_them() {
        // The link says 20 further on, but only 5 rows came.
        let info = PageInfo::new(0, 20, 30, 5, Some(&link("limit=20&offset=20")), None);
        assert_eq!(info.next, Some(5));
        // A link that goes backwards or nowhere.
        let info = PageInfo::new(10, 5, 30, 5, Some(&link("limit=5&offset=10")), None);
        assert_eq!(info.next, Some(15));
    }

    #[test]
    fn a_count_that_changes_between_pages_is_read_from_each_answer() {
        // Rows were deleted after page 1 (12 → 8): page 2 of 5 is the last.
        let second = PageInfo::new(5, 20, 8, 3, None, Some(&link("limit=5")));
        assert_eq!(
            (second.first_row(), second.last_row(), second.count),
            (6, 8, 8)
        );
        assert_eq!((second.next, second.total_pages()), (None, 2));
        // Rows were added (12 → 20): the next page is there.
        let grown = PageInfo::new(10, 20, 20, 5, Some(&link("limit=5&offset=15")), None);
        assert_eq!((grown.next, grown.total_pages()), (Some(15), 4));
        // A count smaller than the rows shown counts the rows shown.
        let short = PageInfo::new(5, 5, 7, 5, None, None);
        assert_eq!((short.last_row(), short.count), (10, 10));
    }

    #[test]
    fn an_empty_page_past_the_start_is_past_the_end() {
        // The last row of page 3 was deleted.
        let info = PageInfo::new(10, 20, 10, 0, None, Some(&link("limit=5&offset=5")));
        assert!(info.is_past_end());
        assert_eq!(
            (info.first_row(), info.next, info.previous),
            (0, None, Some(5))
        );
        assert_eq!(info.last_page_offset(), 5);
        let empty = PageInfo::new(0, 20, 0, 0, None, None);
        assert!(!empty.is_past_end());
        assert_eq!((empty.total_pages(), empty.last_page_offset()), (1, 0));
    }

    #[test]
    fn an_offset_between_pages_numbers_the_page_holding_its_first_row() {
        let info = PageInfo::new(7, 5, 12, 5, None, Some(&link("limit=5&offset=2")));
        assert_eq!((info.first_row(), info.last_row()), (8, 12));
        assert_eq!((info.page(), info.previous, info.next), (2, Some(2), None));
    }

    #[test]
    fn the_page_window_keeps_first_last_and_neighbours() {
        let info = PageInfo::new(180, 20, 1000, 20, Some(&link("limit=20&offset=200")), None);
        assert_eq!(
            info.window(),
            [
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
    }

    #[test]
    fn all_rows_follows_the_server_until_it_has_no_more() {
        let pages = std::cell::RefCell::new(Vec::new());
        let rows = ready(all_rows(100, |offset| {
            pages.borrow_mut().push(offset);
            let rows: Vec<u64> = (offset..(offset + 5).min(12)).collect();
            let next = (offset + 5 < 12).then(|| link(&format!("limit=5&offset={}", offset + 5)));
            async move {
                Ok::<_, ()>(Page {
                    count: 12,
                    next,
                    previous: None,
                    results: rows,
                })
            }
        }));
        assert_eq!(rows, Ok((0..12).collect()));
        assert_eq!(pages.into_inner(), [0, 5, 10]);
    }

    /// The output of a future that never waits.
    fn ready<T>(future: impl Future<Output = T>) -> T {
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(future).poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the future waited"),
        }
    }
}
